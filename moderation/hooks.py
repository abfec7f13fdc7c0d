"""What the Q&A services call inside their transactions: review queues for
new posts, and the moderation side of a deletion (the log, pending flags,
pending reviews). Imports no service module, so ``qa.services`` can use it."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from qa.models import Post

from .log import log_action
from .models import ActionType, Flag, FlagStatus, ReviewQueue, ReviewStatus, ReviewTask


def review_enqueue(*, queue: ReviewQueue, post: Post) -> ReviewTask:
    """The pending task of ``queue`` for ``post``, created when there is none.

    One pending task per queue and post is a unique constraint, so two
    requests adding the same post at once leave one task.
    """
    existing = ReviewTask.objects.filter(
        queue=queue, post=post, status=ReviewStatus.PENDING
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ReviewTask.objects.create(queue=queue, post=post)
    except IntegrityError:
        return ReviewTask.objects.get(queue=queue, post=post, status=ReviewStatus.PENDING)


def review_tasks_for_new_post(*, post: Post, question: Post | None = None) -> None:
    """A member's first question or first answer goes to "first posts"; an
    answer long after its question goes to "late answers"."""
    earlier = (
        Post.objects.filter(author_id=post.author_id, post_type=post.post_type)
        .exclude(pk=post.pk)
        .exists()
    )
    if not earlier:
        review_enqueue(queue=ReviewQueue.FIRST_POSTS, post=post)
    elif question is not None:
        late = timedelta(days=int(settings.MODERATION["LATE_ANSWER_DAYS"]))
        if post.created_at - question.created_at >= late:
            review_enqueue(queue=ReviewQueue.LATE_ANSWERS, post=post)


def review_tasks_complete(*, post: Post, queues: list[ReviewQueue], outcome: str) -> int:
    """Complete the pending tasks of ``queues`` on ``post`` (the post changed
    by other means: closed, reopened, deleted); returns how many."""
    return ReviewTask.objects.filter(
        post=post, queue__in=queues, status=ReviewStatus.PENDING
    ).update(
        status=ReviewStatus.COMPLETED,
        outcome=outcome,
        completed_at=timezone.now(),
        claimed_by=None,
        claimed_until=None,
    )


def flags_settle(*, flags: Any, helpful: bool, by: Any, note: str) -> int:
    """Resolve the pending ``flags`` (a queryset); ``by`` is None when automatic."""
    return flags.filter(status=FlagStatus.PENDING).update(
        status=FlagStatus.HELPFUL if helpful else FlagStatus.DECLINED,
        resolved_at=timezone.now(),
        resolved_by=by if by is not None and by.is_authenticated else None,
        resolution_note=note,
    )


def post_removed(*, post: Post, by: Any, reason: str) -> None:
    """A post was soft-deleted: pending flags on it were right, pending
    reviews are moot, and a moderator's deletion is logged (automatic
    removals log themselves, saying which threshold acted)."""
    flags_settle(
        flags=Flag.objects.filter(post=post),
        helpful=True,
        by=by,
        note=reason or gettext("Post deleted"),
    )
    review_tasks_complete(post=post, queues=list(ReviewQueue), outcome="deleted")
    if by is not None and by.pk != post.author_id:
        log_action(actor=by, action=ActionType.POST_DELETED, reason=reason, post=post)
