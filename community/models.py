"""Member recognition: the spotlight staff put on a member."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class Spotlight(models.Model):
    """A member shown on the home page, with why; the newest running one shows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="spotlight_ends_after_start"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="spotlight_has_reason"),
        ]
        indexes = [models.Index(fields=["-starts_at"], name="spotlight_recent_idx")]

    def __str__(self) -> str:
        return f"Spotlight on {self.user_id} from {self.starts_at:%Y-%m-%d}"
