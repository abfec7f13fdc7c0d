"""Search reads: the engine first, the database when the engine is unreachable.

Highlighted text is built safely: Meilisearch marks matches with two
private-use characters, the whole text is HTML-escaped, and only then are
the marks turned into ``<mark>`` elements, so nothing a customer wrote can
become markup.
"""

import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from meilisearch.errors import MeilisearchError

from entraide.rendering import plain_text
from qa.models import Post, PostType, thread_url
from qa.selectors import category_path
from wiki.models import FaqEntry, FaqStatus, WikiPage

from .client import index_name, search_client
from .documents import parse_document_id
from .models import Deflection, DocumentKind, IndexOperation, SearchLog, SupportVisit
from .schema import MATCHING_STRATEGY, STOP_WORDS

logger = logging.getLogger("search")

PRE, POST = "\ue000", "\ue001"
FACETS = ["type", "tags", "category", "is_answered"]
ANSWERED_CHOICES = {"yes": "is_answered = true", "no": "is_answered = false"}
TYPE_LABELS = dict(DocumentKind.choices)
CROP_WORDS = 30
QUERY_MAX = 200
TAGS_MAX = 5


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_text(value: str, limit: int) -> str:
    """One line of printable text: control characters (NUL included, which
    PostgreSQL refuses) become spaces, runs of spaces one, cut to ``limit``."""
    return " ".join(_CONTROL.sub(" ", value).split())[:limit]


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class SearchFilters:
    type: str = ""
    tags: list[str] = field(default_factory=list)
    category: str = ""
    answered: str = ""  # "", "yes" or "no"

    @classmethod
    def from_query(cls, data: QueryDict) -> "SearchFilters":
        """Read the filters of a search URL; unknown values are ignored, not errors."""
        kind = data.get("type", "")
        answered = data.get("answered", "")
        tags = [clean_text(t, 35).lower() for t in data.getlist("tag")]
        return cls(
            type=kind if kind in DocumentKind.values and kind != DocumentKind.SETTINGS else "",
            tags=list(dict.fromkeys(t for t in tags if t))[:TAGS_MAX],
            category=clean_text(data.get("category", ""), 80),
            answered=answered if answered in ANSWERED_CHOICES else "",
        )

    def engine_filter(self) -> list[str]:
        clauses = []
        if self.type:
            clauses.append(f"type = {_quote(self.type)}")
        clauses += [f"tags = {_quote(tag)}" for tag in self.tags]
        if self.category:
            clauses.append(f"category = {_quote(self.category)}")
        if self.answered:
            clauses.append(ANSWERED_CHOICES[self.answered])
        return clauses

    def as_dict(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "type": self.type,
            "tag": self.tags,
            "category": self.category,
            "answered": self.answered,
        }
        return {key: value for key, value in values.items() if value}

    def __bool__(self) -> bool:
        return bool(self.as_dict())


@dataclass
class Hit:
    document: str
    kind: str
    object_id: int
    title_html: str
    snippet_html: str
    url: str
    tags: list[str]
    category_path: str
    score: int
    answer_count: int
    has_accepted: bool
    status: str
    # What a customer helped by this result is credited to: (kind, id).
    credit: tuple[str, int]
    # The opening of the answer credited, where the customer sees the fix.
    answer_html: str = ""

    @property
    def kind_label(self) -> str:
        return str(TYPE_LABELS.get(self.kind, self.kind))


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    is_selected: bool


@dataclass
class SearchResults:
    query: str
    filters: SearchFilters
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # True when the engine was unreachable and the database answered.
    is_degraded: bool = False
    took_ms: int = 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def first_position(self) -> int:
        return (self.page - 1) * self.per_page + 1


def marked_html(text: str) -> str:
    """Escape ``text`` and turn the engine's match marks into ``<mark>`` elements."""
    escaped = html.escape(text, quote=False)
    # Marks the engine left unbalanced by a crop are dropped.
    if escaped.count(PRE) != escaped.count(POST):
        return escaped.replace(PRE, "").replace(POST, "")
    return escaped.replace(PRE, "<mark>").replace(POST, "</mark>")


