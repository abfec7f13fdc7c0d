"""Reads for the moderation pages, each in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from qa.models import Post, SuggestedEdit

from .models import (
    CloseVote,
    Flag,
    FlagStatus,
    ModerationAction,
    ModeratorMessage,
    ReviewQueue,
    ReviewStatus,
    ReviewTask,
    Suspension,
    VoteKind,
)

# The question page ------------------------------------------------------------


@dataclass
class ThreadModeration:
    """Who closed, locked, protected or deleted posts of a thread, and the
    original of a duplicate: what the banners on the question page name."""

    users: dict[int, User] = field(default_factory=dict)
    original: Post | None = None

    def user(self, user_id: int | None) -> User | None:
        return self.users.get(user_id) if user_id else None


def thread_moderation(*, question: Post, answers: list[Post]) -> ThreadModeration:
    """No query for an ordinary thread; one for the people named in its
    moderation banners and one for a duplicate's original."""
    user_ids = {question.closed_by_id, question.locked_by_id, question.protected_by_id}
    for post in [question, *answers]:
        user_ids |= {post.deleted_by_id, post.locked_by_id}
    user_ids.discard(None)
    state = ThreadModeration()
    if user_ids:
        state.users = {
            user.pk: user
            for user in User.objects.filter(pk__in=user_ids).only(
                "username", "display_name", "reputation"
            )
        }
    if question.duplicate_of_id:
        state.original = (
            Post.objects.filter(pk=question.duplicate_of_id)
            .only("title", "slug", "post_type", "deleted_at")
            .first()
        )
    return state


def close_votes(*, question: Post, kind: str = VoteKind.CLOSE) -> list[CloseVote]:
    return list(
        CloseVote.objects.filter(question=question, kind=kind, is_active=True)
        .select_related("voter", "duplicate_of")
        .order_by("created_at", "pk")
    )


# Flags ------------------------------------------------------------------------


@dataclass
class Accuracy:
    helpful: int = 0
    declined: int = 0

    @property
    def resolved(self) -> int:
        return self.helpful + self.declined

    @property
    def percent(self) -> int | None:
        return round(100 * self.helpful / self.resolved) if self.resolved else None


def flagger_accuracy(user_ids: list[int]) -> dict[int, Accuracy]:
    """Each member's resolved flags: how many were helpful and declined (one query)."""
    rows = (
        Flag.objects.filter(flagger_id__in=user_ids)
        .values("flagger_id")
        .annotate(
            helpful=Count("pk", filter=Q(status=FlagStatus.HELPFUL)),
            declined=Count("pk", filter=Q(status=FlagStatus.DECLINED)),
        )
    )
    accuracy = {user_id: Accuracy() for user_id in user_ids}
    for row in rows:
        accuracy[row["flagger_id"]] = Accuracy(row["helpful"], row["declined"])
    return accuracy


@dataclass
class FlaggedItem:
    """A flagged post or comment with its pending flags, oldest first."""

    post: Post | None
    comment: Any
    flags: list[Flag]

    @property
    def oldest(self) -> datetime:
        return self.flags[0].created_at

    @property
    def key(self) -> str:
        return f"post-{self.post.pk}" if self.post else f"comment-{self.comment.pk}"


def pending_flags(*, limit: int = 300) -> list[FlaggedItem]:
    """Flagged items, the one waiting longest first (two queries: the flags
    with what they point at, and the flaggers' accuracy)."""
    flags = list(
        Flag.objects.filter(status=FlagStatus.PENDING)
        .select_related(
            "flagger", "post", "post__author", "comment", "comment__author", "duplicate_of"
        )
        .order_by("created_at", "pk")[:limit]
    )
    accuracy = flagger_accuracy(sorted({flag.flagger_id for flag in flags}))
    items: dict[tuple[int | None, int | None], FlaggedItem] = {}
    for flag in flags:
        flag.flagger.accuracy = accuracy[flag.flagger_id]  # type: ignore[attr-defined]
        key = (flag.post_id, flag.comment_id)
        if key not in items:
            items[key] = FlaggedItem(flag.post, flag.comment, [])
        items[key].flags.append(flag)
    return list(items.values())


def flags_on(*, post: Post | None = None, comment: Any = None) -> list[Flag]:
    flags = (
        Flag.objects.filter(post=post) if post is not None else Flag.objects.filter(comment=comment)
    )
    return list(flags.select_related("flagger", "resolved_by").order_by("created_at"))


