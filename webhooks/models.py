"""Webhook endpoints registered by staff, and the deliveries to them.

A delivery row is written in the transaction of the change it reports (an
outbox), so a rolled-back change never sends anything and a committed one is
never lost; the ``webhooks_deliver`` worker sends it after commit and logs
each attempt.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    QUESTION_ASKED = "question.asked", _("Question asked")
    ANSWER_POSTED = "answer.posted", _("Answer posted")
    ANSWER_ACCEPTED = "answer.accepted", _("Answer accepted")
    QUESTION_UNANSWERED = "question.unanswered", _("Question still unanswered after N hours")
    FAQ_PUBLISHED = "faq.published", _("FAQ entry published")
    SUPPORT_REQUESTED = "support.requested", _("Contact-support request")


class Endpoint(models.Model):
    name = models.CharField(max_length=80)
    url = models.URLField(max_length=500)
    # Signs every delivery (HMAC-SHA256); the receiver holds the same secret,
    # so it is stored as is, and shown to staff.
    secret = models.CharField(max_length=80)
    events = models.JSONField(default=list)
    unanswered_after_hours = models.PositiveIntegerField(default=24)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(unanswered_after_hours__gte=1), name="webhook_unanswered_hours_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (gave up)")


class Delivery(models.Model):
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    # Sent as the payload's ``id``: receivers use it to ignore a retry they
    # already handled.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=32, choices=Event.choices)
    # What the event is about ("question:42"): one delivery per endpoint,
    # event and subject, so a sweep run twice never reports twice.
    subject = models.CharField(max_length=64)
    post = models.ForeignKey(
        "qa.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event", "subject"], name="one_delivery_per_event_subject"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="webhook_due_idx",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.subject} to {self.endpoint_id}"


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.attempted_at}: {self.status_code or self.error}"
