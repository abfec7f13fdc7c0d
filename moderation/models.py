"""Flags, review queues, close and reopen votes, suspensions, blocked terms,
moderator messages and the append-only moderation log.

The rules that keep these right are database constraints: one flag per
member per item, one live close (or reopen) vote per member per question, one
pending task per queue and post, one decision per reviewer and task. The log
refuses UPDATE (and DELETE on PostgreSQL) with a trigger: see migration 0002.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qa.models import CloseReason


class FlagReason(models.TextChoices):
    SPAM = "spam", _("Spam")
    RUDE = "rude", _("Rude or abusive")
    LOW_QUALITY = "low_quality", _("Very low quality")
    NEEDS_ATTENTION = "needs_attention", _("Needs moderator attention")
    DUPLICATE = "duplicate", _("Duplicate of another question")


# The flags that count towards hiding a post at once.
SPAM_REASONS = (FlagReason.SPAM, FlagReason.RUDE)


class FlagStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    HELPFUL = "helpful", _("Helpful")
    DECLINED = "declined", _("Declined")


class Flag(models.Model):
    flagger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags"
    )
    # Exactly one of post and comment is set.
    post = models.ForeignKey(
        "qa.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    comment = models.ForeignKey(
        "qa.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    # What the moderator should look at ("needs moderator attention").
    text = models.CharField(max_length=500, blank=True)
    duplicate_of = models.ForeignKey(
        "qa.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=FlagStatus.choices, default=FlagStatus.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Empty when resolved automatically (a threshold was reached).
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolution_note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="flag_one_target",
            ),
            models.UniqueConstraint(
                fields=["flagger", "post"],
                condition=Q(post__isnull=False),
                name="one_flag_per_member_per_post",
            ),
            models.UniqueConstraint(
                fields=["flagger", "comment"],
                condition=Q(comment__isnull=False),
                name="one_flag_per_member_per_comment",
            ),
            models.CheckConstraint(
                condition=~Q(reason=FlagReason.NEEDS_ATTENTION) | ~Q(text=""),
                name="flag_attention_has_text",
            ),
            models.CheckConstraint(
                condition=(Q(reason=FlagReason.DUPLICATE) & Q(duplicate_of__isnull=False))
                | (~Q(reason=FlagReason.DUPLICATE) & Q(duplicate_of__isnull=True)),
                name="flag_duplicate_points_at_original",
            ),
            models.CheckConstraint(
                condition=(Q(status=FlagStatus.PENDING) & Q(resolved_at__isnull=True))
                | (~Q(status=FlagStatus.PENDING) & Q(resolved_at__isnull=False)),
                name="flag_resolved_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="flag_pending_idx",
            ),
            models.Index(fields=["flagger", "status"], name="flag_flagger_idx"),
        ]

    def __str__(self) -> str:
        target = f"post {self.post_id}" if self.post_id else f"comment {self.comment_id}"
        return f"{self.reason} on {target}"


class ReviewQueue(models.TextChoices):
    """The review queues. Suggested edits keep their own model and page
    (``qa.SuggestedEdit``, reviewed by trusted editors); the queue list and
    the dashboard show them with the others."""

    FIRST_POSTS = "first_posts", _("First posts")
    LATE_ANSWERS = "late_answers", _("Late answers")
    SUGGESTED_EDITS = "suggested_edits", _("Suggested edits")
    CLOSE_VOTES = "close_votes", _("Close votes")
    REOPEN_VOTES = "reopen_votes", _("Reopen votes")
    LOW_QUALITY = "low_quality", _("Low quality posts")
    FLAGGED_POSTS = "flagged_posts", _("Flagged posts")


class ReviewAction(models.TextChoices):
    LOOKS_OK = "looks_ok", _("Looks OK")
    DELETE = "delete", _("Recommend deletion")
    CLOSE = "close", _("Close")
    LEAVE_OPEN = "leave_open", _("Leave open")
    REOPEN = "reopen", _("Reopen")
    LEAVE_CLOSED = "leave_closed", _("Leave closed")
    SKIP = "skip", _("Skip")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    COMPLETED = "completed", _("Completed")


class ReviewTask(models.Model):
    queue = models.CharField(max_length=20, choices=ReviewQueue.choices)
    post = models.ForeignKey("qa.Post", on_delete=models.CASCADE, related_name="review_tasks")
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    # The decision that completed it (a ReviewAction value, or "closed",
    # "reopened", "deleted" when the post changed by other means).
    outcome = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The reviewer the task is handed to, until ``claimed_until``: nobody
    # else is given it meanwhile.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "post"],
                condition=Q(status="pending"),
                name="one_pending_task_per_queue_and_post",
            ),
            models.CheckConstraint(
                condition=(Q(status="pending") & Q(completed_at__isnull=True))
                | (Q(status="completed") & Q(completed_at__isnull=False)),
                name="review_completed_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["queue", "created_at", "id"],
                condition=Q(status="pending"),
                name="review_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.queue} task on post {self.post_id}"

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.PENDING


class ReviewDecision(models.Model):
    task = models.ForeignKey(ReviewTask, on_delete=models.CASCADE, related_name="decisions")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_decisions"
    )
    action = models.CharField(max_length=20, choices=ReviewAction.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "reviewer"], name="one_decision_per_reviewer"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id}: {self.action} on task {self.task_id}"


class VoteKind(models.TextChoices):
    CLOSE = "close", _("Close")
    REOPEN = "reopen", _("Reopen")


class CloseVote(models.Model):
    """A vote to close or to reopen a question. Votes count while active; the
    close (or reopen) they add up to, or a review that leaves the question as
    it is, retires them."""

    question = models.ForeignKey("qa.Post", on_delete=models.CASCADE, related_name="close_votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="close_votes"
    )
    kind = models.CharField(max_length=10, choices=VoteKind.choices)
    reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "qa.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "voter", "kind"],
                condition=Q(is_active=True),
                name="one_live_close_vote_per_member",
            ),
            models.CheckConstraint(
                condition=(Q(kind="close") & ~Q(reason=""))
                | (Q(kind="reopen") & Q(reason="") & Q(duplicate_of__isnull=True)),
                name="close_vote_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | Q(reason=CloseReason.DUPLICATE),
                name="close_vote_duplicate_only_for_duplicates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} vote by {self.voter_id} on {self.question_id}"


class Suspension(models.Model):
    """A member suspended for a time: they read but cannot write. The current
    one is copied to ``User.suspended_until`` / ``suspension_reason``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    reason = models.CharField(max_length=500)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="suspension_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="suspension_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} until {self.ends_at:%Y-%m-%d %H:%M}"


