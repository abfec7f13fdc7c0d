"""Wiki pages: create, edit (no lost update), revert, move, lock.

Structural changes (create, move) first lock the root page's row: the tree's
nested-set numbers shift on every insert or move, so these changes must
queue one behind another. Content changes lock only their page's row and
never touch the tree numbers (they write with ``update()``).
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError
from entraide.rendering import render_markdown_with_toc
from qa.permissions import require
from qa.services import _clean_fields
from search import outbox
from search.models import DocumentKind
from versioning.models import RevisionInfo, RevisionKind
from versioning.selectors import revision_entry
from versioning.services import EditConflict, clean_summary, revision_record

from .. import permissions
from ..models import WikiPage, WikiRedirect, slug_validator


def clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not 3 <= len(title) <= 150:
        raise ValidationError(
            _("A title is 3 to 150 characters long; this one is %(n)d.") % {"n": len(title)}
        )
    return title


def clean_page_body(body: str) -> str:
    body = (body or "").strip()
    limit = int(settings.WIKI["BODY_MAX"])
    if len(body) > limit:
        raise ValidationError(
            _(
                "The page is %(n)s characters long; a page holds at most %(max)s. "
                "Split it into child pages."
            )
            % {"n": f"{len(body):,}", "max": f"{limit:,}"}
        )
    return body


def clean_slug(slug: str) -> str:
    slug = (slug or "").strip()
    if not slug:
        raise ValidationError(_("Give the page a slug: the last part of its address."))
    if len(slug) > 60:
        raise ValidationError(
            _("A slug is at most 60 characters long; this one is %(n)d.") % {"n": len(slug)}
        )
    slug_validator(slug)
    return slug


def _child_path(parent: WikiPage, slug: str) -> str:
    return f"{parent.path}/{slug}" if parent.path else slug


def wiki_root() -> WikiPage:
    """The wiki's home page, the root of every other page (made on first use)."""
    root = WikiPage.objects.filter(parent__isnull=True).first()
    if root is None:
        root, _created = WikiPage.objects.get_or_create(
            path="", defaults={"title": _("Wiki"), "slug": ""}
        )
    return root


def _lock_tree() -> WikiPage:
    """Lock the root row: structural changes queue behind each other."""
    return WikiPage.objects.select_for_update().get(pk=wiki_root().pk)


def _lock_page(page_id: int) -> WikiPage:
    try:
        return WikiPage.objects.select_for_update().get(pk=page_id)
    except WikiPage.DoesNotExist:
        raise ValidationError(_("This page does not exist.")) from None


def _record(
    page: WikiPage, author: Any, kind: RevisionKind, summary: str, **extra: Any
) -> RevisionInfo:
    info = revision_record(obj=page, author=author, kind=kind, summary=summary, **extra)
    WikiPage.objects.filter(pk=page.pk).update(revision_number=info.number)
    page.revision_number = info.number
    outbox.enqueue(DocumentKind.WIKI, [page.pk])
    return info


def _content(title: str, body: str, summary: str, **more: tuple[Any, Any]) -> dict[str, Any]:
    """The cleaned and rendered columns of a page; ``more`` cleans other
    fields at the same time, so every field's error shows at once."""
    data = _clean_fields(
        title=(clean_title, title),
        body=(clean_page_body, body),
        summary=(clean_summary, summary),
        **more,
    )
    html, toc = render_markdown_with_toc(data["body"])
    return {
        **{name: data[name] for name in more},
        "title": data["title"],
        "body_source": data["body"],
        "body_html": html,
        "toc_html": toc,
        "summary": data["summary"],
    }


@transaction.atomic
def wiki_page_create(
    *, author: Any, parent: WikiPage, slug: str, title: str, body: str, summary: str = ""
) -> WikiPage:
    """Add a page under ``parent`` at ``<parent path>/<slug>``."""
    _lock_tree()
    parent = _lock_page(parent.pk)
    require(permissions.can_edit_wiki_page(author, parent))
    content = _content(title, body, summary, slug=(clean_slug, slug))
    path = _child_path(parent, content["slug"])
    if WikiPage.objects.filter(path=path).exists():
        raise ValidationError(
            {"slug": _("A page already exists at /wiki/%(path)s/.") % {"path": path}}
        )
    # A moved page's old address now belongs to the new page.
    WikiRedirect.objects.filter(old_path=path).delete()
    now = timezone.now()
    page = WikiPage(
        parent=parent,
        slug=content["slug"],
        path=path,
        title=content["title"],
        body_source=content["body_source"],
        body_html=content["body_html"],
        toc_html=content["toc_html"],
        created_at=now,
        created_by=author,
        updated_at=now,
        last_editor=author,
    )
    page.save()
    _record(page, author, RevisionKind.CREATED, content["summary"], created_at=now)
    return page


