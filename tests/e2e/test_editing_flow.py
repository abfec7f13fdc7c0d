"""Collaborative editing in a real browser: a suggested edit reviewed and
approved, the post's history and diff, the wiki (pages, contents, a conflict
between two editors, a move) and the FAQ (promotion, review, publication,
the "verified" stamp, a helpful vote)."""

import re

import pytest
from playwright.sync_api import expect

from qa import services as qa_services
from qa.models import Category
from tests.e2e.conftest import log_in, screenshot
from tests.factories import TagFactory, UserFactory
from wiki.models import FaqEntry, WikiPage

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def _log_in(page, live_server, username: str) -> None:
    log_in(page, live_server, username, PASSWORD)


def _log_out(page) -> None:
    page.click("text=Log out")


def _thread():
    TagFactory(name="billing")
    asker = UserFactory(username="asker")
    question = qa_services.question_ask(
        author=asker,
        title="Where do I download my invoices?",
        body="I need a PDF invoice for every payment this year for my accountant.",
        tags="billing",
        category=Category.objects.create(name="Billing", slug="billing"),
    )
    answer = qa_services.answer_post(
        author=UserFactory(username="helper"),
        question=question,
        body="Open **Billing › Invoices** on the web account page and click the PDF button.",
    )
    return question, answer


def test_suggested_edit_is_reviewed_and_the_history_shows_the_diff(page, live_server) -> None:
    question, answer = _thread()
    UserFactory(username="newcomer", reputation=50)
    UserFactory(username="reviewer", reputation=2000)

    _log_in(page, live_server, "newcomer")
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.locator(f"#answer-{answer.pk} >> text=Suggest edit").click()
    page.fill(
        "#id_body", answer.body_source + " Add your VAT number under Billing › Details first."
    )
    page.fill("#id_summary", "Mention the VAT number")
    page.click("text=Suggest this edit")
    page.wait_for_selector("text=waiting for review")

    _log_out(page)
    _log_in(page, live_server, "reviewer")
    page.click("nav.main-nav >> text=Review")
    page.click("text=Where do I download my invoices?")
    page.wait_for_selector("table.diff ins")
    screenshot(page, "suggested-edit-review")
    page.click("text=Approve")
    page.wait_for_selector("text=Edit approved")

    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.locator(f"#answer-{answer.pk} >> text=edited").click()
    page.wait_for_selector("ol.revision-list")
    assert "Mention the VAT number" in page.inner_text("ol.revision-list")
    screenshot(page, "post-history")
    page.click("text=Compare selected revisions")
    page.wait_for_selector("table.diff-split ins")
    assert "VAT number" in page.inner_text("table.diff-split")
    page.click("text=Inline")
    page.wait_for_selector("table.diff-inline ins")
    screenshot(page, "post-diff-inline")


def test_wiki_pages_contents_conflict_and_move(page, new_page, live_server) -> None:
    UserFactory(username="writer", reputation=1000)
    UserFactory(username="other", reputation=1000)
    _log_in(page, live_server, "writer")
    page.goto(f"{live_server.url}/wiki/")
    page.click("text=Add a child page")
    page.fill("#id_slug", "billing")
    page.fill("#id_title", "Billing")
    page.fill(
        "#id_body", "## Invoices\n\nUnder **Billing › Invoices**.\n\n## Refunds\n\nWithin 5 days."
    )
    page.click("text=Create the page")
    page.wait_for_selector("nav.toc")
    assert page.url.endswith("/wiki/billing/")
    screenshot(page, "wiki-page")

    # Two editors open the page; the second to save sees a conflict.
    other = new_page()
    _log_in(other, live_server, "other")
    other.goto(f"{live_server.url}/wiki/billing/_edit/")
    page.goto(f"{live_server.url}/wiki/billing/_edit/")
    page.fill("#id_body", "## Invoices\n\nUnder **Billing › Invoices**, as PDF.")
    page.click("text=Save the page")
    page.wait_for_selector("text=The page is saved.")
    other.fill("#id_body", "## Invoices\n\nUnder **Billing › Invoices** on the web.")
    other.click("text=Save the page")
    other.wait_for_selector("text=Someone saved while you were editing")
    assert "on the web" in other.input_value("#id_body")  # nothing lost
    screenshot(other, "wiki-conflict")
    assert "as PDF" in WikiPage.objects.get(path="billing").body_source

    # The history lists both revisions; the diff shows what the edit changed.
    page.goto(f"{live_server.url}/wiki/billing/")
    page.locator("a", has_text="History").first.click()
    expect(page.locator(".revision-list .revision")).to_have_count(2)
    screenshot(page, "wiki-history")
    page.locator("#revision-2 a", has_text="diff").click()
    page.wait_for_selector("table.diff")
    changed = page.locator("table.diff tr.diff-insert, table.diff tr.diff-change")
    assert "as PDF" in " ".join(changed.all_inner_texts())
    removed = page.locator("table.diff tr.diff-delete, table.diff tr.diff-change")
    assert "Within 5 days" in " ".join(removed.all_inner_texts())
    screenshot(page, "wiki-diff")

    # Move the page; its old address redirects.
    page.goto(f"{live_server.url}/wiki/billing/_move/")
    page.fill("#id_slug", "money")
    page.click("text=Move the page")
    page.wait_for_url(re.compile(r".*/wiki/money/$"))
    page.goto(f"{live_server.url}/wiki/billing/")
    assert page.url.endswith("/wiki/money/")
    page.click("text=Yes")
    page.wait_for_selector("text=Thank you for your feedback.")


def test_an_answer_is_promoted_reviewed_published_and_verified(page, live_server) -> None:
    question, answer = _thread()
    UserFactory(username="support", is_staff=True)
    UserFactory(username="lead", is_staff=True)

    _log_in(page, live_server, "support")
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.locator(f"#answer-{answer.pk} >> text=Promote to FAQ").click()
    page.wait_for_selector("text=A draft FAQ entry is made")
    assert page.input_value("#id_question") == "Where do I download my invoices?"
    page.fill("#id_question", "How do I download my invoices?")
    screenshot(page, "faq-promote")
    page.click("button:has-text('Save')")
    page.click("text=Send for review")
    page.wait_for_selector("text=A second staff member or a super-user must approve")

    _log_out(page)
    _log_in(page, live_server, "lead")
    page.goto(f"{live_server.url}/faq/desk/")
    page.click("text=How do I download my invoices?")
    page.click("text=Approve and publish")
    page.wait_for_selector("text=Published.")
    screenshot(page, "faq-entry")
    page.goto(f"{live_server.url}/faq/")
    page.click("text=How do I download my invoices?")
    assert page.locator("details.faq-item").get_attribute("open") is not None
    screenshot(page, "faq")

    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    assert "lives on in the FAQ" in page.inner_text(f"#answer-{answer.pk}")
    page.locator(f"#answer-{answer.pk} >> text=Verify").click()
    page.fill("#id_until", "2030-06-30")
    page.fill("#id_note", "for app 3.4")
    page.click("text=Stamp as verified")
    page.wait_for_selector(f"#answer-{answer.pk} .stamp")
    assert "Verified by support for app 3.4, until 2030-06-30" in page.inner_text(
        f"#answer-{answer.pk}"
    )
    screenshot(page, "answer-verified")
    assert FaqEntry.objects.get().status == "published"
