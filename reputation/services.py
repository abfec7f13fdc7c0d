"""Reputation: credits and reversals on the append-only ledger.

Every function runs inside the caller's transaction (the Q&A services call
them), writes ledger rows protected by unique constraints and moves the cached
``User.reputation`` with ``F()`` in the same transaction. The rows record what
the user actually gained or lost after the daily cap and the floor of 1, so a
reversal gives back exactly that.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from entraide.links import link
from notifications.services import notify
from qa.models import Vote

from . import privileges
from .models import Reason, ReputationEvent

# Votes and approved edits count towards the daily cap; acceptance and
# bounties do not (Stack Exchange's rule).
CAPPED_REASONS = (Reason.QUESTION_UPVOTED, Reason.ANSWER_UPVOTED, Reason.EDIT_APPROVED)


def _rule(name: str) -> int:
    return int(settings.REPUTATION[name])


def users_lock(user_ids: Iterable[int | None]) -> None:
    """Lock the users' rows in id order, so two transactions that credit the
    same people never wait on each other in opposite orders (no deadlock)."""
    ids = sorted({pk for pk in user_ids if pk is not None})
    if ids:
        # NO KEY UPDATE, like qa.services._lock_post: rows that refer to a
        # member (votes, notifications, revisions) must not wait for this lock.
        locked = User.objects.select_for_update(no_key=True).filter(pk__in=ids)
        list(locked.order_by("pk").values("pk"))


def day_start(now: datetime) -> datetime:
    """Midnight of ``now``'s day: the daily cap and the vote limit reset then (UTC)."""
    return datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)


def _capped_today(user_id: int, now: datetime) -> int:
    total = ReputationEvent.objects.filter(
        user_id=user_id,
        reason__in=CAPPED_REASONS,
        reverses__isnull=True,
        created_at__gte=day_start(now),
    ).aggregate(total=Sum("amount"))["total"]
    return int(total or 0)


def _current(user_id: int) -> int:
    # Read under the row lock taken by ``users_lock``; the total itself still
    # moves with ``F()``.
    return User.objects.values_list("reputation", flat=True).get(pk=user_id)


def _floored(user_id: int, amount: int, current: int | None = None) -> int:
    """The part of ``amount`` that keeps reputation at 1 or more."""
    return max(amount, 1 - (_current(user_id) if current is None else current))


def _notify_privileges(user_id: int, before: int, after: int) -> None:
    """Tell a member of each privilege a credit from ``before`` to ``after`` unlocked."""
    for privilege, needed in privileges.thresholds().items():
        if before < needed <= after:
            notify(
                user_id,
                "privilege",
                title=str(privileges.Privilege(privilege).label),
                url=link("reputation:privilege_list"),
            )


def _move(user_id: int, amount: int) -> None:
    if amount:
        User.objects.filter(pk=user_id).update(reputation=F("reputation") + amount)


@transaction.atomic
def reputation_credit(
    *,
    user_id: int,
    amount: int,
    reason: Reason,
    key: str,
    post: Any = None,
    actor: Any = None,
    capped: bool = False,
) -> ReputationEvent | None:
    """Write one ledger row for an event and move the user's total.

    Returns ``None`` when this event was already counted: the unique
    constraint on (user, key, reason) turns a replay or a race into a no-op.
    A credit that crosses a privilege's threshold notifies the member.
    """
    users_lock([user_id])
    now = timezone.now()
    applied = amount
    if capped and amount > 0:
        applied = max(0, min(amount, _rule("DAILY_CAP") - _capped_today(user_id, now)))
    current = _current(user_id)
    applied = _floored(user_id, applied, current)
    try:
        with transaction.atomic():
            event = ReputationEvent.objects.create(
                user_id=user_id,
                amount=applied,
                reason=reason,
                key=key,
                post=post,
                actor=actor,
                created_at=now,
            )
    except IntegrityError:
        return None
    _move(user_id, applied)
    if reason != Reason.IMPORTED:  # history brought in, not something just earned
        _notify_privileges(user_id, current, current + applied)
    return event


