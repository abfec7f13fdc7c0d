"""Credentials of the API: members' personal access tokens and staff-managed API keys.

Both are stored hashed (SHA-256 of the whole secret: they are long random
strings, so a slow hash adds nothing) and found by their public prefix. The
secret is shown once, when it is created.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Scope(models.TextChoices):
    READ = "read", "Read"
    # Write as the member (ask, answer, comment, vote, accept, edit, flag).
    WRITE = "write", "Write"
    # "Was this helpful?" from a widget or a card (API keys only).
    FEEDBACK = "feedback", "Feedback"


class PersonalAccessToken(models.Model):
    """A member's token for scripts: acts as the member, with their privileges."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=60)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    can_write = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="pat_user_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def scopes(self) -> list[str]:
        return [Scope.READ, Scope.WRITE] if self.can_write else [Scope.READ]


class ApiKey(models.Model):
    """A key for an embedding client (a help centre, an app, a chatbot).

    Acts as no member: it reads public content and, with the feedback scope,
    posts "Was this helpful?". Browsers may use it only from its allowed
    origins, which also bound where its cards may be framed.
    """

    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    # Exact origins ("https://help.example.com"), one per item.
    allowed_origins = models.JSONField(default=list, blank=True)
    requests_per_minute = models.PositiveIntegerField(default=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Moved with F() on each authenticated request.
    request_count = models.BigIntegerField(default=0)
    refused_count = models.BigIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(request_count__gte=0) & Q(refused_count__gte=0),
                name="apikey_counts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(requests_per_minute__gte=1), name="apikey_rate_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def allows_origin(self, origin: str) -> bool:
        return origin in self.allowed_origins
