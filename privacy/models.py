"""Consent log, data exports and erasure requests."""

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentKind(models.TextChoices):
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy policy")
    EMAIL_NOTIFICATIONS = "email_notifications", _("E-mail notifications")


class Consent(models.Model):
    """One consent given or withdrawn: an append-only log (GDPR art. 7(1))."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=ConsentKind.choices)
    # The policy version for terms and privacy; empty for e-mail notifications.
    version = models.CharField(max_length=32, blank=True)
    granted = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "kind", "-created_at"], name="consent_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.version} {self.granted}"


def _private_storage() -> Storage:
    # Never served by a web server: the export view checks who asks.
    return storages["private"]


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DataExport(models.Model):
    """A member's request for their data; the archive is built now or by the scheduler."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=10, choices=ExportStatus.choices)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    archive = models.FileField(storage=_private_storage, upload_to="exports/", blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="one_pending_export_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.user_id} ({self.status})"


class ErasureRequest(models.Model):
    """Erasure of an account, carried out at ``scheduled_for`` unless cancelled.

    The row stays after the erasure (pointing at the anonymous account) as the
    record that the request was honoured; it holds nothing personal.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure_requests"
    )
    # Staff who erased the account on the member's request; empty when the member asked.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    scheduled_for = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(cancelled_at__isnull=True, completed_at__isnull=True),
                name="one_open_erasure_per_user",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | Q(completed_at__isnull=True),
                name="erasure_cancelled_or_completed_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"erasure of {self.user_id} at {self.scheduled_for:%Y-%m-%d}"
