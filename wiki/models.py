"""Wiki pages (a tree addressed by path), FAQ entries, and "was this helpful?" votes.

Both pages and FAQ entries store their Markdown source and the HTML rendered
from it, and are versioned with django-reversion like posts (see
``versioning``): ``revision_number`` is the number of the latest revision,
which an edit form carries so a save that started from an older one is
caught as a conflict instead of overwriting someone else's work.
"""

import reversion
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.models import MPTTModel, TreeForeignKey

from entraide.links import link
from qa.models import Category, Post, VerificationStamp

# Lowercase words joined by single hyphens: "billing", "reset-a-hub". Action
# segments of wiki URLs start with "_", so a slug can never be mistaken for one.
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z"
SLUG_MAX = 60
slug_validator = RegexValidator(
    SLUG_PATTERN,
    _("Use lowercase letters, digits and single hyphens between words, e.g. “reset-a-hub”."),
)


class WikiPage(MPTTModel):
    """A page of the wiki. The tree has one root, the wiki's home page
    (path ""); every other page's path is its ancestors' slugs and its own,
    joined by "/" ("billing/invoices"), stored so a URL finds it in one query."""

    parent = TreeForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.CharField(max_length=SLUG_MAX, blank=True, validators=[slug_validator])
    path = models.CharField(max_length=500, unique=True, blank=True)
    title = models.CharField(max_length=150)
    body_source = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    toc_html = models.TextField(blank=True)
    revision_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Locked pages are edited, moved and given children by staff only.
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)

    class MPTTMeta:
        order_insertion_by = ["title"]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(path="") & Q(slug=""))
                | (Q(parent__isnull=False) & Q(slug__regex=SLUG_PATTERN) & ~Q(path="")),
                name="wikipage_root_or_slugged_child",
            ),
            models.UniqueConstraint(fields=["parent", "slug"], name="wikipage_slug_per_parent"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return wiki_url(self.path)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


def wiki_url(path: str, action: str = "") -> str:
    """``/wiki/<path>/`` and its actions (``/wiki/<path>/_edit/``)."""
    parts = [part for part in ("wiki", path, action) if part]
    return "/" + "/".join(parts) + "/"


class WikiRedirect(models.Model):
    """An old path of a moved page: visiting it redirects to the page."""

    old_path = models.CharField(max_length=500, unique=True)
    page = models.ForeignKey(WikiPage, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.old_path} -> {self.page_id}"


class FaqStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class FaqEntry(VerificationStamp):
    """A curated question and its answer, written or promoted by staff."""

    question = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    answer_source = models.TextField()
    answer_html = models.TextField()
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="faq_entries"
    )
    # Position within its category on the FAQ page (lower first).
    order = models.IntegerField(default=0)
    status = models.CharField(max_length=10, choices=FaqStatus.choices, default=FaqStatus.DRAFT)
    revision_number = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    last_editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # Promoted from an answer: the answer, its author (credited on the page)
    # and the answer's revision the entry last took in or dismissed.
    source_answer = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="faq_entries"
    )
    attributed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_revision = models.PositiveIntegerField(null=True, blank=True)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "FAQ entries"
        constraints = [
            # An answer lives on in at most one FAQ entry.
            models.UniqueConstraint(
                fields=["source_answer"],
                condition=Q(source_answer__isnull=False),
                name="faqentry_one_per_source_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status=FaqStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="faqentry_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "category", "order"], name="faq_page_idx"),
        ]

    def __str__(self) -> str:
        return self.question

    def get_absolute_url(self) -> str:
        return link("wiki:faq_entry", slug=self.slug)

    @property
    def is_published(self) -> bool:
        return self.status == FaqStatus.PUBLISHED


class HelpfulVote(models.Model):
    """One "was this helpful?" answer per visitor per FAQ entry or wiki page.

    ``voter`` is "u<id>" for a member, or for an anonymous visitor a keyed
    hash (see ``wiki.helpful``) from which nothing about them can be read.
    """

    class Kind(models.TextChoices):
        FAQ = "faq", _("FAQ entry")
        WIKI = "wiki", _("Wiki page")

    kind = models.CharField(max_length=4, choices=Kind.choices)
    object_id = models.BigIntegerField()
    voter = models.CharField(max_length=64)
    is_helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "voter"], name="one_helpful_vote_per_visitor"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["faq", "wiki"]), name="helpful_vote_kind_known"
            ),
        ]
        # The dashboard's helpfulness figures read a period's answers from
        # this index alone (covering: no table row is visited).
        indexes = [
            models.Index(
                fields=["created_at", "kind", "object_id", "is_helpful"],
                name="helpful_vote_period_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} {'yes' if self.is_helpful else 'no'}"


WIKI_VERSIONED_FIELDS = ("title", "body_source", "path", "parent", "slug")
FAQ_VERSIONED_FIELDS = ("question", "slug", "answer_source", "category", "order", "status")
reversion.register(WikiPage, fields=WIKI_VERSIONED_FIELDS)
reversion.register(FaqEntry, fields=FAQ_VERSIONED_FIELDS)
