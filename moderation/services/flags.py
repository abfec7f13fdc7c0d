"""Flags on posts and comments, their thresholds and their resolution."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError
from qa import page_cache
from qa import services as qa_services
from qa.models import Comment, Post
from qa.permissions import require
from search import outbox

from .. import hooks, permissions
from ..log import log_action
from ..models import SPAM_REASONS, ActionType, Flag, FlagReason, FlagStatus, ReviewQueue

TEXT_MAX = 500

# Where a flag sends its post for review when no threshold acts at once.
_QUEUE_FOR = {
    FlagReason.SPAM: ReviewQueue.FLAGGED_POSTS,
    FlagReason.RUDE: ReviewQueue.FLAGGED_POSTS,
    FlagReason.NEEDS_ATTENTION: ReviewQueue.FLAGGED_POSTS,
    FlagReason.LOW_QUALITY: ReviewQueue.LOW_QUALITY,
    FlagReason.DUPLICATE: ReviewQueue.CLOSE_VOTES,
}


def _rule(name: str) -> int:
    return int(settings.MODERATION[name])


def _clean(reason: str, text: str, duplicate_of: Post | None, target: Post | Comment) -> str:
    if reason not in FlagReason.values:
        raise ValidationError({"reason": _("Choose what is wrong.")})
    text = (text or "").strip()
    if len(text) > TEXT_MAX:
        raise ValidationError(
            {
                "text": _("Keep it under %(max)d characters (this is %(n)d).")
                % {"max": TEXT_MAX, "n": len(text)}
            }
        )
    if reason == FlagReason.NEEDS_ATTENTION and not text:
        raise ValidationError({"text": _("Tell the moderators what needs their attention.")})
    if reason == FlagReason.DUPLICATE:
        if not isinstance(target, Post) or not target.is_question:
            raise ValidationError({"reason": _("Only questions can be duplicates.")})
        if duplicate_of is None:
            raise ValidationError({"duplicate_of": _("Link to the original question.")})
        if not duplicate_of.is_question or duplicate_of.is_deleted:
            raise ValidationError({"duplicate_of": _("The original must be a visible question.")})
        if duplicate_of.pk == target.pk:
            raise ValidationError({"duplicate_of": _("A question cannot duplicate itself.")})
    elif duplicate_of is not None:
        raise ValidationError({"duplicate_of": _("Only duplicate flags point at a question.")})
    return text


@transaction.atomic
def flag_create(
    *,
    flagger: Any,
    post: Post | None = None,
    comment: Comment | None = None,
    reason: str,
    text: str = "",
    duplicate_of: Post | None = None,
) -> Flag:
    """Flag a post or a comment (exactly one), once per member and item.

    Locks the flagged row, so the flags that reach a threshold are counted
    one at a time and the threshold acts exactly once: 6 spam or abusive
    flags from distinct members hide a post and cost its author 100
    reputation; 3 flags hide a comment. Below a threshold, the post goes to
    the review queue that fits the reason.
    """
    if (post is None) == (comment is None):
        raise ValidationError(_("Flag either a post or a comment."))
    target: Post | Comment | None
    if post is not None:
        target = Post.objects.select_for_update().filter(pk=post.pk).first()
    else:
        target = Comment.objects.select_for_update().filter(pk=comment.pk).first()  # type: ignore[union-attr]
    if target is None:
        raise ValidationError(_("This no longer exists."))
    require(permissions.can_flag(flagger, target))
    text = _clean(reason, text, duplicate_of, target)
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                flagger=flagger,
                post=target if isinstance(target, Post) else None,
                comment=target if isinstance(target, Comment) else None,
                reason=reason,
                text=text,
                duplicate_of=duplicate_of,
            )
    except IntegrityError:
        raise ApplicationError(
            _("You have already flagged this."), code="already_flagged"
        ) from None
    if isinstance(target, Post):
        _after_post_flag(target, flag)
    else:
        _after_comment_flag(target)
    return flag


def _after_post_flag(post: Post, flag: Flag) -> None:
    spam_flags = Flag.objects.filter(post=post, reason__in=SPAM_REASONS).exclude(
        status=FlagStatus.DECLINED
    )
    needed = _rule("POST_SPAM_FLAGS_TO_HIDE")
    if flag.reason in SPAM_REASONS and spam_flags.count() >= needed:
        reason = _("Hidden automatically: %(n)d members flagged it as spam or abusive.") % {
            "n": needed
        }
        # The flags were right: settle them before the removal settles the rest.
        hooks.flags_settle(flags=spam_flags, helpful=True, by=None, note=reason)
        qa_services.post_remove(post=post, by=None, reason=reason, spam_penalty=True)
        log_action(actor=None, action=ActionType.POST_HIDDEN, reason=reason, post=post)
        return
    hooks.review_enqueue(queue=_QUEUE_FOR[FlagReason(flag.reason)], post=post)


def _after_comment_flag(comment: Comment) -> None:
    flags = Flag.objects.filter(comment=comment).exclude(status=FlagStatus.DECLINED)
    needed = _rule("COMMENT_FLAGS_TO_HIDE")
    if flags.count() < needed:
        return
    reason = _("Hidden automatically: %(n)d members flagged it.") % {"n": needed}
    hooks.flags_settle(flags=flags, helpful=True, by=None, note=reason)
    comment_remove(comment=comment, by=None, reason=reason)
    log_action(actor=None, action=ActionType.COMMENT_HIDDEN, reason=reason, comment=comment)


def comment_remove(*, comment: Comment, by: Any, reason: str) -> None:
    """Hide a comment (in the caller's transaction, comment row locked)."""
    Comment.objects.filter(pk=comment.pk).update(deleted_at=timezone.now())
    Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") - 1)
    comment.deleted_at = timezone.now()
    hooks.flags_settle(flags=Flag.objects.filter(comment=comment), helpful=True, by=by, note=reason)
    if by is not None:
        log_action(actor=by, action=ActionType.COMMENT_DELETED, reason=reason, comment=comment)
    outbox.enqueue_question(
        Post.objects.values_list("parent_id", flat=True).get(pk=comment.post_id) or comment.post_id
    )


@transaction.atomic
def comment_delete(*, moderator: Any, comment: Comment, reason: str = "") -> Comment:
    """A moderator hides a comment; pending flags on it become helpful."""
    require(permissions.can_moderate(moderator))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.is_deleted:
        raise ApplicationError(_("This comment is deleted already."), code="deleted")
    comment_remove(comment=comment, by=moderator, reason=reason or _("Deleted by a moderator"))
    return comment


@transaction.atomic
def comment_undelete(*, moderator: Any, comment: Comment, reason: str = "") -> Comment:
    require(permissions.can_moderate(moderator))
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if not comment.is_deleted:
        raise ApplicationError(_("This comment is not deleted."), code="not_deleted")
    Comment.objects.filter(pk=comment.pk).update(deleted_at=None)
    Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + 1)
    comment.deleted_at = None
    page_cache.questions_changed([comment.post.question_id])
    log_action(
        actor=moderator,
        action=ActionType.COMMENT_UNDELETED,
        reason=reason or _("Undeleted by a moderator"),
        comment=comment,
    )
    return comment


