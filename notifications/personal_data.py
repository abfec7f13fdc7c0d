"""Personal data held by the notifications app (see privacy.registry)."""

from typing import Any

from privacy.registry import register

from .models import Notification


def _notifications(user: Any) -> list[Any]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at", "pk")
        .values("kind", "title", "url", "body", "created_at", "read_at", "mailed_at")
    )


register(
    "notifications",
    # Notifications the member caused stay with their recipients; the actor
    # then shows as the anonymous "user<id>" (names are not copied into rows).
    description="Notifications received.",
    export=_notifications,
    erase=lambda user: Notification.objects.filter(recipient=user).delete(),
    models=("notifications.Notification",),
)
