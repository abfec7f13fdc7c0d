"""The inbox in a real browser: an answer shows up as an unread count in the
header, opening it leads to the answer, mark read works without a reload."""

import re

import pytest
from playwright.sync_api import expect

from notifications.models import Notification
from qa import services
from tests.e2e.conftest import screenshot
from tests.e2e.test_qa_flow import _log_in
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Hold the reset button for ten seconds, then log in again."


def test_unread_count_open_and_mark_read(page, live_server) -> None:
    asker = UserFactory(username="asker")
    question = QuestionFactory(author=asker, title="My router keeps dropping the connection")
    helper = UserFactory(username="helper", display_name="Helpful Hana")
    answer = services.answer_post(author=helper, question=question, body=BODY)
    services.comment_add(author=helper, post=question, body="Which firmware version is it?")
    services.comment_add(author=helper, post=question, body="And @asker, which model exactly?")

    _log_in(page, live_server, "asker")
    assert page.locator(".inbox-link .unread-count").inner_text().startswith("3")
    page.click(".inbox-link")
    page.wait_for_selector(".notification-list")
    assert page.locator(".notification.unread").count() == 3
    assert "Helpful Hana answered “My router keeps dropping the connection”" in page.inner_text(
        ".notification-list"
    )
    screenshot(page, "inbox")

    # Mark one read without a reload: the count follows.
    page.evaluate("window.__noReload = true")
    page.locator(".notification.unread [data-read] button").first.click()
    # Locator waits: the page's Content-Security-Policy forbids eval (wait_for_function).
    expect(page.locator(".notification.unread")).to_have_count(2)
    assert page.locator(".inbox-link .unread-count").inner_text().startswith("2")
    assert page.evaluate("window.__noReload") is True

    # Opening the answer's notification lands on the answer.
    page.click("text=answered “My router keeps dropping the connection”")
    page.wait_for_url(re.compile(rf".*/questions/{question.pk}/.*#answer-{answer.pk}$"))
    assert Notification.objects.get(kind="answer").is_read

    page.goto(f"{live_server.url}/notifications/")
    page.click("text=Mark all read")
    expect(page.locator(".notification.unread")).to_have_count(0)
    assert page.locator(".inbox-link .unread-count").count() == 0
    page.reload()
    assert page.locator(".notification.unread").count() == 0
