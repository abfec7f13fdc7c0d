"""Notification rows: one per recipient per event, written inside the event's
transaction by ``notifications.services.notify``; the inbox reads them and the
mail worker (``notifications_send``) sends them after commit."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailState(models.TextChoices):
    PENDING = "pending", _("Waiting for the mail worker")
    SENT = "sent", _("Sent (alone or in a digest)")
    SKIPPED = "skipped", _("Not mailed (the member does not want it)")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # A key of ``notifications.kinds.KINDS``.
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    # What the inbox and the e-mail show, copied at write time: the inbox reads
    # one table, and a notification still reads right after its target changes.
    title = models.CharField(max_length=200, blank=True)
    url = models.CharField(max_length=500)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    mail_state = models.CharField(
        max_length=10, choices=MailState.choices, default=MailState.PENDING
    )
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            # The header's unread count on every page a member loads.
            models.Index(
                fields=["recipient", "read_at"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # The mail worker's queue.
            models.Index(
                fields=["recipient", "mail_state"],
                condition=Q(mail_state=MailState.PENDING),
                name="notification_mail_queue_idx",
            ),
        ]
        constraints = [
            # Only site-relative links: /notifications/<id>/ redirects there.
            models.CheckConstraint(
                condition=Q(url__startswith="/") & ~Q(url__startswith="//"),
                name="notification_url_is_local",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    NEVER = "never", _("Never")


class MailPreference(models.Model):
    """How a member wants e-mail for one kind of notification. No row means
    never: e-mail is off until the member opts in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preferences"
    )
    kind = models.CharField(max_length=40)
    frequency = models.CharField(max_length=12, choices=Frequency.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="mail_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.frequency}"


class DigestSent(models.Model):
    """One digest e-mail sent: when the next one of its frequency is due."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=12, choices=Frequency.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    notification_count = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["user", "frequency", "-sent_at"], name="digest_last_idx")]

    def __str__(self) -> str:
        return f"{self.frequency} digest for {self.user_id} at {self.sent_at:%Y-%m-%d %H:%M}"


class Follow(models.Model):
    """A member follows one question, tag or category: new activity there
    notifies them (``notifications.follows``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    question = models.ForeignKey(
        "qa.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    tag = models.ForeignKey(
        "qa.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    category = models.ForeignKey(
        "qa.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(question__isnull=False, tag__isnull=True, category__isnull=True)
                    | Q(question__isnull=True, tag__isnull=False, category__isnull=True)
                    | Q(question__isnull=True, tag__isnull=True, category__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["question", "user"],
                condition=Q(question__isnull=False),
                name="follow_question_once",
            ),
            models.UniqueConstraint(
                fields=["tag", "user"], condition=Q(tag__isnull=False), name="follow_tag_once"
            ),
            models.UniqueConstraint(
                fields=["category", "user"],
                condition=Q(category__isnull=False),
                name="follow_category_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.question_id or self.tag_id or self.category_id}"
