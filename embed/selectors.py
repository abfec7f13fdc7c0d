"""Reads for embedded content: which answer a URL shows, who may frame it."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404

from api.cors import known_origins
from api.models import ApiKey
from qa.models import Post
from wiki.models import FaqEntry, FaqStatus

_QUESTION_PATH = re.compile(r"^/questions/(?P<pk>[0-9]{1,18})(/[^/]*)?/?$")
_ANSWER_PATH = re.compile(r"^/a/(?P<pk>[0-9]{1,18})/?$")
_FAQ_PATH = re.compile(r"^/faq/(?P<slug>[-a-zA-Z0-9_]{1,80})/?$")


def answer_for_card(*, answer_id: int) -> Post:
    """A visible answer to a visible question, with its question and author."""
    answer = (
        Post.objects.answers()
        .visible()
        .filter(pk=answer_id, parent__deleted_at__isnull=True)
        .select_related("parent", "author")
        .first()
    )
    if answer is None:
        raise Http404("No such answer.")
    return answer


def faq_entry_for_card(*, slug: str) -> FaqEntry:
    """A published FAQ entry; 404 for a draft, one in review or none."""
    entry = (
        FaqEntry.objects.filter(slug=slug, status=FaqStatus.PUBLISHED)
        .select_related("attributed_to")
        .first()
    )
    if entry is None:
        raise Http404("No such FAQ entry.")
    return entry


def best_answer_id(*, question_id: int) -> int:
    """The accepted answer, else the highest-scored one; 404 when there is none."""
    question = Post.objects.questions().visible().filter(pk=question_id).first()
    if question is None:
        raise Http404("No such question.")
    if question.accepted_answer_id:
        return question.accepted_answer_id
    best = (
        Post.objects.answers()
        .visible()
        .filter(parent=question)
        .order_by("-score", "created_at")
        .values_list("pk", flat=True)
        .first()
    )
    if best is None:
        raise Http404("This question has no answer to embed yet.")
    return best


def _site_path(url: str, host: str) -> tuple[str, str]:
    """The path and fragment of a URL of this site (``SITE_URL``'s host, or
    the ``host`` the request came to); 404 for another site's."""
    parts = urlsplit(url)
    hosts = {urlsplit(settings.SITE_URL).netloc, host}
    if parts.scheme not in ("http", "https") or parts.netloc not in hosts:
        raise Http404("This URL is not a page of this site.")
    return parts.path, parts.fragment


def faq_slug_for_url(url: str, *, host: str = "") -> str | None:
    """The FAQ entry's slug when ``url`` is a FAQ entry page of this site, else None."""
    path, _fragment = _site_path(url, host)
    match = _FAQ_PATH.match(path)
    return match["slug"] if match else None


def answer_id_for_url(url: str, *, host: str = "") -> int:
    """The answer an oEmbed consumer asks for: a question page (its best
    answer) or an answer link, on this site; 404 otherwise."""
    path, fragment = _site_path(url, host)
    answer = _ANSWER_PATH.match(path)
    if answer:
        return answer_for_card(answer_id=int(answer["pk"])).pk
    if fragment.startswith("answer-") and fragment[7:].isdigit():
        return answer_for_card(answer_id=int(fragment[7:])).pk
    question = _QUESTION_PATH.match(path)
    if question:
        return best_answer_id(question_id=int(question["pk"]))
    raise Http404("This URL is not a question or an answer.")


def live_key(prefix: str) -> ApiKey | None:
    """The key, not revoked, whose public prefix is ``prefix``."""
    return ApiKey.objects.filter(prefix=prefix, revoked_at__isnull=True).first() if prefix else None


def frame_ancestors(client: str | None, key: ApiKey | None) -> list[str]:
    """Origins that may frame a card: those of the client's ``key``, or (no
    client named) those of every live key; none for an unknown or revoked
    client."""
    if not client:
        return sorted(known_origins())
    return list(key.allowed_origins) if key else []


def featured_answer_id() -> int | None:
    """The highest-scored accepted answer, for the demo page's card."""
    return (
        Post.objects.answers()
        .visible()
        .filter(accepted_for__isnull=False)
        .order_by("-score", "pk")
        .values_list("pk", flat=True)
        .first()
    )
