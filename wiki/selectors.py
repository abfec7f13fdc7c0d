"""Reads for the wiki and FAQ pages, each in a fixed number of queries."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from qa.models import Category, Post
from qa.selectors import category_tree
from versioning.diff import FieldDiff, diff_fields
from versioning.models import RevisionInfo
from versioning.selectors import revision_get

from .models import FaqEntry, FaqStatus, WikiPage, WikiRedirect
from .permissions import can_curate_faq
from .services.pages import wiki_root


@dataclass
class WikiLookup:
    page: WikiPage | None = None
    redirect_to: str = ""


def wiki_page_at(path: str) -> WikiLookup:
    """The page at ``path``, or where a moved page now lives; 404 otherwise."""
    path = path.strip("/")
    if not path:
        return WikiLookup(page=wiki_root())
    page = WikiPage.objects.filter(path=path).first()
    if page is not None:
        return WikiLookup(page=page)
    redirect = WikiRedirect.objects.select_related("page").filter(old_path=path).first()
    if redirect is None:
        raise Http404("No wiki page here.")
    return WikiLookup(redirect_to=redirect.page.get_absolute_url())


@dataclass
class WikiPageView:
    page: WikiPage
    ancestors: list[WikiPage]
    children: list[WikiPage]


def wiki_page_view(page: WikiPage) -> WikiPageView:
    """The page with its breadcrumbs and child pages (2 queries)."""
    ancestors = list(
        page.get_ancestors().only("title", "path", "parent_id", "tree_id", "lft", "rght", "level")
    )
    children = list(
        WikiPage.objects.filter(parent=page).only("title", "path", "body_source").order_by("title")
    )
    return WikiPageView(page, ancestors, children)


def wiki_move_targets(page: WikiPage) -> QuerySet[WikiPage]:
    """Pages ``page`` may move under: all but itself and its descendants."""
    return WikiPage.objects.exclude(
        tree_id=page.tree_id, lft__gte=page.lft, rght__lte=page.rght
    ).order_by("tree_id", "lft")


# FAQ --------------------------------------------------------------------------


@dataclass
class FaqSection:
    category: Category | None
    anchor: str
    entries: list[FaqEntry] = field(default_factory=list)


def faq_page() -> list[FaqSection]:
    """Published entries grouped by category, in the category tree's order
    ("General" last for entries without one); one query, the tree cached."""
    entries = FaqEntry.objects.filter(status=FaqStatus.PUBLISHED).order_by("order", "question")
    by_category: dict[int | None, list[FaqEntry]] = {}
    for entry in entries.defer("answer_source"):
        by_category.setdefault(entry.category_id, []).append(entry)
    sections = [
        FaqSection(category, category.slug, by_category[category.pk])
        for category in category_tree()
        if category.pk in by_category
    ]
    if None in by_category:
        sections.append(FaqSection(None, "general", by_category[None]))
    return sections


def faq_entry_for(slug: str, viewer: Any) -> FaqEntry:
    """A published entry for anyone; drafts and entries in review for curators."""
    entry = (
        FaqEntry.objects.select_related("attributed_to", "source_answer", "category", "verified_by")
        .filter(slug=slug)
        .first()
    )
    if entry is None:
        raise Http404("No such FAQ entry.")
    if not entry.is_published and not can_curate_faq(viewer):
        raise Http404("No such FAQ entry.")
    return entry


@dataclass
class SourceChange:
    """The source answer changed since the entry took it in (or dismissed it)."""

    latest: int
    taken: int
    diffs: list[FieldDiff]
    pages: int


def faq_source_change(entry: FaqEntry, *, page: int = 1) -> SourceChange | None:
    """What changed in the source answer since the entry's ``source_revision``."""
    if entry.source_answer is None:
        return None
    answer = entry.source_answer
    latest = _latest_revision_numbers([answer.pk]).get(answer.pk, 0)
    taken = entry.source_revision or 0
    if latest <= taken:
        return None
    old = revision_get(answer, taken).fields if taken else {}
    new = revision_get(answer, latest).fields
    diffs, pages = diff_fields(old, new, {"body_source": "Answer"}, page=page)
    return SourceChange(latest, taken, diffs, pages)


def _latest_revision_numbers(post_ids: list[int]) -> dict[int, int]:
    rows = (
        RevisionInfo.objects.filter(
            content_type=ContentType.objects.get_for_model(Post), object_id__in=post_ids
        )
        .values("object_id")
        .annotate(latest=Max("number"))
    )
    return {row["object_id"]: row["latest"] for row in rows}


@dataclass
class FaqDesk:
    """The staff's view of the FAQ: what waits for them."""

    drafts: list[FaqEntry]
    in_review: list[FaqEntry]
    source_changed: list[FaqEntry]


def faq_desk() -> FaqDesk:
    latest = (
        RevisionInfo.objects.filter(
            content_type=ContentType.objects.get_for_model(Post),
            object_id=OuterRef("source_answer_id"),
        )
        .order_by("-number")
        .values("number")[:1]
    )
    entries = list(
        FaqEntry.objects.select_related("submitted_by", "attributed_to")
        .annotate(source_latest=Subquery(latest))
        .defer("answer_source", "answer_html")
        .order_by("-updated_at")
    )
    return FaqDesk(
        drafts=[e for e in entries if e.status == FaqStatus.DRAFT],
        in_review=[e for e in entries if e.status == FaqStatus.IN_REVIEW],
        source_changed=[e for e in entries if (e.source_latest or 0) > (e.source_revision or 0)],
    )


@dataclass
class ReverifyList:
    answers: list[Post]
    faq_entries: list[FaqEntry]


def reverify_list() -> ReverifyList:
    """Stamps whose expiry date has passed, oldest expiry first (2 queries)."""
    today = timezone.localdate()
    expired = Q(verified_at__isnull=False, verified_until__lt=today)
    answers = list(
        Post.objects.visible()
        .filter(expired)
        .select_related("parent")
        .defer("body_source", "body_html")
        .order_by("verified_until")
    )
    entries = list(
        FaqEntry.objects.filter(expired)
        .defer("answer_source", "answer_html")
        .order_by("verified_until")
    )
    return ReverifyList(answers, entries)
