"""Wiki pages through the client: reading, editing, conflicts, moving, votes."""

import pytest

from tests.factories import UserFactory
from wiki import services
from wiki.models import HelpfulVote, WikiPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    editor = UserFactory(username="editor", reputation=1000)
    root = services.wiki_root()
    billing = services.wiki_page_create(
        author=editor, parent=root, slug="billing", title="Billing", body="## Plans\n\nText."
    )
    invoices = services.wiki_page_create(
        author=editor, parent=billing, slug="invoices", title="Invoices", body="Download them."
    )
    return editor, billing, invoices


def test_a_page_shows_breadcrumbs_children_and_contents(client, tree) -> None:
    content = client.get("/wiki/billing/").content.decode()
    assert '<a href="/wiki/billing/invoices/">Invoices</a>' in content
    assert '<a href="#s-plans">Plans</a>' in content  # table of contents
    content = client.get("/wiki/billing/invoices/").content.decode()
    assert '<a href="/wiki/">Wiki</a> › <a href="/wiki/billing/">Billing</a>' in content
    assert b"Billing" in client.get("/wiki/").content  # the home page lists top pages


def test_unknown_pages_and_actions_are_404(client, tree) -> None:
    assert client.get("/wiki/nope/").status_code == 404
    assert client.get("/wiki/billing/_nope/").status_code == 404


def test_visitors_are_sent_to_log_in_and_members_below_the_bar_are_told_why(client, tree) -> None:
    assert client.get("/wiki/billing/_edit/")["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory(reputation=10))
    response = client.get("/wiki/billing/_edit/")
    assert response.status_code == 403 and b"needs 1,000 reputation" in response.content


def test_a_conflicting_save_shows_both_versions_and_keeps_yours(client, tree) -> None:
    editor, billing, _ = tree
    client.force_login(editor)
    base = billing.revision_number
    services.wiki_page_edit(
        editor=UserFactory(reputation=2000),
        page=billing,
        title="Billing",
        body="## Plans\n\nTheir text.",
        base_revision=base,
    )
    response = client.post(
        "/wiki/billing/_edit/",
        {"title": "Billing", "body": "## Plans\n\nMy text.", "summary": "", "base_revision": base},
    )
    content = response.content.decode()
    assert response.status_code == 409
    assert "Someone saved while you were editing" in content
    assert "<del>Their</del>" in content and "<ins>My</ins>" in content
    assert f'name="base_revision" value="{base + 1}"' in content  # retry from the current one
    assert "My text." in content  # your text is kept in the form
    billing.refresh_from_db()
    assert billing.body_source.endswith("Their text.")
    # Saving the merged version from the current revision works.
    response = client.post(
        "/wiki/billing/_edit/",
        {"title": "Billing", "body": "Merged.", "summary": "merge", "base_revision": base + 1},
    )
    assert response.status_code == 302
    billing.refresh_from_db()
    assert billing.body_source == "Merged."


def test_bad_input_on_the_forms_is_400_with_the_message(client, tree) -> None:
    editor, billing, _ = tree
    client.force_login(editor)
    response = client.post("/wiki/billing/_new/", {"slug": "Bad Slug", "title": "T", "body": ""})
    assert response.status_code == 400
    assert b"lowercase letters" in response.content and b"3 to 150 characters" in response.content
    response = client.post("/wiki/billing/_move/", {"parent": billing.pk, "slug": "x"})
    assert response.status_code == 400  # under itself: not offered, so not a valid choice
    root = services.wiki_root()
    response = client.post("/wiki/billing/_move/", {"parent": root.pk, "slug": "money"})
    assert response["Location"] == "/wiki/money/"
    assert client.get("/wiki/billing/invoices/")["Location"] == "/wiki/money/invoices/"


def test_history_diff_and_revert_pages(client, tree) -> None:
    editor, billing, _ = tree
    services.wiki_page_edit(
        editor=editor, page=billing, title="Billing", body="## Plans\n\nNew text.", base_revision=1
    )
    assert b"Compare selected revisions" in client.get("/wiki/billing/_history/").content
    diff = client.get("/wiki/billing/_diff/?from=1&to=2").content.decode()
    assert "<del>Text</del>" in diff and "<ins>New text</ins>" in diff
    client.force_login(editor)
    assert client.post("/wiki/billing/_revert/", {"number": 1}).status_code == 302
    billing.refresh_from_db()
    assert billing.body_source == "## Plans\n\nText." and billing.revision_number == 3
    assert client.post("/wiki/billing/_revert/", {"number": 99}).status_code == 404


def test_one_helpful_vote_per_visitor_without_a_cookie(client, tree) -> None:
    _, billing, _ = tree
    url = "/wiki/billing/_helpful/"
    browser = {"HTTP_USER_AGENT": "Firefox", "REMOTE_ADDR": "203.0.113.5"}
    client.post(url, {"value": "yes"}, **browser)
    client.post(url, {"value": "yes"}, **browser)  # the same visitor again
    client.post(url, {"value": "yes"}, HTTP_USER_AGENT="Chrome", REMOTE_ADDR="203.0.113.9")
    billing.refresh_from_db()
    assert (billing.helpful_yes, billing.helpful_no) == (2, 0)
    assert not client.cookies.get("sessionid")
    voters = list(HelpfulVote.objects.values_list("voter", flat=True))
    assert all("203.0.113" not in voter and "Firefox" not in voter for voter in voters)
    client.post(url, {"value": "no"}, **browser)  # changing one's mind moves the counts
    billing.refresh_from_db()
    assert (billing.helpful_yes, billing.helpful_no) == (1, 1)
    assert client.post(url, {"value": "maybe"}, **browser).status_code == 400


def test_members_vote_once_whatever_their_browser(client, tree) -> None:
    _, billing, _ = tree
    client.force_login(UserFactory())
    client.post("/wiki/billing/_helpful/", {"value": "no"}, HTTP_USER_AGENT="A")
    client.post("/wiki/billing/_helpful/", {"value": "no"}, HTTP_USER_AGENT="B")
    assert WikiPage.objects.get(pk=billing.pk).helpful_no == 1
