from typing import Any

from django import template

from qa import permissions
from qa.models import Post

register = template.Library()


@register.filter
def can_edit(post: Post, user: Any) -> bool:
    return bool(permissions.can_edit_post(user, post))


@register.filter
def can_delete(post: Post, user: Any) -> bool:
    return bool(permissions.can_delete_post(user, post))


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