@transaction.atomic
def reputation_reverse(*, credits: QuerySet[ReputationEvent], reason: Reason) -> int:
    """Reverse every credit in ``credits`` not reversed yet; return how many.

    A credit is reversed at most once: the reversal row's one-to-one link to
    it is unique, so a race leaves a single reversal. A credit given back by
    an undeletion is a chain (credit → "post deleted" → "post undeleted"):
    its live end is the "post undeleted" row, which is what gets reversed.
    """
    live = list(
        credits.filter(reversed_by__isnull=True)
        .filter(Q(reverses__isnull=True) | Q(reason=Reason.POST_UNDELETED))
        .order_by("pk")
    )
    return _reverse_rows(live, reason)


def _reverse_rows(rows: list[ReputationEvent], reason: Reason) -> int:
    users_lock(row.user_id for row in rows)
    reversed_count = 0
    for row in rows:
        applied = _floored(row.user_id, -row.amount)
        try:
            with transaction.atomic():
                ReputationEvent.objects.create(
                    user_id=row.user_id,
                    amount=applied,
                    reason=reason,
                    key=row.key,
                    post_id=row.post_id,
                    actor_id=row.actor_id,
                    reverses=row,
                )
        except IntegrityError:
            continue
        _move(row.user_id, applied)
        reversed_count += 1
    return reversed_count


def vote_key(vote_id: int) -> str:
    return f"vote:{vote_id}"


def reputation_credit_vote(*, vote: Any, post: Any) -> None:
    """Credit a new vote: +10 for an upvote; a downvote costs the author 2
    and, on an answer, the voter 1. Community-wiki posts earn nothing."""
    if post.is_community_wiki:
        return
    key = vote_key(vote.pk)
    if vote.value > 0:
        reason = Reason.QUESTION_UPVOTED if post.is_question else Reason.ANSWER_UPVOTED
        amount = _rule("QUESTION_UPVOTE" if post.is_question else "ANSWER_UPVOTE")
        users_lock([post.author_id])
        reputation_credit(
            user_id=post.author_id,
            amount=amount,
            reason=reason,
            key=key,
            post=post,
            actor=vote.user,
            capped=True,
        )
        return
    users_lock([post.author_id, vote.user_id])
    reputation_credit(
        user_id=post.author_id,
        amount=_rule("POST_DOWNVOTED"),
        reason=Reason.POST_DOWNVOTED,
        key=key,
        post=post,
        actor=vote.user,
    )
    if not post.is_question:
        reputation_credit(
            user_id=vote.user_id,
            amount=_rule("ANSWER_DOWNVOTE_COST"),
            reason=Reason.DOWNVOTE_CAST,
            key=key,
            post=post,
            actor=vote.user,
        )


def reputation_undo_vote(*, vote_id: int) -> None:
    reputation_reverse(
        credits=ReputationEvent.objects.filter(key=vote_key(vote_id)), reason=Reason.UNDONE
    )


def accept_key(question: Any) -> str:
    """One acceptance: the answer and the moment it was accepted."""
    return f"accept:{question.accepted_answer_id}:{question.accepted_at.timestamp():.6f}"


def reputation_credit_accept(*, question: Any, answer: Any, accepter: Any) -> None:
    """+15 to the answer's author, +2 to the accepter unless it is their own answer."""
    if answer.is_community_wiki:
        return
    key = accept_key(question)
    users_lock([answer.author_id, accepter.pk])
    reputation_credit(
        user_id=answer.author_id,
        amount=_rule("ANSWER_ACCEPTED"),
        reason=Reason.ANSWER_ACCEPTED,
        key=key,
        post=answer,
        actor=accepter,
    )
    if accepter.pk != answer.author_id:
        reputation_credit(
            user_id=accepter.pk,
            amount=_rule("ACCEPTER"),
            reason=Reason.ACCEPTED_AN_ANSWER,
            key=key,
            post=answer,
            actor=accepter,
        )


def reputation_undo_accept(*, question: Any) -> None:
    """Reverse the current acceptance of ``question`` (before it changes)."""
    if question.accepted_answer_id is None or question.accepted_at is None:
        return
    reputation_reverse(
        credits=ReputationEvent.objects.filter(key=accept_key(question)), reason=Reason.UNDONE
    )


def reputation_reverse_post(*, post: Any) -> None:
    """A deleted post gives back what its votes and acceptance earned or cost.

    Bounties are settled apart: an awarded bounty stays with its answer, and
    an open one on a deleted question is refunded (``reputation.bounties``).
    """
    reputation_reverse(
        credits=ReputationEvent.objects.filter(post=post).exclude(
            reason__in=[
                Reason.SPAM_PENALTY,
                Reason.BOUNTY_OFFERED,
                Reason.BOUNTY_AWARDED,
                Reason.IMPORTED,
            ]
        ),
        reason=Reason.POST_DELETED,
    )


