"""Closing and reopening questions, locking posts and protecting questions.

Each state change records who, when and why on the post itself and in the
moderation log, and re-indexes the question (a duplicate's search document
carries its original).
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError
from notifications.services import notify
from qa.models import CloseReason, LockKind, Post, PostLink
from qa.permissions import require
from reputation.privileges import is_trusted_everywhere
from search import outbox

from .. import hooks, permissions
from ..log import log_action
from ..models import ActionType, CloseVote, ReviewQueue, VoteKind


@dataclass(frozen=True)
class CloseVoteResult:
    question: Post
    votes: int  # active votes of this kind after this one (0 once it acted)
    needed: int
    acted: bool  # the question was closed (or reopened) by this vote


def _lock_question(question_id: int) -> Post:
    question = Post.objects.select_for_update().filter(pk=question_id).first()
    if question is None:
        raise ValidationError(_("This question does not exist."))
    return question


def _names(voters: list[Any]) -> str:
    return ", ".join(voter.public_name for voter in voters)


def _clean_duplicate(question: Post, reason: str, duplicate_of: Post | None) -> Post | None:
    if reason != CloseReason.DUPLICATE:
        if duplicate_of is not None:
            raise ValidationError({"duplicate_of": _("Only duplicates point at an original.")})
        return None
    if duplicate_of is None:
        raise ValidationError({"duplicate_of": _("Link to the original question.")})
    original = Post.objects.filter(pk=duplicate_of.pk).first()
    if original is None or not original.is_question or original.is_deleted:
        raise ValidationError({"duplicate_of": _("The original must be a visible question.")})
    if original.pk == question.pk:
        raise ValidationError({"duplicate_of": _("A question cannot duplicate itself.")})
    return original


def _vote_record(
    question: Post, voter: Any, kind: VoteKind, *, reason: str = "", original: Post | None = None
) -> list[CloseVote]:
    """Record ``voter``'s vote (once per member while votes count); return the
    votes of this kind that count now, oldest first."""
    try:
        with transaction.atomic():
            CloseVote.objects.create(
                question=question, voter=voter, kind=kind, reason=reason, duplicate_of=original
            )
    except IntegrityError:
        message = (
            _("You have already voted to close this question.")
            if kind == VoteKind.CLOSE
            else _("You have already voted to reopen this question.")
        )
        raise ApplicationError(message, code="already_voted") from None
    return list(
        CloseVote.objects.filter(question=question, kind=kind, is_active=True)
        .select_related("voter")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def close_vote_cast(
    *, voter: Any, question: Post, reason: str, duplicate_of: Post | None = None
) -> CloseVoteResult:
    """Vote to close a question; the vote that reaches ``CLOSE_VOTES_NEEDED``
    closes it, and a staff member's or super-user's vote closes it at once.

    Locks the question row, so the votes are counted one at a time and the
    question closes exactly once.
    """
    question = _lock_question(question.pk)
    require(permissions.can_vote_close(voter, question))
    if question.is_closed:
        raise ApplicationError(_("This question is closed already."), code="closed")
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose why the question should be closed.")})
    original = _clean_duplicate(question, reason, duplicate_of)
    votes = _vote_record(question, voter, VoteKind.CLOSE, reason=reason, original=original)
    needed = int(settings.MODERATION["CLOSE_VOTES_NEEDED"])
    if not is_trusted_everywhere(voter) and len(votes) < needed:
        hooks.review_enqueue(queue=ReviewQueue.CLOSE_VOTES, post=question)
        return CloseVoteResult(question, len(votes), needed, acted=False)
    # The most common reason wins (the earliest on a tie); a duplicate points
    # at the original most voters named.
    final_reason, final_original = reason, original
    if not is_trusted_everywhere(voter):
        final_reason = Counter(vote.reason for vote in votes).most_common(1)[0][0]
        originals = [vote.duplicate_of_id for vote in votes if vote.duplicate_of_id]
        final_original = (
            Post.objects.get(pk=Counter(originals).most_common(1)[0][0])
            if final_reason == CloseReason.DUPLICATE
            else None
        )
    _close(question, voter, final_reason, final_original, [vote.voter for vote in votes])
    return CloseVoteResult(question, 0, needed, acted=True)


def _close(
    question: Post, closer: Any, reason: str, original: Post | None, voters: list[Any]
) -> None:
    now = timezone.now()
    Post.objects.filter(pk=question.pk).update(
        closed_at=now, closed_by=closer, close_reason=reason, duplicate_of=original
    )
    if original is not None:
        PostLink.objects.get_or_create(
            from_post=question, to_post=original, link_type=PostLink.LinkType.DUPLICATE
        )
    CloseVote.objects.filter(question=question, kind=VoteKind.CLOSE, is_active=True).update(
        is_active=False
    )
    hooks.review_tasks_complete(post=question, queues=[ReviewQueue.CLOSE_VOTES], outcome="closed")
    label = CloseReason(reason).label
    why = _("Closed as “%(reason)s” by %(names)s.") % {"reason": label, "names": _names(voters)}
    if original is not None:
        why += " " + _("Duplicate of question %(id)d.") % {"id": original.pk}
    log_action(
        actor=closer,
        action=ActionType.QUESTION_CLOSED,
        reason=why,
        post=question,
    )
    notify(question.author_id, "post_closed", closer, question, body=why)
    outbox.enqueue_question(question.pk)
    if original is not None:
        outbox.enqueue_question(original.pk)
    question.refresh_from_db()


@transaction.atomic
def reopen_vote_cast(*, voter: Any, question: Post) -> CloseVoteResult:
    """Vote to reopen a closed question (binding for staff and super-users)."""
    question = _lock_question(question.pk)
    require(permissions.can_vote_close(voter, question))
    if not question.is_closed:
        raise ApplicationError(_("This question is open."), code="open")
    votes = _vote_record(question, voter, VoteKind.REOPEN)
    needed = int(settings.MODERATION["REOPEN_VOTES_NEEDED"])
    if not is_trusted_everywhere(voter) and len(votes) < needed:
        hooks.review_enqueue(queue=ReviewQueue.REOPEN_VOTES, post=question)
        return CloseVoteResult(question, len(votes), needed, acted=False)
    original_id = question.duplicate_of_id
    Post.objects.filter(pk=question.pk).update(
        closed_at=None, closed_by=None, close_reason="", duplicate_of=None
    )
    PostLink.objects.filter(from_post=question, link_type=PostLink.LinkType.DUPLICATE).delete()
    CloseVote.objects.filter(question=question, is_active=True).update(is_active=False)
    hooks.review_tasks_complete(
        post=question, queues=[ReviewQueue.REOPEN_VOTES], outcome="reopened"
    )
    why = _("Reopened by %(names)s.") % {"names": _names([vote.voter for vote in votes])}
    log_action(actor=voter, action=ActionType.QUESTION_REOPENED, reason=why, post=question)
    notify(question.author_id, "post_reopened", voter, question, body=why)
    outbox.enqueue_question(question.pk)
    if original_id:
        outbox.enqueue_question(original_id)
    question.refresh_from_db()
    return CloseVoteResult(question, 0, needed, acted=True)


def retire_votes(*, question: Post, kind: VoteKind) -> int:
    """Reviewers left the question as it is: its pending votes stop counting."""
    return CloseVote.objects.filter(question=question, kind=kind, is_active=True).update(
        is_active=False
    )


@transaction.atomic
def post_lock(*, moderator: Any, post: Post, kind: str, reason: str) -> Post:
    """Lock a post: nobody edits, answers, comments on or votes on it until
    it is unlocked. A historical lock keeps an old post for its history."""
    require(permissions.can_moderate(moderator))
    post = _lock_question(post.pk)
    if post.is_locked:
        raise ApplicationError(_("This post is locked already."), code="locked")
    if kind not in LockKind.values:
        raise ValidationError({"kind": _("Choose the kind of lock.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the post is locked; everyone sees it.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("Keep the reason under 200 characters.")})
    Post.objects.filter(pk=post.pk).update(
        locked_at=timezone.now(), locked_by=moderator, lock_reason=reason, lock_kind=kind
    )
    log_action(
        actor=moderator,
        action=ActionType.POST_LOCKED,
        reason=f"{LockKind(kind).label}: {reason}",
        post=post,
    )
    outbox.enqueue_question(post.question_id)
    post.refresh_from_db()
    return post


@transaction.atomic
def post_unlock(*, moderator: Any, post: Post, reason: str = "") -> Post:
    require(permissions.can_moderate(moderator))
    post = _lock_question(post.pk)
    if not post.is_locked:
        raise ApplicationError(_("This post is not locked."), code="not_locked")
    Post.objects.filter(pk=post.pk).update(
        locked_at=None, locked_by=None, lock_reason="", lock_kind=""
    )
    log_action(
        actor=moderator,
        action=ActionType.POST_UNLOCKED,
        reason=reason or _("Unlocked"),
        post=post,
    )
    outbox.enqueue_question(post.question_id)
    post.refresh_from_db()
    return post


@transaction.atomic
def question_protect(*, user: Any, question: Post, reason: str = "") -> Post:
    """Protect a question: only members with ``PROTECTED_MIN_REPUTATION``
    may answer it (against a stream of "me too" answers from new accounts)."""
    question = _lock_question(question.pk)
    require(permissions.can_protect(user, question))
    if question.is_protected:
        raise ApplicationError(_("This question is protected already."), code="protected")
    Post.objects.filter(pk=question.pk).update(protected_at=timezone.now(), protected_by=user)
    log_action(
        actor=user,
        action=ActionType.QUESTION_PROTECTED,
        reason=reason or _("Protected against answers from new members"),
        post=question,
    )
    question.refresh_from_db()
    return question


@transaction.atomic
def question_unprotect(*, user: Any, question: Post, reason: str = "") -> Post:
    question = _lock_question(question.pk)
    require(permissions.can_protect(user, question))
    if not question.is_protected:
        raise ApplicationError(_("This question is not protected."), code="not_protected")
    Post.objects.filter(pk=question.pk).update(protected_at=None, protected_by=None)
    log_action(
        actor=user,
        action=ActionType.QUESTION_UNPROTECTED,
        reason=reason or _("Unprotected"),
        post=question,
    )
    question.refresh_from_db()
    return question