@transaction.atomic
def wiki_page_edit(
    *, editor: Any, page: WikiPage, title: str, body: str, base_revision: int, summary: str = ""
) -> WikiPage:
    """Save a new version of a page's title and body.

    ``base_revision`` is the revision the editor's form started from; when
    someone saved since, nothing is written and ``EditConflict`` tells the
    editor which revision is current (the page shows both versions).
    """
    page = _lock_page(page.pk)
    require(permissions.can_edit_wiki_page(editor, page))
    if base_revision != page.revision_number:
        raise EditConflict(base_revision=base_revision, current_revision=page.revision_number)
    content = _content(title, body, summary)
    if content["title"] == page.title and content["body_source"] == page.body_source:
        raise ValidationError(_("Nothing changed: edit the title or the text before saving."))
    return _apply(page, editor, content, RevisionKind.EDITED)


def _apply(
    page: WikiPage, editor: Any, content: dict[str, Any], kind: RevisionKind, **extra: Any
) -> WikiPage:
    now = timezone.now()
    summary = content.pop("summary")
    changes = {**content, "updated_at": now, "last_editor": editor}
    WikiPage.objects.filter(pk=page.pk).update(**changes)
    for field, value in changes.items():
        setattr(page, field, value)
    _record(page, editor, kind, summary, created_at=now, **extra)
    return page


@transaction.atomic
def wiki_page_revert(
    *, user: Any, page: WikiPage, revision: RevisionInfo, summary: str = ""
) -> WikiPage:
    """Restore the title and text of one of the page's revisions, as a new
    revision. A revision of another page (or anything else) is refused."""
    page = _lock_page(page.pk)
    require(permissions.can_edit_wiki_page(user, page))
    entry = revision_entry(page, revision)
    if entry.number == page.revision_number:
        raise ApplicationError(
            _("Revision %(n)d is the current one.") % {"n": entry.number}, code="current_revision"
        )
    content = _content(
        entry.fields.get("title", page.title),
        entry.fields.get("body_source", ""),
        summary or _("Reverted to revision %(n)d") % {"n": entry.number},
    )
    return _apply(page, user, content, RevisionKind.ROLLED_BACK, restored_number=entry.number)


@transaction.atomic
def wiki_page_move(*, user: Any, page: WikiPage, new_parent: WikiPage, new_slug: str) -> WikiPage:
    """Move a page (with its whole subtree) under ``new_parent`` as ``new_slug``.

    Every old path of the subtree keeps working: it redirects to the page
    now there. Moving a page under itself or one of its own children is
    refused, and so is taking a path another page already has.
    """
    _lock_tree()
    page = _lock_page(page.pk)
    new_parent = _lock_page(new_parent.pk)
    if page.is_root:
        raise ValidationError(_("The wiki's home page cannot be moved."))
    require(permissions.can_edit_wiki_page(user, page))
    require(permissions.can_edit_wiki_page(user, new_parent))
    slug = _clean_fields(slug=(clean_slug, new_slug))["slug"]
    if new_parent.tree_id == page.tree_id and page.lft <= new_parent.lft <= page.rght:
        raise ValidationError(
            {"parent": _("A page cannot be moved under itself or one of its own children.")}
        )
    old_path, new_path = page.path, _child_path(new_parent, slug)
    if new_path == old_path:
        raise ApplicationError(_("The page is already there."), code="unchanged")
    if WikiPage.objects.filter(path=new_path).exists():
        raise ValidationError(
            {"slug": _("A page already exists at /wiki/%(path)s/.") % {"path": new_path}}
        )
    if page.parent_id != new_parent.pk:
        page.move_to(new_parent, "last-child")
        page.refresh_from_db()
    subtree = WikiPage.objects.filter(tree_id=page.tree_id, lft__gte=page.lft, rght__lte=page.rght)
    moved = list(subtree.values_list("pk", "path"))
    subtree.update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1)))
    WikiPage.objects.filter(pk=page.pk).update(slug=slug)
    new_paths = [new_path + path[len(old_path) :] for _pk, path in moved]
    WikiRedirect.objects.filter(old_path__in=new_paths).delete()
    WikiRedirect.objects.bulk_create(WikiRedirect(old_path=path, page_id=pk) for pk, path in moved)
    page.refresh_from_db()
    _record(
        page,
        user,
        RevisionKind.MOVED,
        _("Moved from /wiki/%(old)s/ to /wiki/%(new)s/") % {"old": old_path, "new": new_path},
    )
    outbox.enqueue(DocumentKind.WIKI, [pk for pk, _path in moved])
    return page


@transaction.atomic
def wiki_page_set_locked(*, user: Any, page: WikiPage, is_locked: bool) -> WikiPage:
    """Lock a page so only staff change it, or unlock it (staff only)."""
    page = _lock_page(page.pk)
    require(permissions.can_lock_wiki_page(user))
    if page.is_locked == is_locked:
        raise ApplicationError(
            _("The page is already locked.") if is_locked else _("The page is not locked."),
            code="unchanged",
        )
    page.locked_at, page.locked_by = (timezone.now(), user) if is_locked else (None, None)
    WikiPage.objects.filter(pk=page.pk).update(locked_at=page.locked_at, locked_by=page.locked_by)
    _record(page, user, RevisionKind.LOCKED, _("Locked") if is_locked else _("Unlocked"))
    return page
