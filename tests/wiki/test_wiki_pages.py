"""Wiki pages: a tree addressed by path, versioned, with no lost update."""

from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entraide.errors import ApplicationError
from search.models import DocumentKind, IndexOperation
from tests.concurrency import run_at_once
from tests.factories import UserFactory
from versioning.models import RevisionKind
from versioning.selectors import revision_get, revision_history
from versioning.services import EditConflict
from wiki import services
from wiki.models import WikiPage, WikiRedirect

pytestmark = pytest.mark.django_db

TEXT = (
    "## Before you start\n\nHave your invoice number ready.\n\n### Where to find it\n\nIn the app."
)


@pytest.fixture
def editor():
    return UserFactory(reputation=1000)


def _page(editor, parent=None, slug="billing", title="Billing", body=TEXT) -> WikiPage:
    return services.wiki_page_create(
        author=editor, parent=parent or services.wiki_root(), slug=slug, title=title, body=body
    )


def test_pages_live_at_their_path_with_a_table_of_contents(editor) -> None:
    billing = _page(editor)
    invoices = _page(editor, billing, "invoices", "Invoices")
    assert (billing.path, invoices.path) == ("billing", "billing/invoices")
    assert invoices.get_absolute_url() == "/wiki/billing/invoices/"
    assert '<h2 id="s-before-you-start">' in invoices.body_html
    assert '<a href="#s-where-to-find-it">' in invoices.toc_html
    assert revision_history(invoices)[1][0].info.kind == RevisionKind.CREATED
    assert invoices.revision_number == 1
    assert IndexOperation.objects.filter(kind=DocumentKind.WIKI, object_id=invoices.pk).exists()


@pytest.mark.parametrize(
    "slug",
    ["Billing", "two words", "_edit", "-leading", "double--hyphen", "a" * 61, "", "café"],
)
def test_bad_slugs_are_refused_with_a_message(editor, slug) -> None:
    with pytest.raises(ValidationError) as caught:
        _page(editor, slug=slug)
    assert "slug" in caught.value.message_dict
    assert not WikiPage.objects.exclude(path="").exists()


def test_a_path_is_taken_once(editor) -> None:
    _page(editor)
    with pytest.raises(ValidationError, match="already exists at /wiki/billing/"):
        _page(editor)


def test_edit_rights_follow_the_reputation_setting(settings) -> None:
    member = UserFactory(reputation=999)
    with pytest.raises(PermissionDenied, match="needs 1,000 reputation; you have 999"):
        _page(member)
    settings.WIKI = {**settings.WIKI, "EDIT_MIN_REPUTATION": 500}
    _page(member)
    _page(UserFactory(reputation=1, is_super_user=True), slug="super")


def test_an_edit_from_an_old_revision_is_a_conflict_and_overwrites_nothing(editor) -> None:
    page = _page(editor)
    services.wiki_page_edit(
        editor=editor, page=page, title="Billing", body="First save.", base_revision=1
    )
    other = UserFactory(reputation=5000)
    with pytest.raises(EditConflict) as caught:
        services.wiki_page_edit(
            editor=other, page=page, title="Billing", body="Second save.", base_revision=1
        )
    assert (caught.value.base_revision, caught.value.current_revision) == (1, 2)
    page.refresh_from_db()
    assert page.body_source == "First save." and page.revision_number == 2


def test_revert_restores_an_old_revision_as_a_new_one(editor) -> None:
    page = _page(editor)
    services.wiki_page_edit(
        editor=editor, page=page, title="Billing", body="Vandal", base_revision=1
    )
    services.wiki_page_revert(user=editor, page=page, revision=revision_get(page, 1).info)
    page.refresh_from_db()
    assert page.body_source == TEXT and page.revision_number == 3
    assert revision_get(page, 3).info.restored_number == 1


