"""Follow a question without a reload, @mention someone in the thread with the
autocomplete, and choose e-mail settings, in a real browser."""

import pytest

from notifications.models import Follow, MailPreference, Notification
from qa import services
from tests.e2e.conftest import screenshot
from tests.e2e.test_qa_flow import _log_in
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BODY = "Hold the reset button for ten seconds, then log in again."


def test_follow_mention_and_mail_settings(page, live_server) -> None:
    member = UserFactory(username="member")
    question = QuestionFactory(title="My router keeps dropping the connection")
    helper = UserFactory(username="helper", display_name="Helpful Hana")
    services.answer_post(author=helper, question=question, body=BODY)

    _log_in(page, live_server, "member")
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.evaluate("window.__noReload = true")
    page.click(".follow-button")
    page.wait_for_selector(".follow-button[aria-pressed=true]")
    assert page.inner_text(".follow-button") == "Following"
    assert Follow.objects.filter(user=member, question=question).exists()

    body = page.locator(".answer-new textarea")
    body.click()
    body.type("Like @Hel")
    page.wait_for_selector("#mention-list:not([hidden]) [role=option]")
    assert "Helpful Hana @helper" in page.inner_text("#mention-list")
    assert body.get_attribute("aria-expanded") == "true"
    screenshot(page, "mention-autocomplete")
    page.keyboard.press("Enter")
    assert body.input_value() == "Like @helper "
    assert page.locator("#mention-list").is_hidden()
    assert page.evaluate("window.__noReload") is True
    body.type("said, the reset button fixes it for good on this model.")
    page.click("text=Post your answer")
    page.wait_for_selector("article.post[id^=answer-] >> nth=1")
    assert Notification.objects.filter(recipient=helper, kind="mention").exists()

    page.goto(f"{live_server.url}/notifications/settings/")
    page.select_option("select[name=answer]", "immediately")
    page.select_option("select[name=mention]", "daily")
    screenshot(page, "mail-settings")
    page.click("text=Save")
    page.wait_for_selector("text=Your e-mail settings are saved.")
    assert dict(MailPreference.objects.filter(user=member).values_list("kind", "frequency")) == {
        "answer": "immediately",
        "mention": "daily",
    }
