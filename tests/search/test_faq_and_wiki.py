"""FAQ entries and wiki pages in the search index, against the real engine.

They are queued by the wiki app's services in the changing transaction
(tests/wiki checks the rows); here the worker builds, updates and removes
their documents, and the search page, the contact page and the fallback
show them.
"""

import pytest
from django.core.management import call_command
from django.db import transaction

from qa.models import Category
from search import sync
from search.indexing import reindex
from search.models import Deflection, SearchLog, SupportVisit, VisitItem
from search.outbox import enqueue
from tests.factories import AnswerFactory, QuestionFactory, UserFactory
from tests.search.helpers import indexed, pending
from wiki import services as wiki_services
from wiki.models import FaqEntry, WikiPage

pytestmark = pytest.mark.django_db

INVOICE_ANSWER = "Open **Account › Billing** and click *Download* next to the invoice you need."


@pytest.fixture
def staff():
    return UserFactory(is_staff=True)


@pytest.fixture
def reviewer():
    """Publishing takes a second curator's approval."""
    return UserFactory(is_staff=True)


def draft(staff, question: str) -> FaqEntry:
    return wiki_services.faq_entry_create(
        author=staff, question=question, answer="Not for customers yet, this is a draft."
    )


def published(staff, reviewer, question: str, answer: str) -> FaqEntry:
    entry = wiki_services.faq_entry_create(author=staff, question=question, answer=answer)
    wiki_services.faq_entry_submit(user=staff, entry=entry)
    return wiki_services.faq_entry_approve(user=reviewer, entry=entry)


def edit_and_publish(
    entry: FaqEntry, staff, reviewer, question: str, category: Category | None = None
) -> FaqEntry:
    wiki_services.faq_entry_edit(
        editor=staff,
        entry=entry,
        question=question,
        answer=INVOICE_ANSWER,
        category=category,
        order=0,
        base_revision=FaqEntry.objects.get(pk=entry.pk).revision_number,
    )
    wiki_services.faq_entry_submit(user=staff, entry=entry)
    return wiki_services.faq_entry_approve(user=reviewer, entry=entry)


def wiki_page(author, *, slug: str, title: str, body: str, parent=None) -> WikiPage:
    return wiki_services.wiki_page_create(
        author=author,
        parent=parent or wiki_services.wiki_root(),
        slug=slug,
        title=title,
        body=body,
    )


def test_a_published_faq_entry_is_indexed_and_leaves_when_unpublished(
    search_index, staff, reviewer
) -> None:
    billing = Category.objects.create(name="Billing", slug="billing")
    entry = wiki_services.faq_entry_create(
        author=staff, question="How do I download an invoice?", answer=INVOICE_ANSWER
    )
    sync.drain()
    assert pending() == 0 and indexed() == {}, "a draft is never in the index"

    entry = edit_and_publish(entry, staff, reviewer, entry.question, category=billing)
    sync.drain()

    doc = indexed()[f"faq-{entry.pk}"]
    assert doc["type"] == "faq" and doc["object_id"] == entry.pk
    assert doc["title"] == "How do I download an invoice?"
    assert doc["body"] == "Open Account › Billing and click Download next to the invoice you need."
    assert doc["category"] == ["Billing"] and doc["category_path"] == "Billing"
    assert doc["url"] == entry.get_absolute_url() and doc["status"] == "published"
    assert doc["is_answered"] is True and doc["language"] == "en"

    wiki_services.faq_entry_unpublish(user=staff, entry=entry)
    sync.drain()
    assert pending() == 0 and f"faq-{entry.pk}" not in indexed()