def test_revert_to_another_pages_revision_is_refused(editor) -> None:
    page, other = _page(editor), _page(editor, slug="other")
    with pytest.raises(ValidationError, match="belongs to something else"):
        services.wiki_page_revert(user=editor, page=page, revision=revision_get(other, 1).info)


def test_moving_a_page_moves_its_subtree_and_old_paths_redirect(client, editor) -> None:
    billing = _page(editor)
    invoices = _page(editor, billing, "invoices", "Invoices")
    refunds = _page(editor, invoices, "refunds", "Refunds")
    account = _page(editor, slug="account", title="Account")
    services.wiki_page_move(user=editor, page=invoices, new_parent=account, new_slug="bills")
    refunds.refresh_from_db()
    assert refunds.path == "account/bills/refunds"
    assert set(WikiRedirect.objects.values_list("old_path", flat=True)) == {
        "billing/invoices",
        "billing/invoices/refunds",
    }
    response = client.get("/wiki/billing/invoices/refunds/")
    assert response.status_code == 301 and response["Location"] == "/wiki/account/bills/refunds/"
    assert client.get("/wiki/billing/invoices/_history/")["Location"] == (
        "/wiki/account/bills/_history/"
    )
    assert client.get("/wiki/account/bills/refunds/").status_code == 200
    # A new page may take an old address; the redirect gives way.
    _page(editor, billing, "invoices", "New invoices")
    assert client.get("/wiki/billing/invoices/").status_code == 200
    # The tree itself stayed consistent.
    account.refresh_from_db()
    assert [p.path for p in account.get_descendants()] == ["account/bills", "account/bills/refunds"]


def test_moving_a_page_under_itself_or_its_child_is_refused(editor) -> None:
    billing = _page(editor)
    invoices = _page(editor, billing, "invoices", "Invoices")
    for target in (billing, invoices):
        with pytest.raises(ValidationError, match="under itself or one of its own children"):
            services.wiki_page_move(user=editor, page=billing, new_parent=target, new_slug="x")
    with pytest.raises(ValidationError, match="home page cannot be moved"):
        services.wiki_page_move(
            user=editor, page=services.wiki_root(), new_parent=billing, new_slug="home"
        )


def test_locked_pages_are_changed_by_staff_only(editor) -> None:
    page = _page(editor)
    with pytest.raises(PermissionDenied, match="Only staff"):
        services.wiki_page_set_locked(user=editor, page=page, is_locked=True)
    staff = UserFactory(is_staff=True)
    services.wiki_page_set_locked(user=staff, page=page, is_locked=True)
    with pytest.raises(PermissionDenied, match="locked by staff"):
        services.wiki_page_edit(editor=editor, page=page, title="X y z", body="", base_revision=2)
    with pytest.raises(PermissionDenied, match="locked by staff"):
        _page(editor, page, "child", "Child")
    services.wiki_page_edit(editor=staff, page=page, title="Billing", body="Staff", base_revision=2)
    with pytest.raises(ApplicationError, match="already locked"):
        services.wiki_page_set_locked(user=staff, page=page, is_locked=True)


def test_a_huge_page_is_refused_with_its_length(editor, settings) -> None:
    with pytest.raises(ValidationError, match="100,001 characters long"):
        _page(editor, body="x" * 100_001)


@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_from_one_revision_keep_one_and_report_the_other(postgres_only) -> None:
    editor = UserFactory(reputation=1000)
    page = _page(editor)
    saves = [
        partial(
            services.wiki_page_edit,
            editor=UserFactory(reputation=1000),
            page=page,
            title="Billing",
            body=f"Version {n}",
            base_revision=1,
        )
        for n in range(3)
    ]
    errors = run_at_once(saves)
    page.refresh_from_db()
    assert page.revision_number == 2 and page.body_source.startswith("Version ")
    assert len(errors) == 2 and all(isinstance(e, EditConflict) for e in errors)
    assert [e.number for e in revision_history(page)[1]] == [2, 1]