@transaction.atomic
def flags_resolve(
    *,
    moderator: Any,
    post: Post | None = None,
    comment: Comment | None = None,
    helpful: bool,
    note: str = "",
    delete: bool = False,
    as_spam: bool = False,
) -> int:
    """Resolve every pending flag on a post or comment, as a moderator does:
    helpful (optionally deleting the item at once, a post also as spam,
    which costs its author 100) or declined with a reason the flaggers see.
    Returns how many flags were resolved."""
    require(permissions.can_moderate(moderator))
    if (post is None) == (comment is None):
        raise ValidationError(_("Resolve the flags of either a post or a comment."))
    note = (note or "").strip()
    if not helpful and not note:
        raise ValidationError({"note": _("Say why the flags are declined; the flaggers see it.")})
    if not helpful and delete:
        raise ValidationError(_("Declined flags do not delete anything."))
    if len(note) > TEXT_MAX:
        raise ValidationError(
            {"note": _("Keep the note under %(max)d characters.") % {"max": TEXT_MAX}}
        )
    flags = (
        Flag.objects.filter(post=post) if post is not None else Flag.objects.filter(comment=comment)
    )
    resolved = hooks.flags_settle(flags=flags, helpful=helpful, by=moderator, note=note)
    if not resolved:
        raise ApplicationError(_("There are no pending flags here."), code="no_flags")
    log_action(
        actor=moderator,
        action=ActionType.FLAG_HELPFUL if helpful else ActionType.FLAG_DECLINED,
        reason=note or _("%(n)d flag(s) marked helpful") % {"n": resolved},
        post=post,
        comment=comment,
    )
    if delete and post is not None:
        qa_services.post_delete(user=moderator, post=post, reason=note, as_spam=as_spam)
    elif delete and comment is not None:
        comment_delete(moderator=moderator, comment=comment, reason=note)
    if post is not None and not delete:
        hooks.review_tasks_complete(
            post=post,
            queues=[ReviewQueue.FLAGGED_POSTS, ReviewQueue.LOW_QUALITY],
            outcome="flags_helpful" if helpful else "flags_declined",
        )
    return resolved