def _snippet(formatted: dict[str, Any]) -> str:
    candidates = [formatted.get("body") or "", formatted.get("accepted_answer") or ""]
    candidates += formatted.get("answers") or []
    for text in candidates:
        if PRE in text:
            return text
    return candidates[0]


def credit_of(doc: dict[str, Any]) -> tuple[str, int]:
    if doc["type"] == DocumentKind.QUESTION:
        if doc.get("best_answer_id"):
            return ("answer", int(doc["best_answer_id"]))
        return ("question", int(doc["object_id"]))
    return (doc["type"], int(doc["object_id"]))


def hit_from_document(
    doc: dict[str, Any], *, title_html: str, snippet_html: str, answer_html: str
) -> Hit:
    """A result from an engine document; the caller supplies the marked-up parts."""
    return Hit(
        document=doc["id"],
        kind=doc["type"],
        object_id=int(doc["object_id"]),
        title_html=title_html,
        snippet_html=snippet_html,
        url=doc["url"],
        tags=doc.get("tags") or [],
        category_path=doc.get("category_path") or "",
        score=int(doc.get("score") or 0),
        answer_count=int(doc.get("answer_count") or 0),
        has_accepted=bool(doc.get("has_accepted")),
        status=doc.get("status") or "open",
        credit=credit_of(doc),
        answer_html=answer_html,
    )


def _hit(doc: dict[str, Any]) -> Hit:
    formatted = doc.get("_formatted") or doc
    return hit_from_document(
        doc,
        title_html=marked_html(formatted.get("title") or doc["title"]),
        snippet_html=marked_html(_snippet(formatted)),
        answer_html=marked_html(
            formatted.get("accepted_answer") or next(iter(formatted.get("answers") or []), "")
        ),
    )


def _facets(
    distribution: dict[str, dict[str, int]], filters: SearchFilters
) -> dict[str, list[FacetValue]]:
    selected = {
        "type": {filters.type},
        "tags": set(filters.tags),
        "category": {filters.category},
        "is_answered": {
            "true" if filters.answered == "yes" else "false" if filters.answered else ""
        },
    }
    labels = {"true": _("Answered"), "false": _("Unanswered"), **TYPE_LABELS}
    facets = {}
    for name in FACETS:
        values = distribution.get(name) or {}
        facets[name] = [
            FacetValue(
                value=value,
                label=str(labels.get(value, value)) if name in ("type", "is_answered") else value,
                count=count,
                is_selected=value in selected[name],
            )
            for value, count in sorted(values.items(), key=lambda item: (-item[1], item[0]))
        ][:15]
    return facets


ATTRIBUTES_TO_RETRIEVE = [
    "id", "type", "object_id", "title", "url", "tags", "category_path", "score",
    "answer_count", "has_accepted", "status", "best_answer_id",
]  # fmt: skip


def engine_search(
    query: str, filters: SearchFilters, *, page: int, per_page: int, with_facets: bool
) -> SearchResults:
    params: dict[str, Any] = {
        "filter": filters.engine_filter(),
        "page": page,
        "hitsPerPage": per_page,
        "matchingStrategy": MATCHING_STRATEGY,
        "attributesToRetrieve": ATTRIBUTES_TO_RETRIEVE,
        "attributesToHighlight": ["title", "body", "accepted_answer", "answers"],
        "attributesToCrop": ["body", "accepted_answer", "answers"],
        "cropLength": CROP_WORDS,
        "highlightPreTag": PRE,
        "highlightPostTag": POST,
    }
    if with_facets:
        params["facets"] = FACETS
    response = search_client().index(index_name()).search(query, params)
    return SearchResults(
        query=query,
        filters=filters,
        hits=[_hit(doc) for doc in response["hits"]],
        total=int(response.get("totalHits") or 0),
        page=page,
        per_page=per_page,
        facets=_facets(response.get("facetDistribution") or {}, filters) if with_facets else {},
        took_ms=int(response.get("processingTimeMs") or 0),
    )


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _query_words(query: str) -> list[str]:
    stop = set(STOP_WORDS)
    words = [w.lower() for w in _WORD.findall(query) if len(w) > 1]
    return list(dict.fromkeys(w for w in words if w not in stop))[:8]


