"""Review queues: hand tasks to reviewers one at a time and settle them.

Several reviewers look at each task until enough of them agree
(``REVIEWS_NEEDED``; a staff member or super-user settles it alone). A task
is handed to one reviewer at a time: ``review_next`` claims it for
``REVIEW_CLAIM_MINUTES`` under ``SELECT … FOR UPDATE SKIP LOCKED``, so two
reviewers asking at the same moment on PostgreSQL get different tasks.
"""

from collections import Counter
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError
from qa import services as qa_services
from qa.models import Post
from qa.permissions import require
from reputation.privileges import is_trusted_everywhere

from .. import hooks, permissions
from ..log import log_action
from ..models import (
    ActionType,
    Flag,
    FlagReason,
    ReviewAction,
    ReviewDecision,
    ReviewQueue,
    ReviewStatus,
    ReviewTask,
    VoteKind,
)
from . import closing

_POST_ACTIONS = [ReviewAction.LOOKS_OK, ReviewAction.DELETE]
ACTIONS: dict[str, list[ReviewAction]] = {
    ReviewQueue.FIRST_POSTS: _POST_ACTIONS,
    ReviewQueue.LATE_ANSWERS: _POST_ACTIONS,
    ReviewQueue.LOW_QUALITY: _POST_ACTIONS,
    ReviewQueue.FLAGGED_POSTS: _POST_ACTIONS,
    ReviewQueue.CLOSE_VOTES: [ReviewAction.CLOSE, ReviewAction.LEAVE_OPEN],
    ReviewQueue.REOPEN_VOTES: [ReviewAction.REOPEN, ReviewAction.LEAVE_CLOSED],
}
# Reviewed one at a time by trusted editors in ``qa.editing``, not by tasks here.
TASK_QUEUES = list(ACTIONS)
# The flags a "looks OK" verdict declines, per queue.
_FLAGS_CLEARED_BY: dict[str, list[FlagReason]] = {
    ReviewQueue.FLAGGED_POSTS: [FlagReason.SPAM, FlagReason.RUDE, FlagReason.NEEDS_ATTENTION],
    ReviewQueue.LOW_QUALITY: [FlagReason.LOW_QUALITY],
    ReviewQueue.CLOSE_VOTES: [FlagReason.DUPLICATE],
}


def _available(reviewer: Any, queue: str) -> QuerySet[ReviewTask]:
    """Pending tasks ``reviewer`` may take: not on their own posts, not
    reviewed (or skipped) by them, not on deleted posts."""
    return (
        ReviewTask.objects.filter(
            queue=queue, status=ReviewStatus.PENDING, post__deleted_at__isnull=True
        )
        .exclude(post__author=reviewer)
        .exclude(decisions__reviewer=reviewer)
    )


@transaction.atomic
def review_next(*, reviewer: Any, queue: str) -> ReviewTask | None:
    """The task ``reviewer`` should look at next in ``queue``, now theirs
    alone for a while; ``None`` when nothing is left for them.

    A task they already hold is handed back (a reload). Otherwise the oldest
    free task is locked with ``SKIP LOCKED``: a task another reviewer is
    being handed at this very moment is skipped, not waited for.
    """
    if queue not in TASK_QUEUES:
        raise ValidationError({"queue": _("There is no such review queue.")})
    require(permissions.can_review(reviewer, queue))
    now = timezone.now()
    held = (
        _available(reviewer, queue)
        .filter(claimed_by=reviewer, claimed_until__gt=now)
        .order_by("created_at", "pk")
        .first()
    )
    if held is not None:
        return held
    task = (
        _available(reviewer, queue)
        .filter(Q(claimed_by__isnull=True) | Q(claimed_until__lte=now))
        .order_by("created_at", "pk")
        .select_for_update(skip_locked=True, of=("self",))
        .first()
    )
    if task is None:
        return None
    until = now + timedelta(minutes=int(settings.MODERATION["REVIEW_CLAIM_MINUTES"]))
    ReviewTask.objects.filter(pk=task.pk).update(claimed_by=reviewer, claimed_until=until)
    task.claimed_by, task.claimed_until = reviewer, until
    return task


