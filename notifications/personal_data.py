"""Personal data held by the notifications app (see privacy.registry)."""

from typing import Any

from privacy.registry import register

from .models import DigestSent, Follow, MailPreference, Notification


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


def _preferences(user: Any) -> dict[str, Any]:
    return {
        "mail": list(MailPreference.objects.filter(user=user).values("kind", "frequency")),
        "follows": list(
            Follow.objects.filter(user=user).values(
                "question_id", "tag_id", "category_id", "created_at"
            )
        ),
        "digests_sent": list(DigestSent.objects.filter(user=user).values("frequency", "sent_at")),
    }


def _preferences_erase(user: Any) -> None:
    MailPreference.objects.filter(user=user).delete()
    Follow.objects.filter(user=user).delete()
    DigestSent.objects.filter(user=user).delete()


register(
    "notification_preferences",
    description="E-mail choices per kind of notification, follows, digests sent.",
    export=_preferences,
    erase=_preferences_erase,
    models=("notifications.MailPreference", "notifications.Follow", "notifications.DigestSent"),
)