def reputation_restore_post(*, post: Any) -> None:
    """An undeleted post earns again what its deletion reversed.

    Only the credits of votes that still stand come back: the acceptance of a
    deleted answer was withdrawn with it, and a refunded bounty stays closed.
    A spam penalty is lifted too — staff undeleting the post say it was no
    spam — and the next deletion as spam costs the author again (its key
    names the deletion).
    """
    vote_keys = [vote_key(pk) for pk in Vote.objects.filter(post=post).values_list("pk", flat=True)]
    deletions = ReputationEvent.objects.filter(
        post=post, reason=Reason.POST_DELETED, key__in=vote_keys, reversed_by__isnull=True
    )
    _reverse_rows(list(deletions.order_by("pk")), Reason.POST_UNDELETED)
    reputation_reverse(
        credits=ReputationEvent.objects.filter(post=post, reason=Reason.SPAM_PENALTY),
        reason=Reason.UNDONE,
    )


def reputation_penalise_spam(*, post: Any, moderator: Any, deleted_at: datetime) -> None:
    """−100 to the author of a post deleted as spam or abuse, once per deletion."""
    users_lock([post.author_id])
    reputation_credit(
        user_id=post.author_id,
        amount=_rule("SPAM_PENALTY"),
        reason=Reason.SPAM_PENALTY,
        key=f"spam:{post.pk}:{deleted_at.timestamp():.6f}",
        post=post,
        actor=moderator,
    )


def reputation_credit_edit_approval(*, suggester: Any, key: str, post: Any, reviewer: Any) -> None:
    """+2 to the member whose suggested edit was approved, counted in the daily
    cap and at most +1,000 in all from approved edits (Stack Exchange's rule).

    ``key`` identifies the suggestion ("edit:<id>"); the review queue calls
    this inside its approval transaction.
    """
    users_lock([suggester.pk])
    earned = ReputationEvent.objects.filter(
        user_id=suggester.pk, reason=Reason.EDIT_APPROVED, reverses__isnull=True
    ).aggregate(total=Sum("amount"))["total"]
    room = _rule("EDIT_APPROVED_MAX_TOTAL") - int(earned or 0)
    reputation_credit(
        user_id=suggester.pk,
        amount=max(0, min(_rule("EDIT_APPROVED"), room)),
        reason=Reason.EDIT_APPROVED,
        key=key,
        post=post,
        actor=reviewer,
        capped=True,
    )


def reputation_import(*, user_id: int, reputation: int, key: str) -> ReputationEvent | None:
    """Record reputation earned elsewhere (an import, the demo) as one entry."""
    return reputation_credit(
        user_id=user_id, amount=reputation - 1, reason=Reason.IMPORTED, key=key
    )


@dataclass(frozen=True)
class AuditDifference:
    user_id: int
    username: str
    cached: int
    ledger: int


def reputation_audit(*, fix: bool = False) -> list[AuditDifference]:
    """Compare every cached total with 1 + the sum of the user's ledger rows.

    With ``fix``, set each differing total to the ledger's value (the ledger
    is the source of truth). One aggregate query, whatever the number of users.
    """
    differing = (
        User.objects.annotate(
            ledger=Coalesce(Sum("reputation_events__amount"), Value(0)) + Value(1)
        )
        .exclude(reputation=F("ledger"))
        .values_list("pk", "username", "reputation", "ledger")
        .order_by("pk")
    )
    differences = [AuditDifference(*row) for row in differing]
    if fix:
        with transaction.atomic():
            for difference in differences:
                User.objects.filter(pk=difference.user_id).update(reputation=difference.ledger)
    return differences


@transaction.atomic
def user_set_super_user(*, staff: Any, user: User, is_super_user: bool) -> User:
    """Name ``user`` a super-user (a champion holding the senior role's tools
    whatever their reputation), or take the title back. Staff only."""
    if not (staff.is_authenticated and staff.is_staff):
        raise PermissionDenied(_("Only staff can name or remove super-users."))
    if not user.is_active:
        raise ValidationError(_("This account is closed."))
    User.objects.filter(pk=user.pk).update(is_super_user=is_super_user)
    user.is_super_user = is_super_user
    return user
