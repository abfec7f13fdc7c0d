"""Personal data held by the moderation app (see privacy.registry).

Flags, close votes and review decisions stay with the anonymous "user<id>"
account (thresholds and queues counted them). The moderation log is
append-only (the database refuses changes) and is kept as the record of
moderators' actions; it names the anonymous account from then on.
Moderators' private messages to the member are deleted with the account.
"""

from typing import Any

from privacy.registry import register

from .models import (
    CloseVote,
    Flag,
    ModerationAction,
    ModeratorMessage,
    ReviewDecision,
    Suspension,
)


def _flags(user: Any) -> list[Any]:
    return list(
        Flag.objects.filter(flagger=user)
        .order_by("created_at")
        .values("post_id", "comment_id", "reason", "text", "status", "created_at", "resolved_at")
    )


def _moderation(user: Any) -> dict[str, Any]:
    return {
        "close_votes": list(
            CloseVote.objects.filter(voter=user).values("question_id", "kind", "reason")
        ),
        "review_decisions": list(
            ReviewDecision.objects.filter(reviewer=user).values("task__post_id", "action")
        ),
        "suspensions": list(
            Suspension.objects.filter(user=user).values(
                "reason", "starts_at", "ends_at", "lifted_at"
            )
        ),
        "moderator_messages": list(
            ModeratorMessage.objects.filter(recipient=user).values(
                "subject", "body_source", "created_at", "read_at"
            )
        ),
        "actions_about_you": list(
            ModerationAction.objects.filter(target_user=user).values(
                "action", "reason", "created_at"
            )
        ),
    }


register(
    "flags",
    description="Flags raised (kept, attributed to user<id>).",
    export=_flags,
    models=("moderation.Flag",),
)
register(
    "moderation",
    description="Close votes, reviews, suspensions, moderator messages, log entries about you.",
    export=_moderation,
    erase=lambda user: ModeratorMessage.objects.filter(recipient=user).delete(),
    models=(
        "moderation.CloseVote",
        "moderation.ReviewTask",
        "moderation.ReviewDecision",
        "moderation.Suspension",
        "moderation.ModeratorMessage",
        "moderation.BlockedTerm",
        "moderation.ModerationAction",
    ),
)
