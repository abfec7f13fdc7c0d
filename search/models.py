"""The search outbox: documents that may have changed since they were indexed.

A row says only "document (kind, object_id) may differ from the index"; the
sync worker reads the object's current state and upserts it, or deletes it
from the index when it is no longer indexable (deleted, spam, hidden). Rows
are appended, never updated by writers, so a change made while the worker
pushes an earlier one leaves a newer row behind and is never lost.
"""

from django.db import models
from django.utils import timezone


class DocumentKind(models.TextChoices):
    QUESTION = "question", "Question"
    FAQ = "faq", "FAQ entry"
    WIKI = "wiki", "Wiki page"


class IndexOperation(models.Model):
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # Retry bookkeeping for the worker while the engine is unreachable.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at", "id"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