def _mark_words(text: str, words: list[str]) -> str:
    escaped = html.escape(text, quote=False)
    if not words:
        return escaped
    pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
    return pattern.sub(r"<mark>\1</mark>", escaped)


def _matching(rows: QuerySet[Any], words: list[str], title: str, body: str) -> QuerySet[Any]:
    """``rows`` holding any of ``words``, the best matches first on PostgreSQL."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(title, weight="A", config="simple") + SearchVector(
            body, weight="B", config="simple"
        )
        # Any word may match (OR), the best-ranked first, as the engine would.
        tsquery = SearchQuery(" | ".join(words), search_type="raw", config="simple")
        return rows.annotate(rank=SearchRank(vector, tsquery)).filter(rank__gt=0)
    matches = Q()
    for word in words:
        matches |= Q(**{f"{title}__icontains": word}) | Q(**{f"{body}__icontains": word})
    return rows.filter(matches)


def _ranked(rows: QuerySet[Any], *order: str) -> QuerySet[Any]:
    ranking = ("-rank",) if connection.vendor == "postgresql" else ()
    return rows.order_by(*ranking, *order)


def _database_questions(words: list[str], filters: SearchFilters) -> QuerySet[Post]:
    questions = Post.objects.filter(post_type=PostType.QUESTION, deleted_at=None)
    if (filters.type and filters.type != DocumentKind.QUESTION) or not words:
        return questions.none()
    for tag in filters.tags:
        questions = questions.filter(tags__name=tag)
    if filters.category:
        questions = questions.filter(
            Q(category__name=filters.category) | Q(category__parent__name=filters.category)
        )
    if filters.answered:
        questions = (
            questions.filter(answer_count__gt=0)
            if filters.answered == "yes"
            else questions.filter(answer_count=0)
        )
    return _ranked(_matching(questions, words, "title", "body_source"), "-score", "-id")


def _database_faq(words: list[str], filters: SearchFilters) -> QuerySet[FaqEntry]:
    entries = FaqEntry.objects.filter(status=FaqStatus.PUBLISHED)
    # FAQ entries have no tags and are answers in themselves.
    if filters.type not in ("", DocumentKind.FAQ) or filters.tags or filters.answered == "no":
        return entries.none()
    if not words:
        return entries.none()
    if filters.category:
        entries = entries.filter(
            Q(category__name=filters.category) | Q(category__parent__name=filters.category)
        )
    return _ranked(_matching(entries, words, "question", "answer_source"), "order", "id")


def _database_wiki(words: list[str], filters: SearchFilters) -> QuerySet[WikiPage]:
    pages = WikiPage.objects.all()
    if filters.type not in ("", DocumentKind.WIKI) or filters.tags or filters.category:
        return pages.none()
    if filters.answered == "no" or not words:
        return pages.none()
    return _ranked(_matching(pages, words, "title", "body_source"), "title", "id")


def _question_hits(rows: QuerySet[Post], words: list[str]) -> list[Hit]:
    rows = rows.only(
        "id", "title", "slug", "excerpt", "tag_names", "category_id", "score",
        "answer_count", "closed_at", "close_reason", "post_type", "accepted_answer",
    )  # fmt: skip
    return [
        Hit(
            document=f"question-{post.pk}",
            kind=DocumentKind.QUESTION,
            object_id=post.pk,
            title_html=_mark_words(post.title, words),
            snippet_html=_mark_words(post.excerpt, words),
            url=post.get_absolute_url(),
            tags=post.tag_list,
            category_path=" › ".join(c.name for c in category_path(post.category_id)),
            score=post.score,
            answer_count=post.answer_count,
            has_accepted=post.accepted_answer_id is not None,
            status="open" if post.closed_at is None else post.close_reason or "closed",
            credit=("answer", post.accepted_answer_id)
            if post.accepted_answer_id
            else ("question", post.pk),
        )
        for post in rows
    ]


def _curated_hit(kind: str, pk: int, title: str, html_text: str, url: str, words: list[str]) -> Hit:
    return Hit(
        document=f"{kind}-{pk}",
        kind=kind,
        object_id=pk,
        title_html=_mark_words(title, words),
        snippet_html=_mark_words(Truncator(plain_text(html_text)).chars(200), words),
        url=url,
        tags=[],
        category_path="",
        score=0,
        answer_count=0,
        has_accepted=False,
        status="published",
        credit=(kind, pk),
    )


def _faq_hits(rows: QuerySet[FaqEntry], words: list[str]) -> list[Hit]:
    return [
        _curated_hit(DocumentKind.FAQ, e.pk, e.question, e.answer_html, e.get_absolute_url(), words)
        for e in rows.only("id", "question", "slug", "answer_html")
    ]


def _wiki_hits(rows: QuerySet[WikiPage], words: list[str]) -> list[Hit]:
    return [
        _curated_hit(DocumentKind.WIKI, p.pk, p.title, p.body_html, p.get_absolute_url(), words)
        for p in rows.only("id", "title", "path", "body_html")
    ]


def database_search(
    query: str, filters: SearchFilters, *, page: int, per_page: int
) -> SearchResults:
    """The degraded search: the database's own matching, FAQ entries and wiki pages
    (few, curated) before questions."""
    words = _query_words(query)
    sources: list[tuple[QuerySet[Any], Callable[[QuerySet[Any], list[str]], list[Hit]]]] = [
        (_database_faq(words, filters), _faq_hits),
        (_database_wiki(words, filters), _wiki_hits),
        (_database_questions(words, filters), _question_hits),
    ]
    start, stop = (page - 1) * per_page, page * per_page
    hits: list[Hit] = []
    total = 0
    for rows, to_hits in sources:
        count = rows.count()
        # This source's share of the page, in the concatenated order.
        low, high = max(0, start - total), min(count, stop - total)
        if high > low:
            hits += to_hits(rows[low:high], words)
        total += count
    return SearchResults(
        query=query, filters=filters, hits=hits, total=total, page=page, per_page=per_page,
        is_degraded=True,
    )  # fmt: skip


def search(
    *,
    query: str,
    filters: SearchFilters | None = None,
    page: int = 1,
    per_page: int | None = None,
    with_facets: bool = True,
) -> SearchResults:
    """Search everything; never raises because the engine is down."""
    filters = filters or SearchFilters()
    per_page = per_page or int(settings.SEARCH["RESULTS_PER_PAGE"])
    query = clean_text(query, QUERY_MAX)
    page = max(1, min(page, 1000 // per_page))
    try:
        return engine_search(query, filters, page=page, per_page=per_page, with_facets=with_facets)
    except (MeilisearchError, OSError) as error:
        logger.warning("search engine unavailable, answering from the database: %s", error)
        return database_search(query, filters, page=page, per_page=per_page)


def _curated_target(kind: str, object_id: int) -> str | None:
    """Where a FAQ entry (while published) or a wiki page is read."""
    if kind == DocumentKind.FAQ:
        entry = FaqEntry.objects.filter(pk=object_id, status=FaqStatus.PUBLISHED).first()
        return entry.get_absolute_url() if entry else None
    if kind == DocumentKind.WIKI:
        page = WikiPage.objects.filter(pk=object_id).only("path").first()
        return page.get_absolute_url() if page else None
    return None


def document_target(document: str) -> str | None:
    """Where a search result leads (None when it no longer exists)."""
    parsed = parse_document_id(document)
    if parsed is None:
        return None
    kind, object_id = parsed
    if kind == DocumentKind.QUESTION:
        post = Post.objects.filter(
            pk=object_id, post_type=PostType.QUESTION, deleted_at=None
        ).first()
        return post.get_absolute_url() if post else None
    return _curated_target(kind, object_id)


def item_target(item_kind: str, item_id: int) -> str | None:
    """Where a credited item (an answer, a question, a FAQ entry, a wiki page) is read."""
    if item_kind in ("answer", "question"):
        post = Post.objects.filter(pk=item_id, deleted_at=None).select_related("parent").first()
        return thread_url(post) if post else None
    return _curated_target(item_kind, item_id)


def customers_helped(user_id: int) -> int:
    """How many customers an author's answers helped without a ticket (one per visit)."""
    return Deflection.objects.filter(author_id=user_id).values("visit_id").distinct().count()


