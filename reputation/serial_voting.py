"""Serial voting: many votes from one member on one author's posts in a short time.

Stack Exchange reverses such votes daily. Here a voter who cast at least
``REPUTATION["SERIAL_VOTES_THRESHOLD"]`` votes on one author's posts within the
last ``SERIAL_VOTES_WINDOW_HOURS`` loses those votes: their reputation is
reversed on the ledger (reason ``serial_voting``), the Vote rows are deleted and
the posts' scores move back. Each voter/author pair is one transaction.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from accounts.models import User
from moderation.log import log_action
from moderation.models import ActionType
from qa.models import Post, Vote

from .models import Reason, ReputationEvent
from .services import reputation_reverse, vote_key


@dataclass(frozen=True)
class SerialVotingPair:
    voter_id: int
    author_id: int
    votes: int  # Vote rows invalidated
    reversals: int  # ledger rows written


@dataclass(frozen=True)
class SerialVotingResult:
    pairs: list[SerialVotingPair] = field(default_factory=list)

    @property
    def votes(self) -> int:
        return sum(pair.votes for pair in self.pairs)

    @property
    def reversals(self) -> int:
        return sum(pair.reversals for pair in self.pairs)


def _threshold() -> int:
    return int(settings.REPUTATION["SERIAL_VOTES_THRESHOLD"])


def _window(now: datetime) -> tuple[datetime, datetime]:
    return now - timedelta(hours=int(settings.REPUTATION["SERIAL_VOTES_WINDOW_HOURS"])), now


@transaction.atomic
def _reverse_pair(
    *, voter_id: int, author_id: int, window: tuple[datetime, datetime]
) -> SerialVotingPair | None:
    """Invalidate the pair's votes in the window if there are still enough.

    Locks the voted posts in id order, then (in ``reputation_reverse``) the
    users in id order: the order ``qa.services.vote_cast`` uses, post first.
    """
    in_window = Vote.objects.filter(
        user_id=voter_id, post__author_id=author_id, created_at__range=window
    )
    post_ids = sorted(set(in_window.values_list("post_id", flat=True)))
    list(Post.objects.select_for_update().filter(pk__in=post_ids).order_by("pk").values("pk"))
    # Read again under the locks: a vote retracted meanwhile is gone.
    votes = list(in_window.filter(post_id__in=post_ids).order_by("pk"))
    if len(votes) < _threshold():
        return None
    reversals = reputation_reverse(
        credits=ReputationEvent.objects.filter(key__in=[vote_key(vote.pk) for vote in votes]),
        reason=Reason.SERIAL_VOTING,
    )
    score_change: dict[int, int] = defaultdict(int)
    for vote in votes:
        score_change[vote.post_id] -= vote.value
    for post_id, change in sorted(score_change.items()):
        if change:
            Post.objects.filter(pk=post_id).update(score=F("score") + change)
    Vote.objects.filter(pk__in=[vote.pk for vote in votes]).delete()
    log_action(
        actor=None,
        action=ActionType.REPUTATION_REVERSED,
        reason=f"Serial voting: {len(votes)} votes on the posts of member {author_id} reversed",
        user=User.objects.get(pk=voter_id),
    )
    return SerialVotingPair(voter_id, author_id, len(votes), reversals)


def serial_votes_reverse(*, now: datetime | None = None) -> SerialVotingResult:
    """Find voter/author pairs over the threshold in the window ending at
    ``now`` and invalidate their votes. Idempotent: invalidated votes are gone,
    and a ledger credit is reversed at most once."""
    window = _window(now or timezone.now())
    suspects = (
        Vote.objects.filter(created_at__range=window)
        .values("user_id", "post__author_id")
        .annotate(votes=Count("pk"))
        .filter(votes__gte=_threshold())
        .order_by("user_id", "post__author_id")
    )
    pairs = [
        _reverse_pair(voter_id=row["user_id"], author_id=row["post__author_id"], window=window)
        for row in suspects
    ]
    return SerialVotingResult([pair for pair in pairs if pair is not None])
