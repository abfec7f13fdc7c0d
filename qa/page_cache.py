"""Whole pages for visitors without an account, cached in Redis.

Most readers of a public Q&A site are anonymous and read the same popular
threads, lists and searches, which all look alike to them; rendering one
costs several milliseconds of Python each time. So a visitor's page is kept
in the site's cache (Redis in production) and served from there. Two kinds:

- **Question pages** (``serve``), kept until the question changes. Each
  question has a version token in the cache, and a change replaces it after
  commit: everything that re-indexes the question (``search.outbox``: an
  edit, answer, vote, accept, a member's new name or erasure) and a saved or
  deleted comment or bounty. A page is stored with the token read *before*
  it was built, so a page built from data that changed meanwhile is never
  served. A vote is the exception (``questions_voted``): it only moves a
  score, and the page is kept until it is a minute old. The time limit
  (``seconds_for``) bounds what the page prints but no change announces:
  its "3 mins ago" dates, which age, and the authors' reputation and the
  view count, which move on their own.
- **Lists and search results** (``serve_recent``, ``for_visitors``), kept
  for ``LIST_CACHE_SECONDS`` whatever changes: every answer, vote or edit
  changes some list, so a version would be replaced several times a second
  on a busy site, and a visitor seeing a list a minute old loses
  nothing (a member, who may have just posted, always gets a fresh one).

Only a GET from a visitor who is not logged in and has no pending messages
is served or stored; a session of their own (search starts one to group a
visitor's searches) does not matter, since nothing of it shows on these
pages. Nothing on a cached page is the visitor's but the CSRF token, which
is put back per visitor (``{% csrf_token %}`` renders one token per page),
and what the caller's ``fill`` puts in per request (the search log's id).
"""

import hashlib
import re
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

_TOKEN_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
_PLACEHOLDER = b"\x00csrf\x00"

# What a page's build says about itself for ``fill`` (the search's query and
# result count, say), kept with the page.
Meta = dict[str, Any]
# Placeholders written into a page when it was built, and what replaces them
# for this request.
Fill = Callable[[Meta], dict[str, str]]


class Built(NamedTuple):
    """A page just built: for ``serve_recent``, what ``fill`` needs and
    whether the page may be kept for other visitors; for ``serve``, how long
    it may be kept (``seconds_for``)."""

    response: HttpResponse
    meta: Meta | None = None
    keep: bool = True
    seconds: int | None = None


def _seconds() -> int:
    return int(settings.PAGE_CACHE_SECONDS)