def member_flags(*, user: User, limit: int = 50) -> list[Flag]:
    """What a member flagged lately and how each flag ended (their flag history)."""
    return list(
        Flag.objects.filter(flagger=user)
        .select_related("post", "comment")
        .order_by("-created_at")[:limit]
    )


# Review -----------------------------------------------------------------------


def queue_counts() -> dict[str, int]:
    """Pending tasks per queue, every queue listed (two queries: the tasks,
    and the suggested edits, which keep their own table)."""
    counts = dict.fromkeys(ReviewQueue.values, 0)
    rows = (
        ReviewTask.objects.filter(status=ReviewStatus.PENDING, post__deleted_at__isnull=True)
        .values("queue")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts[row["queue"]] = row["n"]
    counts[ReviewQueue.SUGGESTED_EDITS] = SuggestedEdit.objects.filter(
        status=SuggestedEdit.Status.PENDING, post__deleted_at__isnull=True
    ).count()
    return counts


def review_context(task: ReviewTask) -> dict[str, Any]:
    """What a reviewer needs to judge a task: the post, its question, the
    flags and votes behind it, and earlier verdicts."""
    post = Post.objects.select_related("author", "parent", "duplicate_of").get(pk=task.post_id)
    return {
        "post": post,
        "question": post if post.is_question else post.parent,
        "flags": flags_on(post=post),
        "close_votes": close_votes(question=post) if post.is_question else [],
        "reopen_votes": close_votes(question=post, kind=VoteKind.REOPEN)
        if post.is_question
        else [],
        "decisions": list(task.decisions.select_related("reviewer").order_by("created_at")),
    }


# Dashboard and log ------------------------------------------------------------


@dataclass
class Dashboard:
    queues: dict[str, int]
    pending_flag_count: int
    oldest_flags: list[Flag]
    recent_actions: list[ModerationAction]
    suspended: list[User]


def dashboard() -> Dashboard:
    pending = Flag.objects.filter(status=FlagStatus.PENDING)
    return Dashboard(
        queues=queue_counts(),
        pending_flag_count=pending.count(),
        oldest_flags=list(
            pending.select_related("flagger", "post", "comment").order_by("created_at", "pk")[:10]
        ),
        recent_actions=list(_log_rows().order_by("-created_at", "-pk")[:15]),
        suspended=list(
            User.objects.filter(suspended_until__gt=timezone.now()).order_by("suspended_until")[:20]
        ),
    )


def _log_rows() -> QuerySet[ModerationAction]:
    return ModerationAction.objects.select_related(
        "actor", "target_user", "target_post", "target_comment"
    ).defer("target_post__body_source", "target_post__body_html")


def moderation_log(
    *,
    action: str = "",
    actor: User | None = None,
    target: User | None = None,
    automatic: bool = False,
    since: date | None = None,
    until: date | None = None,
    page: Any = 1,
    per_page: int = 50,
) -> Page:
    """One page of the log, newest first; ``until`` includes its whole day (UTC)."""
    rows = _log_rows()
    if since is not None:
        rows = rows.filter(created_at__date__gte=since)
    if until is not None:
        rows = rows.filter(created_at__date__lte=until)
    if action:
        rows = rows.filter(action=action)
    if actor is not None:
        rows = rows.filter(actor=actor)
    if automatic:
        rows = rows.filter(actor__isnull=True)
    if target is not None:
        rows = rows.filter(
            Q(target_user=target) | Q(target_post__author=target) | Q(target_comment__author=target)
        )
    return Paginator(rows.order_by("-created_at", "-pk"), per_page).get_page(page)


# Members ----------------------------------------------------------------------


def member_moderation(*, user: User) -> dict[str, Any]:
    return {
        "suspensions": list(
            Suspension.objects.filter(user=user)
            .select_related("created_by", "lifted_by")
            .order_by("-starts_at")[:20]
        ),
        "moderator_messages": list(
            ModeratorMessage.objects.filter(recipient=user)
            .select_related("sender")
            .order_by("-created_at")[:20]
        ),
        "accuracy": flagger_accuracy([user.pk])[user.pk],
        "flags": member_flags(user=user, limit=20),
        "log": list(_log_rows().filter(target_user=user).order_by("-created_at", "-pk")[:20]),
    }


def inbox(*, user: Any) -> list[ModeratorMessage]:
    return list(
        ModeratorMessage.objects.filter(recipient=user)
        .select_related("sender")
        .order_by("-created_at")
    )
