"""Template filters that ask ``moderation.permissions`` which buttons to show
(no queries: the answers come from the user and post rows)."""

from typing import Any

from django import template
from django.conf import settings
from django.utils.html import format_html

from .. import antispam, permissions

register = template.Library()


@register.filter
def can_flag(target: Any, user: Any) -> bool:
    return bool(user.is_authenticated and permissions.can_flag(user, target))


@register.filter
def can_vote_close(question: Any, user: Any) -> bool:
    return bool(user.is_authenticated and permissions.can_vote_close(user, question))


@register.filter
def can_protect(question: Any, user: Any) -> bool:
    return bool(user.is_authenticated and permissions.can_protect(user, question))


@register.filter
def is_moderator(user: Any) -> bool:
    return permissions.is_moderator(user)


@register.simple_tag
def protected_min_reputation() -> int:
    return int(settings.MODERATION["PROTECTED_MIN_REPUTATION"])


@register.filter
def mod_user(state: Any, user_id: int | None) -> Any:
    """The member ``user_id`` from the thread's moderation state (no query)."""
    return state.user(user_id) if state is not None else None


@register.simple_tag
def human_check_fields() -> str:
    """The honeypot and fill-time token for a hand-written form (see ``antispam``)."""
    return format_html(
        '<div class="hp-field" aria-hidden="true"><label>Leave this empty '
        '<input type="text" name="website" autocomplete="off" tabindex="-1"></label></div>'
        '<input type="hidden" name="form_token" value="{}">',
        antispam.form_token(),
    )