@transaction.atomic
def review_decide(
    *,
    reviewer: Any,
    task: ReviewTask,
    action: str,
    reason: str = "",
    duplicate_of: Post | None = None,
) -> ReviewTask:
    """Record ``reviewer``'s verdict on ``task`` and settle the task when
    enough reviewers agree. "Close" and "reopen" cast the reviewer's close or
    reopen vote; the question changes when those votes add up."""
    task = ReviewTask.objects.select_for_update().select_related("post").get(pk=task.pk)
    require(permissions.can_review(reviewer, task.queue))
    if not task.is_pending:
        raise ApplicationError(_("This review is finished already."), code="review_done")
    if task.post.author_id == reviewer.pk:
        raise PermissionDenied(_("You cannot review your own post."))
    if action not in [*ACTIONS[task.queue], ReviewAction.SKIP]:
        raise ValidationError({"action": _("That is not a choice in this queue.")})
    now = timezone.now()
    if (
        task.claimed_by_id not in (None, reviewer.pk)
        and task.claimed_until is not None
        and task.claimed_until > now
    ):
        raise ApplicationError(
            _("Another reviewer is looking at this task; take the next one."), code="claimed"
        )
    try:
        with transaction.atomic():
            ReviewDecision.objects.create(task=task, reviewer=reviewer, action=action)
    except IntegrityError:
        raise ApplicationError(_("You have reviewed this already."), code="reviewed") from None
    ReviewTask.objects.filter(pk=task.pk).update(claimed_by=None, claimed_until=None)
    if action == ReviewAction.SKIP:
        return task
    if action == ReviewAction.CLOSE:
        _vote(
            closing.close_vote_cast,
            voter=reviewer,
            question=task.post,
            reason=reason,
            duplicate_of=duplicate_of,
        )
    elif action == ReviewAction.REOPEN:
        _vote(closing.reopen_vote_cast, voter=reviewer, question=task.post)
    task.refresh_from_db()
    if not task.is_pending or action in (ReviewAction.CLOSE, ReviewAction.REOPEN):
        return task
    tally = Counter(
        ReviewDecision.objects.filter(task=task)
        .exclude(action=ReviewAction.SKIP)
        .values_list("action", flat=True)
    )
    if is_trusted_everywhere(reviewer) or tally[action] >= int(
        settings.MODERATION["REVIEWS_NEEDED"]
    ):
        _settle(task, ReviewAction(action), reviewer)
    return task


def _vote(cast: Any, **kwargs: Any) -> None:
    try:
        cast(**kwargs)
    except ApplicationError as error:
        # A reviewer who voted on the question page already has their vote counted.
        if error.code != "already_voted":
            raise


def _settle(task: ReviewTask, action: ReviewAction, last_reviewer: Any) -> None:
    post = Post.objects.select_for_update().get(pk=task.post_id)
    names = ", ".join(
        decision.reviewer.public_name
        for decision in task.decisions.filter(action=action).select_related("reviewer")
    )
    why = _("%(queue)s review: “%(action)s” by %(names)s.") % {
        "queue": ReviewQueue(task.queue).label,
        "action": action.label,
        "names": names,
    }
    if action == ReviewAction.DELETE:
        # Completes this and every other pending task on the post.
        qa_services.post_remove(post=post, by=None, reason=why)
    else:
        if action == ReviewAction.LEAVE_OPEN:
            closing.retire_votes(question=post, kind=VoteKind.CLOSE)
        elif action == ReviewAction.LEAVE_CLOSED:
            closing.retire_votes(question=post, kind=VoteKind.REOPEN)
        cleared = _FLAGS_CLEARED_BY.get(task.queue)
        if cleared and action in (ReviewAction.LOOKS_OK, ReviewAction.LEAVE_OPEN):
            hooks.flags_settle(
                flags=Flag.objects.filter(post=post, reason__in=cleared),
                helpful=False,
                by=None,
                note=why,
            )
        ReviewTask.objects.filter(pk=task.pk).update(
            status=ReviewStatus.COMPLETED, outcome=action, completed_at=timezone.now()
        )
    log_action(actor=None, action=ActionType.REVIEW_COMPLETED, reason=why, post=post)
    task.refresh_from_db()