@dataclass
class DeflectionStats:
    visits: int
    explicit: int
    implicit: int
    requests: int

    @property
    def deflected(self) -> int:
        return self.explicit + self.implicit

    @property
    def rate(self) -> float:
        """Share of ended visits that ended without a request (0 when none ended)."""
        ended = self.deflected + self.requests
        return self.deflected / ended if ended else 0.0


def deflection_stats(*, since: Any) -> DeflectionStats:
    """How support visits since ``since`` ended (for the staff dashboard)."""
    counts = dict(
        SupportVisit.objects.filter(started_at__gte=since)
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    return DeflectionStats(
        visits=sum(counts.values()),
        explicit=counts.get(SupportVisit.Outcome.SOLVED, 0),
        implicit=counts.get(SupportVisit.Outcome.LEFT_AFTER_READING, 0),
        requests=counts.get(SupportVisit.Outcome.REQUEST_SENT, 0),
    )


def searches_without_results(*, since: Any, limit: int = 50) -> list[tuple[str, int]]:
    """The queries that found nothing since ``since``, most frequent first."""
    rows = (
        SearchLog.objects.filter(created_at__gte=since, result_count=0)
        .values("query")
        .annotate(n=Count("id"))
        .order_by("-n", "query")[:limit]
    )
    return [(row["query"], row["n"]) for row in rows]


# A backlog older than this means the search worker is stopped or stuck.
OUTBOX_LATE_AFTER = timedelta(minutes=5)


@dataclass
class OutboxStatus:
    """What the search worker still owes the index, for the staff health page."""

    pending: int
    failing: int  # rows a push has failed for at least once
    oldest_at: datetime | None  # the oldest pending row's creation time
    last_error: str
    last_error_attempts: int
    next_attempt_at: datetime | None

    @property
    def is_late(self) -> bool:
        """The oldest row has waited so long that the worker must be stopped or stuck."""
        return self.oldest_at is not None and self.oldest_at < timezone.now() - OUTBOX_LATE_AFTER


def outbox_status() -> OutboxStatus:
    """The backlog, its oldest row and the most recent failure (two queries)."""
    totals = IndexOperation.objects.aggregate(
        pending=Count("id"), failing=Count("id", filter=~Q(last_error="")), oldest=Min("created_at")
    )
    # Failed rows are put back with their next attempt ahead: the latest one
    # holds the most recent error.
    latest = (
        IndexOperation.objects.exclude(last_error="")
        .order_by("-next_attempt_at", "-id")
        .values("last_error", "attempts", "next_attempt_at")
        .first()
    )
    return OutboxStatus(
        pending=totals["pending"],
        failing=totals["failing"],
        oldest_at=totals["oldest"],
        last_error=latest["last_error"] if latest else "",
        last_error_attempts=latest["attempts"] if latest else 0,
        next_attempt_at=latest["next_attempt_at"] if latest else None,
    )
