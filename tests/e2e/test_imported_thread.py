"""An imported question in a real browser: the duplicate banner leads to the
original, whose page lists its linked questions; code, lists and links from
the dump's HTML read as on the original site."""

from pathlib import Path

import pytest

from imports.models import ImportedPost
from imports.services import import_dump
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

FIXTURE = Path(__file__).parent.parent / "imports" / "dump"


def test_duplicate_banner_and_linked_questions(page, live_server) -> None:
    import_dump(FIXTURE, site_name="fixture.example.com")
    duplicate = ImportedPost.objects.get(source_id=40).post

    page.goto(live_server.url + duplicate.get_absolute_url())
    banner = page.locator(".mod-banner.closed")
    assert "This question already has an answer here:" in banner.inner_text()
    assert "Closed as a duplicate by Ada Admin" in banner.inner_text()
    screenshot(page, "imported-duplicate")

    banner.locator("a.duplicate-link").click()
    page.wait_for_selector("h1.question-title")
    assert "Router shows ERR <42> after the firmware update" in page.inner_text("h1")
    question = page.locator("article.post .post-body").first
    assert question.locator("pre code").inner_text().startswith("if (a < b && c) {")
    assert question.locator("ol li").count() == 2
    assert question.locator("kbd").inner_text() == "Reset"
    assert question.get_by_role("link", name="the manual").get_attribute("rel") == (
        "nofollow ugc noopener"
    )
    linked = page.locator(".linked-questions")
    assert "Router is slow today, is it broken?" in linked.inner_text()
    screenshot(page, "imported-question")
