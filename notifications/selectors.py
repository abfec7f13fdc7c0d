"""Reads for the inbox and the header's unread count."""

from functools import lru_cache
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import Exists, IntegerField, Model, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from entraide.sql import sql_names

from .models import Follow, Notification

INBOX_PER_PAGE = 30


@lru_cache(maxsize=1)
def _unread_count_sql() -> str:
    _user, user_id = sql_names(get_user_model(), "id")
    table, recipient, read_at = sql_names(Notification, "recipient", "read_at")
    return f"SELECT COUNT(*) FROM {table} WHERE {recipient} = {user_id} AND {read_at} IS NULL"


def unread_count_expression() -> RawSQL:
    """The number of a member's unread notifications, as an annotation on
    ``User`` (so the header's count comes with the user, in the same query;
    plain SQL, see ``entraide.sql``)."""
    return RawSQL(_unread_count_sql(), (), IntegerField())


def unread_count(user: Any) -> int:
    """The header's count: annotated on the user by ``notifications.backends``,
    read here when the user came another way (an API token)."""
    if not user.is_authenticated:
        return 0
    count = getattr(user, "unread_notification_count", None)
    if count is None:
        count = user.unread_notification_count = unread_count_now(user)
    return int(count)


def unread_count_now(user: Any) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def inbox(*, user: Any, page: Any = 1, unread_only: bool = False) -> Page:
    """One page of ``user``'s notifications, newest first, with their actors."""
    rows: QuerySet[Notification] = (
        Notification.objects.filter(recipient_id=user.pk)
        .select_related("actor")
        .only(
            *("kind", "title", "url", "body", "created_at", "read_at", "recipient_id"),
            *("actor__username", "actor__display_name"),
        )
        .order_by("-created_at", "-id")
    )
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return Paginator(rows, INBOX_PER_PAGE).get_page(page)


M = TypeVar("M", bound=Model)


def with_follow_state(rows: QuerySet[M], user: Any, field: str) -> QuerySet[M]:
    """``rows`` annotated with ``is_followed`` by ``user`` (``field``: "tag",
    "category" or "question"), so a page learns it in the query it makes anyway."""
    if not user.is_authenticated:
        return rows
    followed = Follow.objects.filter(user_id=user.pk, **{field: OuterRef("pk")})
    return rows.annotate(is_followed=Exists(followed))
