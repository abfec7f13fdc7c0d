import json
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entraide.links import link
from qa import permissions
from qa.models import Post

register = template.Library()


@register.simple_tag(name="link")
def link_tag(viewname: str, **kwargs: Any) -> str:
    """``{% url %}`` for the links repeated on every post (see entraide.links)."""
    return link(viewname, **kwargs)


@register.simple_tag
def js_strings() -> str:
    """The scripts' words in the page's language: JSON for ``<body data-strings>``,
    which static/js reads (the CSP forbids inline scripts, even data blocks)."""
    strings = {
        "error": _("Something went wrong (%(status)s)."),
        "accept": _("Accept this answer"),
        "unaccept": _("Unaccept this answer"),
        "reply": _("Reply"),
        "follow": _("Follow"),
        "following": _("Following"),
        "support": _("Support"),
        "supported": _("Supported"),
        "people": _("People in this thread"),
    }
    return json.dumps(strings)


@register.filter
def ago(value: datetime | None) -> str:
    """ "3 min ago", "2 days ago", then the date: a cheap ``naturaltime``."""
    if value is None:
        return ""
    seconds = int((timezone.now() - value).total_seconds())
    if seconds < 60:
        return _("just now")
    if seconds < 3600:
        minutes = seconds // 60
        return ngettext("%(n)d min ago", "%(n)d mins ago", minutes) % {"n": minutes}
    if seconds < 86400:
        hours = seconds // 3600
        return ngettext("%(n)d hour ago", "%(n)d hours ago", hours) % {"n": hours}
    if seconds < 86400 * 30:
        days = seconds // 86400
        return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}
    # A translated pattern rather than |date: Django's date formatting costs
    # ~50 µs a call, and a thread page prints a dozen dates.
    return _("%(month)s %(day)d, %(year)d") % {
        "month": MONTHS_3[value.month].title(),
        "day": value.day,
        "year": value.year,
    }


@register.filter
def time_ago(value: datetime | None) -> str:
    """``<time datetime="…">3 min ago</time>``; ISO dates without the cost of ``|date``."""
    if value is None:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), ago(value))


@register.filter
def compact(number: int) -> str:
    """1234 as "1.2k", as question lists show counts."""
    if abs(number) < 1000:
        return str(number)
    if abs(number) < 1_000_000:
        return f"{number / 1000:.1f}k".replace(".0k", "k")
    return f"{number / 1_000_000:.1f}m".replace(".0m", "m")


@register.filter
def can_edit(post: Post, user: Any) -> bool:
    return bool(permissions.can_edit_post(user, post))


@register.filter
def can_delete(post: Post, user: Any) -> bool:
    return bool(permissions.can_delete_post(user, post))


@register.filter
def can_review_edits(user: Any) -> bool:
    return bool(permissions.can_review_suggested_edits(user))


@register.filter
def vote_of(votes: dict[int, int], post: Post) -> int:
    return votes.get(post.pk, 0)


@register.filter
def comments_of(page: Any, post: Post) -> list[Any]:
    return page.comments_for(post)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (for sort and pages)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"