class ModeratorMessage(models.Model):
    """A private message from a moderator to a member (warnings, explanations)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_messages"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(max_length=150)
    body_source = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-created_at"], name="modmsg_recipient_idx")]

    def __str__(self) -> str:
        return self.subject


class BlockedTermKind(models.TextChoices):
    WORD = "word", _("Word or phrase")
    DOMAIN = "domain", _("Link domain")


class BlockedTerm(models.Model):
    """A word, phrase or link domain refused in posts and comments (staff-managed)."""

    kind = models.CharField(max_length=10, choices=BlockedTermKind.choices)
    # Stored lower-case; a domain also blocks its subdomains.
    value = models.CharField(max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="blocked_term_unique"),
            models.CheckConstraint(
                condition=Q(value=Lower("value")) & ~Q(value=""),
                name="blocked_term_lower_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class ActionType(models.TextChoices):
    FLAG_HELPFUL = "flag_helpful", _("Flags marked helpful")
    FLAG_DECLINED = "flag_declined", _("Flags declined")
    POST_HIDDEN = "post_hidden", _("Post hidden by flags")
    COMMENT_HIDDEN = "comment_hidden", _("Comment hidden by flags")
    POST_DELETED = "post_deleted", _("Post deleted")
    POST_UNDELETED = "post_undeleted", _("Post undeleted")
    COMMENT_DELETED = "comment_deleted", _("Comment deleted")
    COMMENT_UNDELETED = "comment_undeleted", _("Comment undeleted")
    QUESTION_CLOSED = "question_closed", _("Question closed")
    QUESTION_REOPENED = "question_reopened", _("Question reopened")
    POST_LOCKED = "post_locked", _("Post locked")
    POST_UNLOCKED = "post_unlocked", _("Post unlocked")
    QUESTION_PROTECTED = "question_protected", _("Question protected")
    QUESTION_UNPROTECTED = "question_unprotected", _("Question unprotected")
    USER_SUSPENDED = "user_suspended", _("Member suspended")
    USER_UNSUSPENDED = "user_unsuspended", _("Suspension lifted")
    MESSAGE_SENT = "message_sent", _("Moderator message sent")
    REPUTATION_REVERSED = "reputation_reversed", _("Reputation reversed")
    REVIEW_COMPLETED = "review_completed", _("Review completed")
    BLOCKED_TERM_ADDED = "blocked_term_added", _("Blocked term added")
    BLOCKED_TERM_REMOVED = "blocked_term_removed", _("Blocked term removed")


class ModerationAction(models.Model):
    """One line of the moderation log: who did what to what, why and when.

    Append-only: the database refuses UPDATE (and DELETE on PostgreSQL), and
    targets are PROTECTed so removing a logged post or member fails instead
    of rewriting the log.
    """

    # Empty for automatic actions (thresholds, reviews reaching a decision).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moderation_actions",
    )
    action = models.CharField(max_length=24, choices=ActionType.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moderation_log",
    )
    target_post = models.ForeignKey(
        "qa.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_comment = models.ForeignKey(
        "qa.Comment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="modlog_time_idx"),
            models.Index(fields=["action", "-created_at"], name="modlog_action_idx"),
            models.Index(fields=["target_user", "-created_at"], name="modlog_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id or 'system'}"

    @property
    def is_automatic(self) -> bool:
        return self.actor_id is None
