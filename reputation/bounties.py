"""Bounties: reputation offered on a question and awarded to one of its answers.

Stack Exchange's rules, simplified. A member with the bounty privilege pays
50 to 500 (in steps of 50) at once; the bounty stays open for
``REPUTATION["BOUNTY_DAYS"]``; the offerer awards it to someone else's answer,
or it expires and the reputation is gone (no refund). Both ledger rows carry
the key ``bounty:<id>`` and ignore the daily cap.

Locks, always in this order: the answer (when awarding, as ``qa.services``
locks an answer before its question), the question, the bounty, then the
users through ``reputation.services.users_lock``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from entraide.errors import ApplicationError
from qa import page_cache
from qa.models import Post
from qa.permissions import ALLOWED, Decision, can_write, require

from . import privileges
from .models import Bounty, Reason, ReputationEvent
from .services import reputation_credit, reputation_reverse, users_lock

AMOUNT_STEP = 50


def bounty_amounts() -> list[int]:
    """The amounts a bounty may have: BOUNTY_MIN to BOUNTY_MAX in steps of 50."""
    low = int(settings.REPUTATION["BOUNTY_MIN"])
    high = int(settings.REPUTATION["BOUNTY_MAX"])
    return list(range(low, high + 1, AMOUNT_STEP))


def _ended(bounty: Bounty, now: datetime) -> bool:
    return bounty.ends_at <= now


def can_offer_bounty(user: Any, question: Post) -> Decision:
    """May ``user`` offer a bounty on ``question`` (leaving aside whether it
    already has one and what they can afford)?"""
    member = can_write(user)
    if not member:
        return member
    if not question.is_question:
        return Decision(False, _("Bounties are offered on questions."))
    if question.is_deleted:
        return Decision(False, _("This post has been deleted."))
    check = privileges.check(user, privileges.Privilege.BOUNTY)
    return ALLOWED if check else Decision(False, check.reason)


def bounty_offer_amounts(user: Any, question: Post, open_bounty: Bounty | None) -> list[int]:
    """The amounts ``user`` may offer on ``question`` now; empty when they may
    not offer one. No query: the question page shows the form with these."""
    if open_bounty is not None or not can_offer_bounty(user, question):
        return []
    return [amount for amount in bounty_amounts() if user.reputation - amount >= 1]


def _lock_question(question_id: int) -> Post:
    try:
        return Post.objects.select_for_update().get(pk=question_id)
    except Post.DoesNotExist:
        raise ValidationError(_("This question does not exist.")) from None


def _close_expired(bounty: Bounty, now: datetime) -> bool:
    """Record that an ended bounty expired; the caller holds its lock."""
    closed = Bounty.objects.filter(
        pk=bounty.pk, awarded_at__isnull=True, expired_at__isnull=True
    ).update(expired_at=now)
    bounty.expired_at = now
    return bool(closed)


@transaction.atomic
def bounty_offer(*, offerer: Any, question: Post, amount: int) -> Bounty:
    """Offer ``amount`` reputation on ``question``, debited at once.

    Locks the question row, its open bounty (if any), then the offerer's row,
    so the reputation read to check the offer cannot change before the debit.
    An open bounty whose time is up is expired here first, so offering does
    not wait for the scheduler.
    """
    question = _lock_question(question.pk)
    require(can_offer_bounty(offerer, question))
    if amount not in bounty_amounts():
        low, high = bounty_amounts()[0], bounty_amounts()[-1]
        raise ValidationError(
            {
                "amount": _("A bounty is %(low)d to %(high)d reputation, in steps of %(step)d.")
                % {"low": low, "high": high, "step": AMOUNT_STEP}
            }
        )
    now = timezone.now()
    current = (
        Bounty.objects.select_for_update()
        .filter(question=question, awarded_at__isnull=True, expired_at__isnull=True)
        .first()
    )
    if current is not None:
        if not _ended(current, now):
            raise ApplicationError(
                _("This question already has an open bounty."), code="bounty_open"
            )
        _close_expired(current, now)
    users_lock([offerer.pk])
    reputation = User.objects.values_list("reputation", flat=True).get(pk=offerer.pk)
    if reputation - amount < 1:
        raise ApplicationError(
            _(
                "A bounty of %(amount)d needs more reputation than you have (%(have)d); "
                "reputation never goes below 1."
            )
            % {"amount": amount, "have": reputation},
            code="insufficient_reputation",
        )
    try:
        # The partial unique index is the last word when the lock is absent
        # (SQLite ignores FOR UPDATE but serialises writers).
        with transaction.atomic():
            bounty = Bounty.objects.create(
                question=question,
                offered_by=offerer,
                amount=amount,
                created_at=now,
                ends_at=now + timedelta(days=int(settings.REPUTATION["BOUNTY_DAYS"])),
            )
    except IntegrityError:
        raise ApplicationError(
            _("This question already has an open bounty."), code="bounty_open"
        ) from None
    reputation_credit(
        user_id=offerer.pk,
        amount=-amount,
        reason=Reason.BOUNTY_OFFERED,
        key=bounty.key,
        post=question,
        actor=offerer,
    )
    page_cache.questions_changed([question.pk])
    return bounty


@transaction.atomic
def bounty_award(*, user: Any, bounty: Bounty, answer: Post) -> Bounty:
    """Give an open bounty to ``answer``; only its offerer may, and only once.

    Locks the answer, the question, the bounty, then the answer's author. The
    bounty is closed by a conditional UPDATE as well as checked under its
    lock, so even without row locks a second award changes nothing.
    """
    try:
        answer = Post.objects.select_for_update().get(pk=answer.pk)
    except Post.DoesNotExist:
        raise ValidationError(_("This answer does not exist.")) from None
    question = _lock_question(bounty.question_id)
    try:
        bounty = Bounty.objects.select_for_update().get(pk=bounty.pk)
    except Bounty.DoesNotExist:
        raise ValidationError(_("This bounty does not exist.")) from None
    require(can_write(user))
    if user.pk != bounty.offered_by_id:
        raise PermissionDenied(_("Only the member who offered the bounty can award it."))
    if bounty.awarded_at is not None:
        raise ApplicationError(_("This bounty has already been awarded."), code="bounty_awarded")
    now = timezone.now()
    if bounty.expired_at is not None or _ended(bounty, now):
        raise ApplicationError(_("This bounty has ended."), code="bounty_ended")
    if answer.is_question or answer.parent_id != question.pk:
        raise ValidationError(_("A bounty goes to an answer of its own question."))
    if question.is_deleted:
        raise ApplicationError(_("This question has been deleted."), code="deleted")
    if answer.is_deleted:
        raise ApplicationError(_("A deleted answer cannot receive a bounty."), code="deleted")
    if answer.author_id == user.pk:
        raise PermissionDenied(_("You cannot award your bounty to your own answer."))
    if answer.is_community_wiki:
        raise ValidationError(_("Community-wiki answers cannot receive a bounty."))
    users_lock([answer.author_id])
    closed = Bounty.objects.filter(
        pk=bounty.pk, awarded_at__isnull=True, expired_at__isnull=True
    ).update(awarded_at=now, awarded_answer=answer)
    if not closed:
        raise ApplicationError(_("This bounty has already been awarded."), code="bounty_awarded")
    reputation_credit(
        user_id=answer.author_id,
        amount=bounty.amount,
        reason=Reason.BOUNTY_AWARDED,
        key=bounty.key,
        post=answer,
        actor=user,
    )
    bounty.refresh_from_db()
    page_cache.questions_changed([question.pk])
    return bounty


@transaction.atomic
def bounty_expire(*, bounty: Bounty, now: datetime | None = None) -> Bounty | None:
    """Close an open bounty whose time is up, without refund; return it, or
    ``None`` when it was awarded, expired or is still running.

    Locks the question, then the bounty: a racing award either wins (and the
    bounty is no longer open) or waits.
    """
    now = now or timezone.now()
    _lock_question(bounty.question_id)
    bounty = Bounty.objects.select_for_update().get(pk=bounty.pk)
    if not bounty.is_open or not _ended(bounty, now):
        return None
    if not _close_expired(bounty, now):
        return None
    page_cache.questions_changed([bounty.question_id])
    return bounty


@dataclass(frozen=True)
class ExpiryResult:
    expired: list[Bounty]

    @property
    def count(self) -> int:
        return len(self.expired)


def bounties_expire(*, now: datetime | None = None) -> ExpiryResult:
    """Expire every open bounty that has ended, each in its own transaction."""
    now = now or timezone.now()
    due = Bounty.objects.filter(
        awarded_at__isnull=True, expired_at__isnull=True, ends_at__lte=now
    ).order_by("ends_at", "pk")
    expired = [bounty_expire(bounty=bounty, now=now) for bounty in due]
    return ExpiryResult([bounty for bounty in expired if bounty is not None])


def bounty_refund_for_deleted_question(*, question: Post) -> Bounty | None:
    """Close the open bounty of a question being deleted and give the offerer
    the reputation back (Stack Exchange refunds these); return it, if any.

    Runs inside ``qa.services.post_delete``, which holds the question's lock.
    """
    bounty = (
        Bounty.objects.select_for_update()
        .filter(question=question, awarded_at__isnull=True, expired_at__isnull=True)
        .first()
    )
    if bounty is None:
        return None
    Bounty.objects.filter(pk=bounty.pk).update(expired_at=timezone.now())
    reputation_reverse(
        credits=ReputationEvent.objects.filter(
            key=f"bounty:{bounty.pk}", reason=Reason.BOUNTY_OFFERED
        ),
        reason=Reason.POST_DELETED,
    )
    return bounty
