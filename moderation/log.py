"""Write the moderation log: every moderator and automatic action, one row.

Called inside the acting service's transaction, so an action and its log line
commit (or roll back) together. There is deliberately no function that
changes or removes a row.
"""

from typing import Any

from .models import ActionType, ModerationAction

REASON_MAX = ModerationAction._meta.get_field("reason").max_length or 500


def log_action(
    *,
    actor: Any,
    action: ActionType,
    reason: str,
    post: Any = None,
    comment: Any = None,
    user: Any = None,
) -> ModerationAction:
    """Record ``action``; ``actor`` is ``None`` for automatic actions."""
    if len(reason) > REASON_MAX:
        reason = reason[: REASON_MAX - 1] + "…"
    return ModerationAction.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        reason=reason,
        target_post=post,
        target_comment=comment,
        target_user=user,
    )
