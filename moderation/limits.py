"""Abuse limits checked by the Q&A services before they write a post or comment.

New members (below ``NEW_MEMBER_REPUTATION``) are rate-limited and may post
few links; nobody but staff may use a blocked word or link a blocked domain,
or post the same body twice in a short time. Refusals say what to change, or
when posting will be possible again.
"""

import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError
from qa.models import Post, PostType
from reputation.privileges import is_trusted_everywhere

from .models import BlockedTerm, BlockedTermKind

# Bare and Markdown links alike: spammers rarely bother with link syntax.
_URL = re.compile(r"(?:https?://|www\.)([^\s/?#<>()\[\]\"'`]+)", re.IGNORECASE)


class RateLimited(ApplicationError):
    status_code = 429


def _rule(name: str) -> int:
    return int(settings.MODERATION[name])


def is_new_member(user: Any) -> bool:
    return not is_trusted_everywhere(user) and user.reputation < _rule("NEW_MEMBER_REPUTATION")


def link_hosts(text: str) -> list[str]:
    """The host of every link in ``text``, lower-case, without port or login."""
    hosts = []
    for match in _URL.finditer(text):
        host = match.group(1).rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
        if match.group(0).lower().startswith("www."):
            host = f"www.{host}"
        hosts.append(host)
    return hosts


def _blocked_in(text: str, terms: list[BlockedTerm]) -> str | None:
    hosts = link_hosts(text)
    for term in terms:
        if term.kind == BlockedTermKind.DOMAIN:
            if any(host == term.value or host.endswith(f".{term.value}") for host in hosts):
                return term.value
        elif re.search(rf"(?<!\w){re.escape(term.value)}(?!\w)", text, re.IGNORECASE):
            return term.value
    return None


def check_blocked_terms(author: Any, **fields: str) -> None:
    """Refuse text containing a blocked word or a link to a blocked domain."""
    if author.is_staff:
        return
    terms = list(BlockedTerm.objects.all())
    if not terms:
        return
    errors = {}
    for field, text in fields.items():
        term = _blocked_in(text, terms)
        if term is not None:
            errors[field] = _(
                "“%(term)s” is not allowed here (the site blocks it against spam and abuse)."
            ) % {"term": term}
    if errors:
        raise ValidationError(errors)


def _when(moment: datetime) -> str:
    minutes = max(1, round((moment - timezone.now()).total_seconds() / 60))
    return _("in %(minutes)d minute(s), at %(time)s UTC") % {
        "minutes": minutes,
        "time": f"{moment:%H:%M}",
    }


def _check_rate(author: Any, post_type: str) -> None:
    now = timezone.now()
    mine = Post.objects.filter(author=author, post_type=post_type)
    if post_type == PostType.QUESTION:
        window = timedelta(minutes=_rule("NEW_MEMBER_QUESTION_MINUTES"))
        last = mine.filter(created_at__gt=now - window).order_by("-created_at").first()
        if last is not None:
            raise RateLimited(
                _(
                    "New members can ask one question every %(minutes)d minutes. "
                    "You can ask again %(when)s."
                )
                % {
                    "minutes": window.total_seconds() // 60,
                    "when": _when(last.created_at + window),
                },
                code="rate_limited",
            )
        return
    limit = _rule("NEW_MEMBER_ANSWERS_PER_HOUR")
    recent = list(
        mine.filter(created_at__gt=now - timedelta(hours=1))
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        raise RateLimited(
            _("New members can post %(limit)d answers an hour. You can answer again %(when)s.")
            % {"limit": limit, "when": _when(recent[-1] + timedelta(hours=1))},
            code="rate_limited",
        )


def check_new_post(*, author: Any, post_type: str, body: str, title: str = "") -> None:
    """Run every abuse limit on a question or answer about to be written."""
    fields = {"title": title, "body": body} if title else {"body": body}
    check_blocked_terms(author, **fields)
    if author.is_staff:
        return
    window = timedelta(minutes=_rule("DUPLICATE_BODY_MINUTES"))
    if Post.objects.filter(
        author=author, created_at__gt=timezone.now() - window, body_source=body
    ).exists():
        raise ValidationError(
            {"body": _("You posted this same text a moment ago; say something new.")}
        )
    if not is_new_member(author):
        return
    links = len(link_hosts(body))
    if links > _rule("NEW_MEMBER_MAX_LINKS"):
        raise ValidationError(
            {
                "body": _(
                    "New members can include at most %(max)d links in a post; this one has "
                    "%(count)d. Remove some, or earn %(rep)d reputation first."
                )
                % {
                    "max": _rule("NEW_MEMBER_MAX_LINKS"),
                    "count": links,
                    "rep": _rule("NEW_MEMBER_REPUTATION"),
                }
            }
        )
    _check_rate(author, post_type)


def check_edit(*, editor: Any, body: str, title: str = "") -> None:
    """Edits may not bring in blocked words or domains either."""
    fields = {"title": title, "body": body} if title else {"body": body}
    check_blocked_terms(editor, **fields)
