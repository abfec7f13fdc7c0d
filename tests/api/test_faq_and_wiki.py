"""FAQ entries and wiki pages in the API: what the pages show, by slug and by
path, with revisions and diffs."""

from typing import Any

import pytest

from qa.models import Category
from tests.api.conftest import pointers, problem
from tests.factories import CategoryFactory, UserFactory
from wiki import services
from wiki.models import FaqEntry

pytestmark = pytest.mark.django_db

ANSWER = "Open **Account › Billing** and click *Download* next to the invoice you need."


@pytest.fixture
def curator(settings: Any) -> Any:
    settings.FAQ = {**settings.FAQ, "REQUIRE_SECOND_APPROVAL": False}
    return UserFactory(username="support", is_staff=True)


def _entry(curator: Any, question: str, category: Category | None = None) -> FaqEntry:
    return services.faq_entry_create(
        author=curator, question=question, answer=ANSWER, category=category
    )


def test_faq_lists_published_entries_only_newest_first_by_category(client_api, curator) -> None:
    billing = CategoryFactory(slug="billing", name="Billing")
    first = services.faq_entry_approve(
        user=curator, entry=_entry(curator, "How do I download an invoice?", billing)
    )
    second = services.faq_entry_approve(
        user=curator, entry=_entry(curator, "How do I change my plan?")
    )
    _entry(curator, "A draft nobody sees yet")
    listing = client_api.get("/api/v1/faq/")
    assert listing.status_code == 200
    results = listing.json()["results"]
    assert [row["slug"] for row in results] == [second.slug, first.slug]
    assert results[1]["category"] == {"slug": "billing", "name": "Billing"}
    assert results[1]["url"] == f"/faq/{first.slug}/"
    in_billing = client_api.get("/api/v1/faq/?category=billing").json()["results"]
    assert [row["slug"] for row in in_billing] == [first.slug]
    assert client_api.get("/api/v1/faq/?category=nowhere").json()["results"] == []
    paged = client_api.get("/api/v1/faq/?page_size=1").json()
    assert len(paged["results"]) == 1 and paged["next"]


def test_a_faq_entry_with_its_revisions_and_diff(client_api, token_client, curator) -> None:
    entry = services.faq_entry_approve(
        user=curator, entry=_entry(curator, "How do I download an invoice?")
    )
    services.faq_entry_edit(
        editor=curator,
        entry=entry,
        question="How do I download an invoice or a receipt?",
        answer=ANSWER,
        category=None,
        order=0,
        base_revision=entry.revision_number,
        summary="Receipts too",
    )
    detail = client_api.get(f"/api/v1/faq/{entry.slug}/")
    assert detail.status_code == 200 and detail["Last-Modified"]
    body = detail.json()
    assert body["question"] == "How do I download an invoice or a receipt?"
    assert "<strong>Account › Billing</strong>" in body["answer_html"]
    assert body["answer_markdown"] == ANSWER and body["status"] == "published"
    revisions = client_api.get(f"/api/v1/faq/{entry.slug}/revisions/").json()["results"]
    assert [r["number"] for r in revisions] == [3, 2, 1]
    assert revisions[0]["summary"] == "Receipts too"
    assert revisions[1]["status"] == "published" and revisions[2]["status"] == "draft"
    diff = client_api.get(f"/api/v1/faq/{entry.slug}/diff/").json()
    assert (diff["from_revision"], diff["to_revision"]) == (2, 3)
    assert {field["name"] for field in diff["fields"]} == {"question"}
    problem(client_api.get(f"/api/v1/faq/{entry.slug}/diff/?to=9"), 404)
    refused = problem(client_api.get(f"/api/v1/faq/{entry.slug}/diff/?from=x"), 400)
    assert "#/from" in pointers(refused)


def test_a_draft_is_shown_to_curators_only(client_api, token_client, curator) -> None:
    draft = _entry(curator, "Not ready yet")
    problem(client_api.get(f"/api/v1/faq/{draft.slug}/"), 404)
    problem(client_api.get(f"/api/v1/faq/{draft.slug}/revisions/"), 404)
    problem(token_client(UserFactory(reputation=50_000)).get(f"/api/v1/faq/{draft.slug}/"), 404)
    seen = token_client(curator).get(f"/api/v1/faq/{draft.slug}/")
    assert seen.status_code == 200 and seen.json()["status"] == "draft"


@pytest.fixture
def wiki_tree(curator: Any) -> dict[str, Any]:
    root = services.wiki_root()
    billing = services.wiki_page_create(
        author=curator, parent=root, slug="billing", title="Billing", body="All about bills."
    )
    invoices = services.wiki_page_create(
        author=curator,
        parent=billing,
        slug="invoices",
        title="Invoices",
        body="Invoices are sent on the first of the month.",
    )
    return {"root": root, "billing": billing, "invoices": invoices}


def test_a_wiki_page_by_path_with_breadcrumbs_and_children(client_api, wiki_tree) -> None:
    response = client_api.get("/api/v1/wiki/page/", {"path": "billing"})
    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["path"], body["url"]) == ("Billing", "billing", "/wiki/billing/")
    assert body["body_markdown"] == "All about bills."
    assert [a["path"] for a in body["ancestors"]] == [""]
    assert [c["path"] for c in body["children"]] == ["billing/invoices"]
    home = client_api.get("/api/v1/wiki/page/").json()
    assert home["path"] == "" and [c["path"] for c in home["children"]] == ["billing"]
    deep = client_api.get("/api/v1/wiki/page/", {"path": "/billing/invoices/"}).json()
    assert deep["title"] == "Invoices"
    problem(client_api.get("/api/v1/wiki/page/", {"path": "nowhere"}), 404)
    body = problem(client_api.get("/api/v1/wiki/page/", {"path": "x" * 501}), 400)
    assert "#/path" in pointers(body)


def test_a_moved_wiki_page_redirects_to_its_new_path(client_api, curator, wiki_tree) -> None:
    services.wiki_page_move(
        user=curator, page=wiki_tree["invoices"], new_parent=wiki_tree["root"], new_slug="bills"
    )
    response = client_api.get("/api/v1/wiki/page/", {"path": "billing/invoices"})
    assert response.status_code == 301
    assert response["Location"].endswith("/api/v1/wiki/page/?path=bills")
    assert client_api.get(response["Location"]).json()["title"] == "Invoices"


def test_wiki_revisions_and_diff(client_api, curator, wiki_tree) -> None:
    page = wiki_tree["billing"]
    services.wiki_page_edit(
        editor=curator,
        page=page,
        title="Billing and invoices",
        body="All about bills and invoices.",
        base_revision=page.revision_number,
        summary="Broader",
    )
    listing = client_api.get("/api/v1/wiki/page/revisions/", {"path": "billing"})
    assert listing.status_code == 200
    revisions = listing.json()["results"]
    assert [r["number"] for r in revisions] == [2, 1]
    assert revisions[0]["summary"] == "Broader" and revisions[1]["title"] == "Billing"
    assert revisions[0]["path"] == "billing"
    diff = client_api.get("/api/v1/wiki/page/diff/", {"path": "billing"}).json()
    assert {field["name"] for field in diff["fields"]} == {"title", "body_source"}
    assert any("<ins>" in row["inline_html"] for row in diff["fields"][1]["rows"])
