"""Search: the outbox of documents to re-index, staff-managed synonyms, the
search log and the deflection ledger.

Outbox: a row says only "document (kind, object_id) may differ from the
index"; the sync worker reads the object's current state and upserts it, or
deletes it from the index when it is no longer indexable (deleted, spam,
hidden). Rows are appended, never updated by writers, so a change made while
the worker pushes an earlier one leaves a newer row behind and is never lost.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    QUESTION = "question", _("Question")
    FAQ = "faq", _("FAQ entry")
    WIKI = "wiki", _("Wiki page")
    # Not a document: the index settings (synonyms) changed and must be pushed.
    SETTINGS = "settings", _("Index settings")


class IndexOperation(models.Model):
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    # Retry bookkeeping for the worker while the engine is unreachable.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    # Set while a worker pushes the row; another worker takes it only after
    # this passes (the first one crashed).
    leased_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_attempt_at", "id"], name="outbox_due_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class Synonym(models.Model):
    """Words customers use for the same thing ("invoice, bill, receipt").

    Mutual: a search for any of them finds the others. Staff edit them in
    the admin; each change queues a settings push through the outbox.
    """

    terms = models.CharField(
        max_length=300,
        unique=True,
        help_text="Comma-separated words or phrases, e.g. “invoice, bill”.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [term.strip().lower() for term in self.terms.split(",") if term.strip()]


class SearchSource(models.TextChoices):
    SEARCH_PAGE = "search", _("Search page")
    ASK = "ask", _("Ask page suggestions")
    CONTACT = "contact", _("Contact support")


class SearchLog(models.Model):
    """One search: what was asked, with which filters, how many results.

    No personal data: the session is a keyed hash of the session key, which
    links a search to its click and nothing else.
    """

    session = models.CharField(max_length=64, db_index=True)
    source = models.CharField(max_length=10, choices=SearchSource.choices)
    query = models.CharField(max_length=200)
    filters = models.JSONField(default=dict, blank=True)
    result_count = models.PositiveIntegerField()
    # False when the engine was unreachable and the database answered.
    is_engine = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    clicked_document = models.CharField(max_length=40, blank=True)
    clicked_position = models.PositiveSmallIntegerField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(result_count=0), name="searchlog_empty_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.query!r} ({self.result_count})"


class SupportVisit(models.Model):
    """A customer on the way to a ticket: the contact page or the ask page.

    Ends as a request sent (or a question asked), an explicit deflection
    ("this solved it") or, when they read a suggestion and left, an implicit
    one once the visit has been quiet for ``SETTLE_AFTER``.
    """

    class Flow(models.TextChoices):
        CONTACT = "contact", _("Contact support")
        ASK = "ask", _("Ask a question")
        # "Was this helpful?" in a help centre's widget or an embedded card.
        EMBED = "embed", _("Widget or card in a help centre")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Still open")
        SOLVED = "solved", _("Solved: “this solved it”")
        LEFT_AFTER_READING = "left", _("Left after reading a suggestion")
        REQUEST_SENT = "sent", _("Request sent")
        ABANDONED = "abandoned", _("Left without reading")
        NOT_HELPED = "unhelped", _("Said the answer did not help")

    flow = models.CharField(max_length=10, choices=Flow.choices)
    session = models.CharField(max_length=64, db_index=True)
    query = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    started_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["last_seen_at"], condition=Q(outcome="open"), name="visit_open_idx"
            )
        ]
        constraints = [
            # An embed visit's session names the visitor, the item and the day
            # (``services.embed_feedback_record``): one answer each.
            models.UniqueConstraint(
                fields=["session"], condition=Q(flow="embed"), name="embed_feedback_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_flow_display()} visit {self.pk} ({self.outcome})"


class ItemKind(models.TextChoices):
    """What a customer can be helped by."""

    ANSWER = "answer", _("Answer")
    QUESTION = "question", _("Question")  # a question with no answer yet to credit
    FAQ = "faq", _("FAQ entry")
    WIKI = "wiki", _("Wiki page")


class VisitItem(models.Model):
    """An item shown during a visit, and whether the customer opened it."""

    visit = models.ForeignKey(SupportVisit, on_delete=models.CASCADE, related_name="items")
    item_kind = models.CharField(max_length=10, choices=ItemKind.choices)
    item_id = models.BigIntegerField()
    position = models.PositiveSmallIntegerField()
    shown_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "item_kind", "item_id"], name="visit_item_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_kind} {self.item_id} in visit {self.visit_id}"


class Deflection(models.Model):
    """The deflection ledger: an item (and its author) saved one ticket.

    A visit that ended in a deflection credits the item that solved it
    (explicit), or each item the customer read before leaving (implicit).
    "Helped N customers" counts distinct visits, so one visit is one customer.
    """

    class Kind(models.TextChoices):
        EXPLICIT = "explicit", _("Explicit (“this solved it”)")
        IMPLICIT = "implicit", _("Implicit (read a suggestion and left)")

    visit = models.ForeignKey(SupportVisit, on_delete=models.CASCADE, related_name="deflections")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    item_kind = models.CharField(max_length=10, choices=ItemKind.choices)
    item_id = models.BigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deflections",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["visit", "item_kind", "item_id"], name="deflection_once"
            )
        ]
        indexes = [models.Index(fields=["author", "visit"], name="deflection_author_idx")]

    def __str__(self) -> str:
        return f"{self.kind} deflection by {self.item_kind} {self.item_id}"


class ContactRequest(models.Model):
    """A support request that search did not deflect."""

    visit = models.OneToOneField(SupportVisit, on_delete=models.PROTECT, related_name="request")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    email = models.EmailField()
    subject = models.CharField(max_length=150)
    message = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    # Set by the after-commit delivery; empty until the destination took it.
    delivered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.subject
