"""Questions, answers, comments, votes, tags and categories.

Questions and answers share one ``Post`` table, as in the Stack Exchange
schema, so votes, comments, revisions, flags and search all point at one kind
of thing. Counters on a post are only ever moved with ``F()`` expressions by
the services in ``qa.services``.
"""

import reversion
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from entraide.links import link


class Category(MPTTModel):
    """A product area; categories form a tree (Billing › Invoices)."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class MPTTMeta:
        order_insertion_by = ["name"]

    class Meta:
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return link("qa:category_detail", slug=self.slug)


class Tag(models.Model):
    name = models.CharField(max_length=35, unique=True)
    excerpt = models.TextField(blank=True)
    # The tag's wiki ("about this tag"): Markdown source and rendered HTML.
    wiki_source = models.TextField(blank=True)
    wiki_html = models.TextField(blank=True)
    # Number of visible questions carrying the tag.
    usage_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(usage_count__gte=0), name="tag_usage_count_gte_0"),
        ]
        indexes = [models.Index(fields=["-usage_count", "name"], name="tag_popular_idx")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return link("qa:tag_detail", name=self.name)


class VerificationStamp(models.Model):
    """Fields of the "Verified by support" stamp staff put on answers and FAQ
    entries, optionally until a date ("verified for version 3.4, until
    2027-06-30"); an expired stamp no longer shows and waits on the staff's
    "to re-verify" list."""

    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_until = models.DateField(null=True, blank=True)
    verified_note = models.CharField(max_length=120, blank=True)

    class Meta:
        abstract = True

    @property
    def is_verified(self) -> bool:
        """Stamped, and the stamp has not expired (it lasts through its last day)."""
        if self.verified_at is None:
            return False
        return self.verified_until is None or self.verified_until >= timezone.localdate()

    @property
    def verification_expired(self) -> bool:
        return self.verified_at is not None and not self.is_verified


class PostType(models.TextChoices):
    QUESTION = "question", _("Question")
    ANSWER = "answer", _("Answer")


class CloseReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    NEEDS_DETAILS = "needs_details", _("Needs details or clarity")
    OFF_TOPIC = "off_topic", _("Off-topic for this community")
    OPINION_BASED = "opinion_based", _("Opinion-based")


class LockKind(models.TextChoices):
    # A dispute: nobody changes the post until a moderator unlocks it.
    CONTENT_DISPUTE = "content_dispute", _("Content dispute")
    # Kept for its history though it no longer fits the site's rules.
    HISTORICAL = "historical", _("Historical significance")


class PostQuerySet(models.QuerySet["Post"]):
    def questions(self) -> "PostQuerySet":
        return self.filter(post_type=PostType.QUESTION)

    def answers(self) -> "PostQuerySet":
        return self.filter(post_type=PostType.ANSWER)

    def visible(self) -> "PostQuerySet":
        return self.filter(deleted_at__isnull=True)


_QUESTION = Q(post_type=PostType.QUESTION)
_LISTED = Q(post_type=PostType.QUESTION, deleted_at__isnull=True)
_FILTER = ["post_type", "deleted_at"]


class Post(VerificationStamp):
    post_type = models.CharField(max_length=10, choices=PostType.choices)
    # An answer's question; empty for questions.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="answers"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(max_length=150, blank=True)
    slug = models.SlugField(max_length=80, blank=True, allow_unicode=False)
    body_source = models.TextField()
    body_html = models.TextField()
    # Plain-text opening of the body for lists and link previews.
    excerpt = models.CharField(max_length=200, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    # The tag names, space-separated, as in the Stack Exchange schema: lists
    # and threads show tags without a join; ``tags`` serves filtering.
    tag_names = models.CharField(max_length=200, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    accepted_answer = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="accepted_for"
    )
    # When the current answer was accepted; identifies the acceptance in the
    # reputation ledger and measures time to an accepted answer.
    accepted_at = models.DateTimeField(null=True, blank=True)
    # Community-wiki posts can be edited by many and earn their authors nothing.
    is_community_wiki = models.BooleanField(default=False)

    score = models.IntegerField(default=0)
    answer_count = models.IntegerField(default=0)
    comment_count = models.IntegerField(default=0)
    view_count = models.IntegerField(default=0)

    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Moderation state of a question (who, when and why): closed questions
    # take no new answers; a locked post takes no change at all.
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    # The canonical question when closed as a duplicate.
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lock_reason = models.CharField(max_length=200, blank=True)
    lock_kind = models.CharField(max_length=20, choices=LockKind.choices, blank=True)
    # A protected question takes answers only from members with some reputation.
    protected_at = models.DateTimeField(null=True, blank=True)
    protected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Why a post was deleted, shown to those who still see it (its author, staff).
    deletion_reason = models.CharField(max_length=200, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(_QUESTION & Q(parent__isnull=True) & ~Q(title=""))
                | (Q(post_type=PostType.ANSWER) & Q(parent__isnull=False) & Q(title="")),
                name="post_question_or_answer_shape",
            ),
            models.CheckConstraint(
                condition=_QUESTION | Q(accepted_answer__isnull=True),
                name="post_only_questions_accept",
            ),
            models.CheckConstraint(
                condition=Q(answer_count__gte=0) & Q(comment_count__gte=0) & Q(view_count__gte=0),
                name="post_counters_gte_0",
            ),
            # A closed question has a reason; only a duplicate points at its original.
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(close_reason=""))
                | (Q(closed_at__isnull=False) & ~Q(close_reason="") & _QUESTION),
                name="post_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | Q(close_reason=CloseReason.DUPLICATE),
                name="post_duplicate_only_when_closed_as_duplicate",
            ),
            # A kind only on a locked post; a lock without one (an imported
            # lock) is a content-dispute lock.
            models.CheckConstraint(
                condition=Q(locked_at__isnull=False) | Q(lock_kind=""),
                name="post_lock_kind_only_when_locked",
            ),
            models.CheckConstraint(
                condition=Q(protected_at__isnull=True) | _QUESTION,
                name="post_only_questions_are_protected",
            ),
        ]
        indexes = [
            # One index per list sort, in the list's exact order (with the id
            # tie-break), so neither database sorts. Partial, so PostgreSQL
            # skips answers and deleted posts; the filter columns repeated at
            # the end let SQLite check its bound parameters from the index
            # (it cannot match a partial index's condition to them).
            models.Index(
                fields=["-last_activity_at", "-id", *_FILTER],
                condition=_LISTED,
                name="q_active_idx",
            ),
            models.Index(
                fields=["-created_at", "-id", *_FILTER], condition=_LISTED, name="q_newest_idx"
            ),
            models.Index(
                fields=["-score", "-created_at", "-id", *_FILTER],
                condition=_LISTED,
                name="q_votes_idx",
            ),
            models.Index(
                fields=["answer_count", "-created_at", "-id", *_FILTER],
                condition=_LISTED,
                name="q_unanswered_idx",
            ),
            models.Index(
                fields=["category", "-last_activity_at", "-id", *_FILTER],
                condition=_LISTED,
                name="q_category_idx",
            ),
            models.Index(fields=["parent", "-score"], name="answer_parent_score_idx"),
            models.Index(fields=["author", "post_type", "-created_at"], name="post_author_idx"),
        ]

    def __str__(self) -> str:
        return self.title or gettext("Answer %(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        if self.is_question:
            return link("qa:question_detail", pk=self.pk, slug=self.slug)
        return link("qa:answer_link", pk=self.pk)

    @property
    def is_question(self) -> bool:
        return self.post_type == PostType.QUESTION

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_protected(self) -> bool:
        return self.protected_at is not None

    @property
    def is_historical(self) -> bool:
        return self.lock_kind == LockKind.HISTORICAL

    @property
    def tag_list(self) -> list[str]:
        return self.tag_names.split()

    @property
    def question_id(self) -> int:
        """The id of the thread this post belongs to."""
        return self.pk if self.is_question else self.parent_id  # type: ignore[return-value]

    @staticmethod
    def slug_for(title: str) -> str:
        return slugify(title)[:80].strip("-") or "question"


# What a post's history records: each revision stores these fields as they
# were after the change (see versioning.services for the convention).
POST_VERSIONED_FIELDS = ("title", "body_source", "tag_names", "category", "is_community_wiki")
reversion.register(Post, fields=POST_VERSIONED_FIELDS)


def thread_url(post: Post) -> str:
    """Where a post is read: the question page, at the answer's anchor."""
    if post.is_question:
        return post.get_absolute_url()
    return f"{post.parent.get_absolute_url()}#answer-{post.pk}"  # type: ignore[union-attr]


class Comment(MPTTModel):
    """A comment under a post; replies nest under the comment they answer."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body_source = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # Each top-level comment owns a tree whose id is its own primary
            # key (see qa.services.comment_add): two trees can never collide.
            models.UniqueConstraint(fields=["tree_id", "lft"], name="comment_tree_position_unique"),
        ]
        indexes = [models.Index(fields=["post", "tree_id", "lft"], name="comment_thread_idx")]

    def __str__(self) -> str:
        return f"Comment {self.pk} on post {self.post_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostLink(models.Model):
    """A link between two questions: "linked questions" in the sidebar, or a
    duplicate pointing at its original (Stack Exchange's PostLinks)."""

    class LinkType(models.TextChoices):
        LINKED = "linked", _("Linked")
        DUPLICATE = "duplicate", _("Duplicate")

    from_post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="links_out")
    to_post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="links_in")
    link_type = models.CharField(max_length=10, choices=LinkType.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_post", "to_post", "link_type"], name="postlink_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_post=models.F("to_post")), name="postlink_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_post_id} -> {self.to_post_id} ({self.link_type})"