def test_wiki_pages_are_indexed_with_their_breadcrumb_and_follow_edits_and_moves(
    search_index, staff
) -> None:
    billing = wiki_page(staff, slug="billing", title="Billing", body="Everything about money.")
    invoices = wiki_page(
        staff,
        slug="invoices",
        title="Invoices",
        body="Invoices are sent on the **first** day of the month.",
        parent=billing,
    )
    sync.drain()
    doc = indexed()[f"wiki-{invoices.pk}"]
    assert doc["type"] == "wiki" and doc["title"] == "Invoices"
    assert doc["body"] == "Invoices are sent on the first day of the month."
    assert doc["category_path"] == "Wiki › Billing" and doc["url"] == "/wiki/billing/invoices/"

    wiki_services.wiki_page_edit(
        editor=staff,
        page=invoices,
        title="Invoices and receipts",
        body="Invoices and receipts are sent on the first day of the month.",
        base_revision=invoices.revision_number,
    )
    account = wiki_page(staff, slug="account", title="Account", body="Your account.")
    wiki_services.wiki_page_move(user=staff, page=billing, new_parent=account, new_slug="billing")
    sync.drain()

    docs = indexed()
    assert pending() == 0
    assert docs[f"wiki-{invoices.pk}"]["title"] == "Invoices and receipts"
    assert docs[f"wiki-{invoices.pk}"]["url"] == "/wiki/account/billing/invoices/"
    assert docs[f"wiki-{invoices.pk}"]["category_path"] == "Wiki › Account › Billing"
    assert docs[f"wiki-{billing.pk}"]["url"] == "/wiki/account/billing/"


def test_a_vanished_page_or_entry_is_deleted_from_the_index(search_index, staff, reviewer) -> None:
    page = wiki_page(staff, slug="old", title="Old page", body="Soon gone.")
    sync.drain()
    assert f"wiki-{page.pk}" in indexed()
    # No service deletes pages yet; a row removed by hand (or by an operator)
    # must still leave the index when it is next queued.
    with transaction.atomic():
        WikiPage.objects.filter(pk=page.pk).delete()
        enqueue("wiki", [page.pk])
    sync.drain()
    assert f"wiki-{page.pk}" not in indexed()


def test_reindex_includes_faq_entries_and_wiki_pages(search_index, staff, reviewer) -> None:
    question = QuestionFactory(title="Where is my invoice?")
    entry = published(staff, reviewer, "How do I download an invoice?", INVOICE_ANSWER)
    unpublished = draft(staff, "A draft never indexed here")
    page = wiki_page(staff, slug="billing", title="Billing", body="Everything about money.")
    root = wiki_services.wiki_root()

    count = reindex(batch=2)

    assert set(indexed()) == {
        f"question-{question.pk}",
        f"faq-{entry.pk}",
        f"wiki-{page.pk}",
        f"wiki-{root.pk}",
    }
    assert count == 4 and f"faq-{unpublished.pk}" not in indexed()


def test_search_page_shows_faq_and_wiki_with_a_type_facet(
    client, search_index, staff, reviewer
) -> None:
    question = QuestionFactory(
        title="The address on my bill is wrong",
        body_source="My invoice shows the old address after I moved.",
    )
    entry = published(staff, reviewer, "How do I download an invoice?", INVOICE_ANSWER)
    page = wiki_page(staff, slug="invoices", title="Invoices", body="Sent monthly, as PDF.")
    call_command("search_reindex")

    html = client.get("/search/", {"q": "invoice"}).content.decode()
    assert "3 results" in html
    for name, count in (("Question", 1), ("FAQ entry", 1), ("Wiki page", 1)):
        assert f'">{name}</a> <span class="muted">{count}</span>' in html
    assert "How do I download an <mark>invoice</mark>?" in html
    # A word in the FAQ question (the title) outranks the same word in a question's body.
    assert html.index(f"doc=faq-{entry.pk}") < html.index(f"doc=question-{question.pk}")

    only_faq = client.get("/search/", {"q": "invoice", "type": "faq"}).content.decode()
    assert "1 result for" in only_faq and f"doc=faq-{entry.pk}" in only_faq
    assert f"doc=wiki-{page.pk}" not in only_faq

    response = client.get("/search/go/", {"doc": f"wiki-{page.pk}"})
    assert response.status_code == 302 and response["Location"] == "/wiki/invoices/"
    response = client.get("/search/go/", {"doc": f"faq-{entry.pk}"})
    assert response["Location"] == entry.get_absolute_url()


