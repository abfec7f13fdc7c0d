"""Moderation in a real browser: flagging, a review queue, the dashboard,
flag handling, the log and the closed-question banner."""

import re

import pytest

from moderation import services
from moderation.models import Flag, ModerationAction, ReviewTask
from qa.models import Post
from tests.e2e.conftest import log_in, screenshot
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def _log_in(page, live_server, username: str) -> None:
    log_in(page, live_server, username, PASSWORD)


def test_flag_review_and_moderate(page, live_server) -> None:
    question = QuestionFactory(title="How do I reset my smart plug?")
    answer = AnswerFactory(
        parent=question,
        body_source="Buy followers cheap at my shop!",
        body_html="<p>Buy followers cheap at my shop!</p>",
    )
    UserFactory(username="flagger", reputation=20)
    UserFactory(username="reviewer", reputation=600)
    UserFactory(username="moderator", is_staff=True)

    # A member flags the answer as spam from the question page.
    _log_in(page, live_server, "flagger")
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.locator(f"#answer-{answer.pk} .flag-link").click()
    page.check("input[value=spam]")
    screenshot(page, "moderation-flag-form")
    page.click("button:has-text('Flag')")
    page.wait_for_selector("text=your flag is with the moderators")
    assert Flag.objects.filter(post=answer, reason="spam").exists()

    # A reviewer finds it in the flagged-posts queue and recommends deletion.
    page.click("text=Log out")
    _log_in(page, live_server, "reviewer")
    page.click("header >> text=Review")
    page.click("a:has-text('Flagged posts')")
    page.wait_for_selector(".review-task")
    assert "Buy followers cheap" in page.inner_text(".review-post")
    screenshot(page, "moderation-review-task")
    page.click("button:has-text('Recommend deletion')")
    page.wait_for_selector("text=your review is recorded")
    assert "nothing left for you" in page.inner_text("main")
    assert ReviewTask.objects.get(queue="flagged_posts").decisions.count() == 1

    # The moderator sees the queues and the oldest flag on the dashboard,
    # deletes the answer from the flag list, and finds it in the log.
    page.click("text=Log out")
    _log_in(page, live_server, "moderator")
    page.click("header >> text=Moderation")
    page.wait_for_selector("h1:has-text('Moderator dashboard')")
    assert page.inner_text("td[data-queue=flagged_posts]") == "1"
    assert "Spam" in page.inner_text(".oldest-flags")
    screenshot(page, "moderation-dashboard")
    page.click("text=Handle flags")
    page.fill(f"#note-post-{answer.pk}", "Advertising")
    screenshot(page, "moderation-flag-list")
    page.click("button:has-text('Helpful, and delete')")
    page.wait_for_selector("text=1 flag(s) resolved.")
    assert Post.objects.get(pk=answer.pk).is_deleted
    page.click("text=Moderation log")
    assert "Advertising" in page.inner_text(".mod-log")
    assert ModerationAction.objects.filter(action="post_deleted", actor__username="moderator")


def test_closed_duplicate_shows_its_banner(page, live_server) -> None:
    original = QuestionFactory(title="How do I pair the lamp with my phone?")
    question = QuestionFactory(title="Lamp will not pair with my phone at all")
    moderator = UserFactory(username="moderator", is_staff=True)
    services.close_vote_cast(
        voter=moderator, question=question, reason="duplicate", duplicate_of=original
    )
    _log_in(page, live_server, "moderator")
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    banner = page.locator(".mod-banner.closed")
    assert "already has an answer here" in banner.inner_text()
    screenshot(page, "moderation-closed-duplicate")
    banner.locator("a.duplicate-link").click()
    page.wait_for_url(re.compile(rf".*/questions/{original.pk}/.*"))