class Vote(models.Model):
    class Value(models.IntegerChoices):
        UP = 1, "Up"
        DOWN = -1, "Down"

    # Empty once the voter's account is erased: the vote stays counted,
    # without a link to the person (privacy.services.account_erase).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="votes",
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="one_vote_per_user_per_post"),
            models.CheckConstraint(condition=Q(value__in=[1, -1]), name="vote_value_up_or_down"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.value:+d} on {self.post_id}"


class SuggestedEdit(models.Model):
    """An edit proposed by a member who may not edit the post directly; it
    waits for review. At most one per post waits at a time (a database
    constraint). ``base_revision`` is the post's revision number the edit
    started from: a later revision makes the suggestion stale."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class RejectReason(models.TextChoices):
        NO_IMPROVEMENT = "no_improvement", _("No improvement whatsoever")
        CONFLICTS_WITH_AUTHOR = (
            "conflicts_with_author",
            _("Clearly conflicts with the author's intent"),
        )
        REPLY = "reply", _("Should have been a comment or an answer")
        SPAM = "spam", _("Spam or vandalism")
        STALE = "stale", _("Conflicts with a later edit")
        OTHER = "other", _("Other (explained below)")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="suggested_edits")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggested_edits"
    )
    title = models.CharField(max_length=150, blank=True)
    body_source = models.TextField()
    tag_names = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=300)
    base_revision = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.CharField(max_length=30, choices=RejectReason.choices, blank=True)
    reject_note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(status="pending"),
                name="one_pending_suggested_edit_per_post",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", reviewer__isnull=True, reviewed_at__isnull=True)
                | (~Q(status="pending") & Q(reviewed_at__isnull=False)),
                name="suggested_edit_reviewed_unless_pending",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="suggested_edit_rejected_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="suggested_edit_queue_idx")]

    def __str__(self) -> str:
        return f"Suggested edit {self.pk} of post {self.post_id}"
