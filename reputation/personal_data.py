"""Personal data held by the reputation app (see privacy.registry).

The member's own ledger, badges and bounties stay with the anonymous
"user<id>" account (they describe its public posts, and the ledger must still
add up); credits other members got from the member's votes lose the voter.
"""

from typing import Any

from privacy.registry import register

from .models import BadgeAward, Bounty, ReputationEvent


def _history(user: Any) -> list[Any]:
    return list(
        ReputationEvent.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("created_at", "amount", "reason", "post_id", "reverses_id")
    )


def _badges(user: Any) -> list[Any]:
    return [
        {"badge": award.badge.name, "tier": award.badge.tier, "post_id": award.post_id,
         "awarded_at": award.awarded_at}
        for award in BadgeAward.objects.filter(user=user).select_related("badge")
    ]  # fmt: skip


def _bounties(user: Any) -> list[Any]:
    return list(
        Bounty.objects.filter(offered_by=user).values(
            "question_id", "amount", "created_at", "ends_at", "awarded_at", "expired_at"
        )
    )


register(
    "reputation_history",
    description="Reputation changes (the voter behind a credit is removed on erasure).",
    export=_history,
    erase=lambda user: ReputationEvent.objects.filter(actor=user).update(actor=None),
    models=("reputation.ReputationEvent",),
)
register("badges", description="Badges earned.", export=_badges, models=("reputation.BadgeAward",))
register(
    "bounties", description="Bounties offered.", export=_bounties, models=("reputation.Bounty",)
)
