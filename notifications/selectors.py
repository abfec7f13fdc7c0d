"""Reads for the inbox and the header's unread count."""

from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, IntegerField, Model, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .models import Follow, Notification

INBOX_PER_PAGE = 30


def unread_count_expression() -> Coalesce:
    """The number of a member's unread notifications, as an annotation on
    ``User`` (so the header's count comes with the user, in the same query)."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), Value(0))


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