def seconds_for(newest: datetime) -> int:
    """How long a question page whose newest date is ``newest`` may be kept.

    A tenth of that date's age, between a minute and ``PAGE_CACHE_SECONDS``:
    the page prints its dates as "3 mins ago", "5 hours ago", "2 days ago",
    so none is ever more than a tenth of its age (or a minute) behind, while
    the long tail of old threads, which change rarely and are read now and
    then, stays in the cache between two readers.
    """
    longest = _seconds()
    age = (timezone.now() - newest).total_seconds()
    return max(min(60, longest), min(longest, int(age // 10)))


# A vote's new score reaches visitors' cached pages within this many seconds.
VOTE_SECONDS = 60


def _recent_seconds() -> int:
    return int(settings.LIST_CACHE_SECONDS)


def _version_key(question_id: int) -> str:
    return f"qa:page-version:{question_id}"


def _voted_key(question_id: int) -> str:
    return f"qa:page-voted:{question_id}"


def _page_key(question_id: int, language: str) -> str:
    return f"qa:page:{question_id}:{language}"


def _recent_key(request: HttpRequest) -> str:
    # Hashed: a query string may be long, and cache keys are bounded.
    address = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"page:recent:{get_language()}:{address}"


@dataclass(frozen=True)
class _Entry:
    version: str
    slug: str
    content_type: str
    content: bytes
    meta: Meta = field(default_factory=dict)
    built_at: float = 0.0  # time.time() when its build started


def is_visitor(request: HttpRequest) -> bool:
    """A GET whose page is the same for every visitor (see the module's doc)."""
    if request.method != "GET" or "messages" in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True  # no session to read
    return not request.user.is_authenticated and SessionStorage.session_key not in request.session


def is_cacheable(request: HttpRequest) -> bool:
    """A visitor's question page may come from the cache (``serve``)."""
    return _seconds() > 0 and not request.GET and is_visitor(request)


def questions_changed(question_ids: Iterable[int]) -> None:
    """Drop the cached pages of these questions once the transaction commits."""
    ids = set(question_ids)
    if not ids or _seconds() <= 0:
        return

    def bump() -> None:
        token = secrets.token_hex(8)
        cache.set_many({_version_key(pk): token for pk in ids}, timeout=_seconds() * 2)

    transaction.on_commit(bump)


def questions_voted(question_ids: Iterable[int]) -> None:
    """A vote moved a score on these questions: once the transaction commits,
    their cached pages are kept until they are ``VOTE_SECONDS`` old, not
    dropped at once (``_shows_votes``).

    A popular thread is voted on every few seconds; dropping its page at each
    vote had nearly every reader rebuild it (the most expensive page of the
    site). A score a minute behind misleads no visitor: they cannot vote, and
    the voter, a member, always gets a fresh page.
    """
    ids = set(question_ids)
    if not ids or _seconds() <= 0:
        return

    def mark() -> None:
        now = time.time()
        cache.set_many({_voted_key(pk): now for pk in ids}, timeout=_seconds() * 2)

    transaction.on_commit(mark)


def _shows_votes(entry: _Entry, voted_at: float | None) -> bool:
    """The page may be served: it was built after the last vote, or a vote it
    does not show is at most ``VOTE_SECONDS`` behind (it is younger than that)."""
    return (
        voted_at is None or voted_at < entry.built_at or time.time() - entry.built_at < VOTE_SECONDS
    )


def serve(
    request: HttpRequest, question_id: int, slug: str, build: Callable[[], Built]
) -> HttpResponse:
    """The visitor's question page from the cache, or ``build()``'s, stored
    for the next one (as long as ``build()`` says, else ``PAGE_CACHE_SECONDS``)."""
    language = get_language()
    version_key, page_key = _version_key(question_id), _page_key(question_id, language)
    voted_key = _voted_key(question_id)
    found = cache.get_many([version_key, voted_key, page_key])
    version = found.get(version_key)
    entry = found.get(page_key)
    if (
        version is not None
        and isinstance(entry, _Entry)
        and entry.version == version
        and _shows_votes(entry, found.get(voted_key))
    ):
        if entry.slug != slug:
            return build().response  # the view redirects to the page's current address
        return _served(request, entry, {})
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, timeout=_seconds() * 2):
            version = cache.get(version_key)  # another process made one first
    # Before the build: a vote committed while it reads is not on the page.
    started = time.time()
    built = build()
    response = built.response
    if response.status_code == 200 and version is not None and not response.cookies:
        _store(page_key, built.seconds or _seconds(), version, slug, response, {}, started)
    response["X-Page-Cache"] = "miss"
    return response


def serve_recent(
    request: HttpRequest, build: Callable[[], Built], fill: Fill | None = None
) -> HttpResponse:
    """A visitor's list or search page: from the cache when it is at most
    ``LIST_CACHE_SECONDS`` old, else ``build()``'s, stored for the next
    visitor. ``fill(meta)`` gives, on every request, the values of the
    placeholders the build wrote into the page."""
    if _recent_seconds() <= 0 or not is_visitor(request):
        built = build()
        return _filled(built.response, fill(built.meta or {}) if fill else {})
    key = _recent_key(request)
    entry = cache.get(key)
    if isinstance(entry, _Entry):
        return _served(request, entry, fill(entry.meta) if fill else {})
    built = build()
    if built.keep and built.response.status_code == 200 and not built.response.cookies:
        _store(key, _recent_seconds(), "", "", built.response, built.meta or {})
    response = _filled(built.response, fill(built.meta or {}) if fill else {})
    response["X-Page-Cache"] = "miss"
    return response


def for_visitors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A list view whose visitors' pages are cached (``serve_recent``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return serve_recent(request, lambda: Built(view(request, *args, **kwargs)))

    return wrapped


def _filled(response: HttpResponse, values: dict[str, str]) -> HttpResponse:
    if values:
        content = response.content
        for placeholder, value in values.items():
            content = content.replace(placeholder.encode(), value.encode())
        response.content = content
    return response


def _served(request: HttpRequest, entry: _Entry, values: dict[str, str]) -> HttpResponse:
    content = entry.content.replace(_PLACEHOLDER, get_token(request).encode())
    response = _filled(HttpResponse(content, content_type=entry.content_type), values)
    response["X-Page-Cache"] = "hit"
    return response


def _store(
    key: str,
    seconds: int,
    version: str,
    slug: str,
    response: HttpResponse,
    meta: Meta,
    built_at: float = 0.0,
) -> None:
    content = response.content
    tokens = set(_TOKEN_INPUT.findall(content))
    if len(tokens) > 1:
        return  # not the one-token page this module knows how to share
    for token in tokens:
        content = content.replace(token, _PLACEHOLDER)
    entry = _Entry(version, slug, response["Content-Type"], content, meta, built_at)
    cache.set(key, entry, timeout=seconds)
