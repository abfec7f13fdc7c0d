"""The ideas space in a real browser: propose, support without a reload, staff
sets a status with a public note, the supporter is notified."""

import re

import pytest
from playwright.sync_api import expect

from ideas.models import Idea
from notifications.models import Notification
from tests.e2e.conftest import screenshot
from tests.e2e.test_qa_flow import _log_in, _log_out
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_propose_vote_and_set_a_status(page, live_server) -> None:
    UserFactory(username="proposer")
    supporter = UserFactory(username="supporter")
    UserFactory(username="team", is_staff=True)

    _log_in(page, live_server, "proposer")
    page.click("nav.main-nav >> text=Ideas")
    page.click("text=Propose an idea")
    page.fill("#id_title", "Schedule scenes by sunset time")
    page.fill("#id_body", "Let me start a scene at sunset, whatever the season, without an app.")
    page.click("text=Propose this idea")
    page.wait_for_url(re.compile(r".*/ideas/\d+/schedule-scenes-by-sunset-time/$"))
    idea = Idea.objects.get()
    _log_out(page)

    _log_in(page, live_server, "supporter")
    page.goto(f"{live_server.url}/ideas/")
    page.click("text=Schedule scenes by sunset time")
    page.evaluate("window.__noReload = true")
    page.click("button.idea-vote")
    # A locator wait: the page's Content-Security-Policy forbids eval (wait_for_function).
    expect(page.locator("#idea-votes")).to_have_text("1")
    assert page.inner_text("button.idea-vote") == "Supported"
    assert page.evaluate("window.__noReload") is True
    _log_out(page)

    _log_in(page, live_server, "team")
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")
    page.select_option("#id_status", "planned")
    page.fill("#id_note", "We are building it for the spring release.")
    page.click("text=Set status and notify followers")
    page.wait_for_selector("text=The status is set and followers are notified.")
    assert "From the team: We are building it for the spring release." in page.inner_text(
        ".staff-note"
    )
    screenshot(page, "idea-detail")
    page.goto(f"{live_server.url}/ideas/")
    screenshot(page, "idea-list")
    assert "Planned" in page.inner_text("#idea-" + str(idea.pk))
    assert Notification.objects.filter(recipient=supporter, kind="idea_status").exists()
