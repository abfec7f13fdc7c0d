"""Template filters that ask ``moderation.permissions`` which buttons to show.

No queries: the answers come from the user and post rows. The part of each
answer that depends only on the viewer is worked out once per request and
kept on the user object, since a thread asks it for every post.
"""

from collections.abc import Callable
from typing import Any

from django import template
from django.conf import settings
from django.utils.functional import empty
from django.utils.html import format_html
from django.utils.translation import gettext

from .. import antispam, permissions

register = template.Library()


def _viewer(user: Any) -> Any:
    """The user behind ``request.user``'s lazy wrapper: every attribute read
    through the wrapper costs a call, and a thread reads many."""
    wrapped = getattr(user, "_wrapped", None)
    if wrapped is empty:
        user._setup()
        wrapped = user._wrapped
    return wrapped if wrapped is not None else user


def _once(user: Any, name: str, decide: Callable[[Any], object]) -> bool:
    memo = user.__dict__.setdefault("_moderation_memo", {})
    if name not in memo:
        memo[name] = bool(user.is_authenticated and decide(user))
    return memo[name]


@register.filter
def can_flag(target: Any, user: Any) -> bool:
    user = _viewer(user)
    return _once(user, "flag", permissions.may_flag) and bool(
        permissions.can_flag_item(user, target)
    )


@register.filter
def can_vote_close(question: Any, user: Any) -> bool:
    user = _viewer(user)
    return _once(user, "close", permissions.may_vote_close) and bool(
        permissions.can_vote_close_on(question)
    )


@register.filter
def can_protect(question: Any, user: Any) -> bool:
    user = _viewer(user)
    return _once(user, "protect", permissions.may_protect) and bool(
        permissions.can_protect_on(question)
    )


@register.filter
def is_moderator(user: Any) -> bool:
    return _once(_viewer(user), "moderator", permissions.is_moderator)


@register.simple_tag
def protected_min_reputation() -> int:
    return int(settings.MODERATION["PROTECTED_MIN_REPUTATION"])


@register.filter
def mod_user(state: Any, user_id: int | None) -> Any:
    """The member ``user_id`` from the thread's moderation state (no query)."""
    return state.user(user_id) if state is not None else None


@register.simple_tag(takes_context=True)
def human_check_fields(context: Any) -> str:
    """The honeypot and fill-time token for a hand-written form (see
    ``antispam``); one token serves every form of the page."""
    request = context.get("request")
    token = getattr(request, "_moderation_form_token", None)
    if token is None:
        token = antispam.form_token()
        if request is not None:
            request._moderation_form_token = token
    return format_html(
        '<div class="hp-field" aria-hidden="true"><label>{} '
        '<input type="text" name="website" autocomplete="off" tabindex="-1"></label></div>'
        '<input type="hidden" name="form_token" value="{}">',
        gettext("Leave this empty"),
        token,
    )
