"""Instant answers for widgets: a customer's free text in, the best few answers out.

Typing speed matters more than recall here, so this is one engine request
(the site's ranking, a prefix for the word being typed, typos forgiven) over
answered questions, plus one database query that keeps only answers still
visible and says which of them live on as a published FAQ entry. When the
engine is unreachable, the database's matching answers instead (as the
search page does). A help centre's visitors ask the same few things, so the
engine's answers to a text are kept for ``LIST_CACHE_SECONDS``.
"""

import hashlib
import html
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery
from meilisearch.errors import MeilisearchError

from qa.models import Post
from wiki.models import FaqEntry, FaqStatus

from .client import index_name, search_client
from .models import DocumentKind
from .schema import MATCHING_STRATEGY
from .selectors import POST, PRE, QUERY_MAX, SearchFilters, clean_text, database_search

logger = logging.getLogger("search")

LIMIT_MAX = 10
EXCERPT_WORDS = 24
QUERY_MIN = 2
_MARKS = re.compile(f"[{PRE}{POST}]")


@dataclass(frozen=True)
class InstantAnswer:
    question_id: int
    answer_id: int
    title: str
    excerpt: str
    is_accepted: bool
    faq_slug: str | None


@dataclass(frozen=True)
class InstantAnswers:
    query: str
    answers: list[InstantAnswer]
    # True when the engine was unreachable and the database answered.
    is_degraded: bool


def _engine(query: str, limit: int) -> list[tuple[int, int, str, str]]:
    """(question id, best answer id, title, excerpt) of the engine's best matches."""
    response = (
        search_client()
        .index(index_name())
        .search(
            query,
            {
                "filter": [f'type = "{DocumentKind.QUESTION.value}"', "is_answered = true"],
                # Questions whose answers all scored below zero have no answer to show.
                "limit": limit + 2,
                "matchingStrategy": MATCHING_STRATEGY,
                "attributesToRetrieve": ["object_id", "title", "best_answer_id", "has_accepted"],
                "attributesToCrop": ["accepted_answer", "answers"],
                "cropLength": EXCERPT_WORDS,
            },
        )
    )
    rows = []
    for doc in response["hits"]:
        if not doc.get("best_answer_id"):
            continue
        formatted = doc.get("_formatted") or {}
        excerpt = formatted.get("accepted_answer") or next(iter(formatted.get("answers") or []), "")
        rows.append((int(doc["object_id"]), int(doc["best_answer_id"]), doc["title"], str(excerpt)))
    return rows


def _database(query: str, limit: int) -> list[tuple[int, int, str, str]]:
    results = database_search(
        query, SearchFilters(type=DocumentKind.QUESTION, answered="yes"), page=1, per_page=limit
    )
    return [
        (hit.object_id, hit.credit[1], _untagged(hit.title_html), "")
        for hit in results.hits
        if hit.credit[0] == "answer"
    ]


def _untagged(html_text: str) -> str:
    # database_search marks words with <mark> in escaped HTML; titles here are text.
    return html.unescape(re.sub(r"</?mark>", "", html_text))


def instant_answers(*, query: str, limit: int = 5) -> InstantAnswers:
    """The best ``limit`` answers for ``query``; never raises because the engine is down.

    Precondition: ``1 <= limit <= LIMIT_MAX``.
    """
    query = clean_text(query, QUERY_MAX)
    if len(query) < QUERY_MIN:
        return InstantAnswers(query=query, answers=[], is_degraded=False)
    seconds = int(settings.LIST_CACHE_SECONDS)
    key = f"search:instant:{limit}:{hashlib.blake2b(query.encode(), digest_size=16).hexdigest()}"
    found = cache.get(key) if seconds > 0 else None
    if isinstance(found, InstantAnswers):
        return found
    found = _instant_answers(query, limit)
    if seconds > 0 and not found.is_degraded:
        cache.set(key, found, timeout=seconds)
    return found


def _instant_answers(query: str, limit: int) -> InstantAnswers:
    is_degraded = False
    try:
        rows = _engine(query, limit)
    except (MeilisearchError, OSError) as error:
        logger.warning("search engine unavailable, instant answers from the database: %s", error)
        rows = _database(query, limit)
        is_degraded = True
    live = _live_answers([answer_id for _q, answer_id, _t, _e in rows])
    answers = []
    for question_id, answer_id, title, excerpt in rows:
        answer = live.get(answer_id)
        if answer is None or answer["parent_id"] != question_id:
            continue  # deleted since it was indexed
        answers.append(
            InstantAnswer(
                question_id=question_id,
                answer_id=answer_id,
                title=title,
                excerpt=_MARKS.sub("", excerpt).strip() or answer["excerpt"],
                is_accepted=answer["parent__accepted_answer_id"] == answer_id,
                faq_slug=answer["faq_slug"],
            )
        )
        if len(answers) == limit:
            break
    return InstantAnswers(query=query, answers=answers, is_degraded=is_degraded)


def _live_answers(ids: list[int]) -> dict[int, dict[str, Any]]:
    """The visible answers among ``ids``, with their published FAQ entry's slug (one query)."""
    if not ids:
        return {}
    faq = FaqEntry.objects.filter(source_answer=OuterRef("pk"), status=FaqStatus.PUBLISHED)
    rows = (
        Post.objects.answers()
        .visible()
        .filter(pk__in=ids, parent__deleted_at__isnull=True)
        .annotate(faq_slug=Subquery(faq.values("slug")[:1]))
        .values("id", "parent_id", "excerpt", "parent__accepted_answer_id", "faq_slug")
    )
    return {row["id"]: row for row in rows}
