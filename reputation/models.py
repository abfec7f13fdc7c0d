"""The reputation ledger, badges and their awards.

The ledger is append-only: a change of reputation is a row, and undoing it is
another row that points at the one it reverses. ``User.reputation`` caches
``1 + sum(amount)`` and moves in the same transaction as the row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Reason(models.TextChoices):
    QUESTION_UPVOTED = "question_upvoted", _("Question voted up")
    ANSWER_UPVOTED = "answer_upvoted", _("Answer voted up")
    POST_DOWNVOTED = "post_downvoted", _("Post voted down")
    DOWNVOTE_CAST = "downvote_cast", _("Voted an answer down")
    ANSWER_ACCEPTED = "answer_accepted", _("Answer accepted")
    ACCEPTED_AN_ANSWER = "accepted_an_answer", _("Accepted an answer")
    EDIT_APPROVED = "edit_approved", _("Suggested edit approved")
    BOUNTY_OFFERED = "bounty_offered", _("Bounty offered")
    BOUNTY_AWARDED = "bounty_awarded", _("Bounty awarded")
    SPAM_PENALTY = "spam_penalty", _("Post deleted as spam or abusive")
    IMPORTED = "imported", _("Imported reputation")
    # Reversals: the row points at the credit it undoes.
    UNDONE = "undone", _("Undone (vote retracted or changed, answer unaccepted)")
    POST_DELETED = "post_deleted", _("Post deleted")
    SERIAL_VOTING = "serial_voting", _("Serial voting reversed")
    # Reverses a "post deleted" reversal: the credit counts again.
    POST_UNDELETED = "post_undeleted", _("Post undeleted")


REVERSAL_REASONS = {
    Reason.UNDONE,
    Reason.POST_DELETED,
    Reason.SERIAL_VOTING,
    Reason.POST_UNDELETED,
}


class ReputationEvent(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reputation_events"
    )
    # What the user actually gained or lost, after the daily cap and the
    # floor of 1; reversing a row gives back exactly this.
    amount = models.IntegerField()
    reason = models.CharField(max_length=24, choices=Reason.choices)
    # Identifies the occurrence that caused the credit ("vote:42",
    # "accept:7:1700000000.123456"); one credit per (user, key, reason).
    key = models.CharField(max_length=100)
    post = models.ForeignKey(
        "qa.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key", "reason"],
                condition=Q(reverses__isnull=True),
                name="one_ledger_row_per_event",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True)
                | Q(reason__in=["undone", "post_deleted", "serial_voting", "post_undeleted"]),
                name="reversal_rows_have_a_reversal_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="rep_user_time_idx"),
            models.Index(fields=["key"], name="rep_key_idx"),
            models.Index(fields=["post"], name="rep_post_idx"),
            models.Index(fields=["created_at", "user"], name="rep_time_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.amount:+d} {self.reason}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class BadgeTier(models.TextChoices):
    BRONZE = "bronze", _("Bronze")
    SILVER = "silver", _("Silver")
    GOLD = "gold", _("Gold")


class Badge(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=60)
    tier = models.CharField(max_length=6, choices=BadgeTier.choices)
    description = models.CharField(max_length=200)
    # Earned once per post (Nice Answer) or per tag (tag badges) rather than once.
    is_per_post = models.BooleanField(default=False)
    tag = models.ForeignKey(
        "qa.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="badges"
    )
    award_count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(award_count__gte=0), name="badge_award_count_gte_0"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        """The name in the active language (rows store the English)."""
        from .badges import DEFINITIONS

        definition = DEFINITIONS.get(self.slug)
        return definition.local_name() if definition else self.name

    @property
    def local_description(self) -> str:
        from .badges import _TAG_TIERS_BY_TIER, DEFINITIONS

        definition = DEFINITIONS.get(self.slug)
        if definition is not None:
            return definition.local_description()
        tier = _TAG_TIERS_BY_TIER.get(self.tier)
        if self.tag_id is not None and tier is not None:
            # A tag badge is named after its tag.
            return tier.description(self.name, translated=True)
        return self.description


class BadgeAward(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards"
    )
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    post = models.ForeignKey(
        "qa.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # "" for once-only badges, the post id for per-post badges: a unique key
    # makes awarding idempotent even when two requests race.
    key = models.CharField(max_length=40, blank=True)
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "badge", "key"], name="one_award_per_badge_key"
            ),
        ]
        indexes = [models.Index(fields=["badge", "-awarded_at"], name="award_badge_time_idx")]

    def __str__(self) -> str:
        return f"{self.badge} for {self.user_id}"


_OPEN_BOUNTY = Q(awarded_at__isnull=True, expired_at__isnull=True)


class Bounty(models.Model):
    """Reputation a member puts on a question, paid at once and given to one answer.

    Open until it is awarded or it expires (``reputation.bounties``); an
    expired bounty is not refunded. The ledger rows of both steps carry the
    key ``bounty:<id>``.
    """

    question = models.ForeignKey("qa.Post", on_delete=models.PROTECT, related_name="bounties")
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bounties_offered"
    )
    amount = models.IntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    awarded_answer = models.ForeignKey(
        "qa.Post",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bounties_received",
    )
    awarded_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "bounties"
        constraints = [
            models.UniqueConstraint(
                fields=["question"], condition=_OPEN_BOUNTY, name="one_open_bounty_per_question"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bounty_amount_gt_0"),
            # Closed once: awarded or expired, never both.
            models.CheckConstraint(
                condition=Q(awarded_at__isnull=True) | Q(expired_at__isnull=True),
                name="bounty_awarded_or_expired",
            ),
            models.CheckConstraint(
                condition=Q(awarded_at__isnull=True, awarded_answer__isnull=True)
                | Q(awarded_at__isnull=False, awarded_answer__isnull=False),
                name="bounty_award_names_its_answer",
            ),
        ]
        indexes = [
            # The expiry job's scan: open bounties by end.
            models.Index(fields=["ends_at"], condition=_OPEN_BOUNTY, name="bounty_open_ends_idx"),
        ]

    def __str__(self) -> str:
        return f"Bounty {self.pk}: {self.amount} on {self.question_id}"

    @property
    def key(self) -> str:
        """The ledger key of the offer and the award."""
        return f"bounty:{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.awarded_at is None and self.expired_at is None

    @property
    def days_left(self) -> int:
        """Whole days until the end, rounded up (0 once it has ended)."""
        seconds = (self.ends_at - timezone.now()).total_seconds()
        return max(0, -int(-seconds // 86400))
