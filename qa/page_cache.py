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

Both kinds, search results included, are answered early when the cache
has them: ``VisitorPageMiddleware`` asks the view how to find its page
(``served_early``) before most of the middleware and the view run.

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
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.module_loading import import_string
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


def _current(question_id: int, language: str) -> tuple[str | None, _Entry | None]:
    """The question's version token, and its page in ``language`` if the
    cache holds one that is current (one Redis round trip)."""
    version_key, voted_key = _version_key(question_id), _voted_key(question_id)
    page_key = _page_key(question_id, language)
    found = cache.get_many([version_key, voted_key, page_key])
    version, entry = found.get(version_key), found.get(page_key)
    if (
        version is not None
        and isinstance(entry, _Entry)
        and entry.version == version
        and _shows_votes(entry, found.get(voted_key))
    ):
        return version, entry
    return version, None


def cached(request: HttpRequest, question_id: int, slug: str) -> HttpResponse | None:
    """The visitor's question page if the cache holds a current one at this
    address, else None (``serve`` builds it)."""
    if not is_cacheable(request):
        return None
    _version, entry = _current(question_id, get_language())
    if entry is None or entry.slug != slug:
        return None
    return _served(request, entry, {})


def serve(
    request: HttpRequest, question_id: int, slug: str, build: Callable[[], Built]
) -> HttpResponse:
    """The visitor's question page from the cache, or ``build()``'s, stored
    for the next one (as long as ``build()`` says, else ``PAGE_CACHE_SECONDS``)."""
    language = get_language()
    version, entry = _current(question_id, language)
    if entry is not None:
        if entry.slug != slug:
            return build().response  # the view redirects to the page's current address
        return _served(request, entry, {})
    version_key = _version_key(question_id)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, timeout=_seconds() * 2):
            version = cache.get(version_key)  # another process made one first
    # Before the build: a vote committed while it reads is not on the page.
    started = time.time()
    built = build()
    response = built.response
    if response.status_code == 200 and version is not None and not response.cookies:
        page_key = _page_key(question_id, language)
        _store(page_key, built.seconds or _seconds(), version, slug, response, {}, started)
    response["X-Page-Cache"] = "miss"
    return response


def _serves_recent(request: HttpRequest) -> bool:
    return _recent_seconds() > 0 and is_visitor(request)


def serve_recent(
    request: HttpRequest, build: Callable[[], Built], fill: Fill | None = None
) -> HttpResponse:
    """A visitor's list or search page: from the cache when it is at most
    ``LIST_CACHE_SECONDS`` old, else ``build()``'s, stored for the next
    visitor. ``fill(meta)`` gives, on every request, the values of the
    placeholders the build wrote into the page."""
    if not _serves_recent(request):
        built = build()
        return _filled(built.response, fill(built.meta or {}) if fill else {})
    cached_page = cached_recent(request, fill)
    if cached_page is not None:
        return cached_page
    built = build()
    if built.keep and built.response.status_code == 200 and not built.response.cookies:
        _store(_recent_key(request), _recent_seconds(), "", "", built.response, built.meta or {})
    response = _filled(built.response, fill(built.meta or {}) if fill else {})
    response["X-Page-Cache"] = "miss"
    return response


def for_visitors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A list view whose visitors' pages are cached (``serve_recent``), and
    served by ``VisitorPageMiddleware`` when they are."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return serve_recent(request, lambda: Built(view(request, *args, **kwargs)))

    return served_early(lambda request, *args, **kwargs: cached_recent(request))(wrapped)


def cached_recent(request: HttpRequest, fill: Fill | None = None) -> HttpResponse | None:
    """The visitor's list or search page if the cache holds it (filled in
    as ``serve_recent`` would), else None."""
    entry = cache.get(_recent_key(request)) if _serves_recent(request) else None
    if not isinstance(entry, _Entry):
        return None
    return _served(request, entry, fill(entry.meta) if fill else {})


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


# A view's cached page for this request, or None: the view itself must answer.
FromCache = Callable[..., HttpResponse | None]
View = TypeVar("View", bound=Callable[..., HttpResponse])


def served_early(from_cache: FromCache) -> Callable[[View], View]:
    """Mark a view whose visitors' cached pages ``VisitorPageMiddleware``
    serves: ``from_cache(request, *args, **kwargs)`` (the view's own URL
    arguments) gives the page, or None when the view must build it."""

    def mark(view: View) -> View:
        view.from_cache = from_cache  # type: ignore[attr-defined]
        return view

    return mark


class _NotCached(Exception):
    pass


# The middleware after VisitorPageMiddleware in settings that a cached page
# for a visitor's GET does not need; the rest still run on it, in order, so
# it leaves with every header and cookie the whole stack gives a page.
_NOT_FOR_CACHED_PAGES = {
    "api.cors.ApiKeyCorsMiddleware",  # /api/ only
    "allauth.account.middleware.AccountMiddleware",  # its 404s under /accounts/
    "accounts.middleware.MemberLanguageMiddleware",  # members only
    "accounts.middleware.AccountFormStatusMiddleware",  # form POSTs only
    "django.contrib.messages.middleware.MessageMiddleware",  # no message is pending
    "privacy.middleware.PolicyConsentMiddleware",  # members only
}


class VisitorPageMiddleware:
    """Serve a visitor's cached page before most of the middleware runs.

    On a public site most requests are for these pages, and passing one
    through all the middleware, the URL dispatch and the view added a tenth
    (question page) to a third (list) to the CPU it costs (README, *Load*).
    So the views that cache visitors' pages say how to find one
    (``served_early``) and this middleware, placed early, asks them first:
    when the cache has the page, only the middleware that shape a visitor's
    page (session, language, host check, CSRF cookie, security headers) run
    on it, the others (``_NOT_FOR_CACHED_PAGES``) and the view do not. Else
    the request goes down the whole stack as usual, and the view builds and
    stores the page (a member, loaded here to tell, is loaded once: Django
    keeps the user on the request).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        after = settings.MIDDLEWARE[settings.MIDDLEWARE.index(_PATH) + 1 :]
        handler: Callable[[HttpRequest], HttpResponse] = self._from_cache
        for path in reversed(after):
            if path not in _NOT_FOR_CACHED_PAGES:
                handler = import_string(path)(handler)
        self.finish = handler

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "GET" or "messages" in request.COOKIES:
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        if getattr(match.func, "from_cache", None) is None:
            return self.get_response(request)
        request.resolver_match = match
        try:
            return self.finish(request)
        except _NotCached:
            return self.get_response(request)

    @staticmethod
    def _from_cache(request: HttpRequest) -> HttpResponse:
        match = request.resolver_match
        assert match is not None
        from_cache: FromCache = getattr(match.func, "from_cache")  # noqa: B009 (set by served_early)
        response = from_cache(request, *match.args, **match.kwargs)
        if response is None:
            raise _NotCached
        return response


_PATH = f"{VisitorPageMiddleware.__module__}.{VisitorPageMiddleware.__qualname__}"