def test_contact_page_suggests_faq_entries_and_credits_their_author(
    client, search_index, staff, reviewer
) -> None:
    writer = UserFactory(display_name="Answer Author")
    source = AnswerFactory(author=writer, body_source=INVOICE_ANSWER)
    entry = wiki_services.faq_promote(user=staff, answer=source)
    edit_and_publish(entry, staff, reviewer, "How do I download an invoice as PDF?")
    page = wiki_page(staff, slug="pdf", title="PDF invoices", body="Every invoice is a PDF file.")
    sync.drain()

    html = client.get("/support/contact/", {"q": "download invoice pdf"}).content.decode()
    assert "How do I <mark>download</mark> an <mark>invoice</mark> as <mark>PDF</mark>?" in html
    assert "FAQ entry" in html and "Wiki page" in html
    assert {(i.item_kind, i.item_id) for i in VisitItem.objects.all()} >= {
        ("faq", entry.pk),
        ("wiki", page.pk),
    }
    response = client.get(
        "/search/go/", {"doc": f"faq-{entry.pk}", "item": f"faq-{entry.pk}", "flow": "contact"}
    )
    assert response["Location"] == entry.get_absolute_url()
    assert VisitItem.objects.get(item_kind="faq").opened_at is not None

    client.post("/support/solved/", {"flow": "contact", "item_kind": "faq", "item_id": entry.pk})

    assert SupportVisit.objects.get().outcome == SupportVisit.Outcome.SOLVED
    deflection = Deflection.objects.get()
    assert (deflection.item_kind, deflection.item_id) == ("faq", entry.pk)
    assert deflection.author == writer, "a promoted entry credits the answer's author"


def test_ask_suggestions_stay_questions_only(client, search_index, staff, reviewer) -> None:
    question = QuestionFactory(title="Invoice download fails with an error")
    entry = published(staff, reviewer, "How do I download an invoice?", INVOICE_ANSWER)
    with transaction.atomic():
        enqueue("question", [question.pk])  # factories bypass the services
    sync.drain()
    html = client.get("/search/suggest/", {"q": "download invoice", "flow": "ask"}).content
    assert f"doc=question-{question.pk}".encode() in html
    assert f"doc=faq-{entry.pk}".encode() not in html


def test_the_fallback_finds_faq_entries_and_wiki_pages(client, settings, staff, reviewer) -> None:
    settings.SEARCH = {**settings.SEARCH, "URL": "http://127.0.0.1:9"}
    question = QuestionFactory(title="Invoice shows the wrong address")
    entry = published(staff, reviewer, "How do I download an invoice?", INVOICE_ANSWER)
    unpublished = draft(staff, "Invoice draft, not published")
    # PostgreSQL's "simple" configuration matches whole words: "invoice", not "invoices".
    page = wiki_page(staff, slug="invoices", title="Invoice delivery", body="Sent monthly.")

    html = client.get("/search/", {"q": "invoice"}).content.decode()

    assert "results may be incomplete" in html and "3 results" in html
    assert html.index(f"doc=faq-{entry.pk}") < html.index(f"doc=question-{question.pk}")
    assert f"doc=wiki-{page.pk}" in html and f"doc=faq-{unpublished.pk}" not in html
    assert "How do I download an <mark>invoice</mark>?" in html
    only_wiki = client.get("/search/", {"q": "invoice", "type": "wiki"}).content.decode()
    assert "1 result for" in only_wiki and f"doc=wiki-{page.pk}" in only_wiki
    # Pagination runs across the three kinds.
    settings.SEARCH = {**settings.SEARCH, "RESULTS_PER_PAGE": 2}
    second = client.get("/search/", {"q": "invoice", "page": "2"}).content.decode()
    assert f"doc=question-{question.pk}" in second and f"doc=faq-{entry.pk}" not in second
    assert SearchLog.objects.filter(is_engine=False).count() == 3
    contact = client.get("/support/contact/", {"q": "download invoice"}).content.decode()
    assert f"doc=faq-{entry.pk}" in contact
