"""Whole question pages for visitors without an account, cached in Redis.

Most readers of a public Q&A site are anonymous and read the same popular
threads, which all look alike to them; rendering a thread costs several
milliseconds of Python each time. So a visitor's question page is kept for
``PAGE_CACHE_SECONDS`` (the site's cache, Redis in production) and served
from there until the question changes.

Each question has a version token in the cache. A change replaces it after
commit: everything that re-indexes the question (``search.outbox``) and a
saved or deleted comment or bounty, with the time limit as the bound for
what shows on the page but lives elsewhere (an author's reputation). A page
is stored with the token read *before* it was built, so a page built from
data that changed meanwhile is never served.

Only a GET without a query string, from a visitor with no session cookie
and no pending messages, is served or stored: such a visitor is certainly
anonymous, and nothing on the page is theirs but the CSRF token, which is
put back per visitor (``{% csrf_token %}`` renders one token per page).
"""

import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

_TOKEN_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')
_PLACEHOLDER = b"\x00csrf\x00"


def _seconds() -> int:
    return int(settings.PAGE_CACHE_SECONDS)


def _version_key(question_id: int) -> str:
    return f"qa:page-version:{question_id}"


def _page_key(question_id: int, language: str) -> str:
    return f"qa:page:{question_id}:{language}"


@dataclass(frozen=True)
class _Entry:
    version: str
    slug: str
    content_type: str
    content: bytes


def is_cacheable(request: HttpRequest) -> bool:
    return (
        _seconds() > 0
        and request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def questions_changed(question_ids: Iterable[int]) -> None:
    """Drop the cached pages of these questions once the transaction commits."""
    ids = set(question_ids)
    if not ids or _seconds() <= 0:
        return

    def bump() -> None:
        token = secrets.token_hex(8)
        cache.set_many({_version_key(pk): token for pk in ids}, timeout=_seconds() * 2)

    transaction.on_commit(bump)


def serve(
    request: HttpRequest, question_id: int, slug: str, build: Callable[[], HttpResponse]
) -> HttpResponse:
    """The visitor's page from the cache, or ``build()``'s, stored for the next one."""
    language = get_language()
    version_key, page_key = _version_key(question_id), _page_key(question_id, language)
    found = cache.get_many([version_key, page_key])
    version = found.get(version_key)
    entry = found.get(page_key)
    if version is not None and isinstance(entry, _Entry) and entry.version == version:
        if entry.slug != slug:
            return build()  # the view redirects to the page's current address
        content = entry.content.replace(_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(content, content_type=entry.content_type)
        response["X-Page-Cache"] = "hit"
        return response
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, timeout=_seconds() * 2):
            version = cache.get(version_key)  # another process made one first
    response = build()
    if response.status_code == 200 and version is not None and not response.cookies:
        _store(page_key, version, slug, response)
    response["X-Page-Cache"] = "miss"
    return response


def _store(page_key: str, version: str, slug: str, response: HttpResponse) -> None:
    content = response.content
    tokens = set(_TOKEN_INPUT.findall(content))
    if len(tokens) > 1:
        return  # not the one-token page this module knows how to share
    for token in tokens:
        content = content.replace(token, _PLACEHOLDER)
    entry = _Entry(version, slug, response["Content-Type"], content)
    cache.set(page_key, entry, timeout=_seconds())
