"""Personal data in posts, in a real browser: the warning, masking, and the
comment form doing the same without a reload."""

import pytest
from playwright.sync_api import expect

from qa.models import Comment, Post
from tests.e2e.conftest import log_in, screenshot
from tests.factories import TagFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"


def test_warned_then_masked_question_and_comment(page, live_server) -> None:
    TagFactory(name="lamp")
    UserFactory(username="camille")
    log_in(page, live_server, "camille", PASSWORD)
    page.goto(f"{live_server.url}/questions/ask/")
    page.fill("#id_title", "My order never arrived at the shop")
    page.fill("#id_body", "Order 1234 for jean.dupont@example.fr, call me on 06 12 34 56 78.")
    page.fill("#id_tags", "lamp")
    page.wait_for_load_state("networkidle")  # the similar questions first (see test_qa_flow)
    page.click("main form button.primary")
    expect(page.locator(".form-errors")).to_contain_text("looks like personal data")
    screenshot(page, "personal-data-warning")
    page.click("text=Mask it and post")
    page.wait_for_selector("h1.question-title")
    expect(page.locator(".post-body").first).to_contain_text("[e-mail address removed]")
    assert "example.fr" not in Post.objects.get().body_source

    # A comment: the page script shows the same choice and posts without a reload.
    page.click(".comment-add summary")
    page.fill(".comment-add textarea", "Or write to me at jean.dupont@example.fr instead")
    page.click(".comment-add button[type=submit]")
    expect(page.locator(".comment-add .inline-error")).to_contain_text("personal data")
    page.click(".comment-add .personal-data-warning button[value=mask]")
    expect(page.locator(".comment-list")).to_contain_text("[e-mail address removed]")
    assert Comment.objects.get().body_source.endswith("[e-mail address removed] instead")
