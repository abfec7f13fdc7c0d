"""Where imported rows came from: one mapping row per dump row, per site.

A Stack Exchange dump numbers its users, posts and comments from 1 on every
site, so a mapping is keyed by (site, dump id). Re-running an import finds
each row's mapping and updates the row it points at instead of creating a
second one; ``digest`` (a hash of the dump row's attributes) lets a re-run
skip rows that did not change without rendering them again.
"""

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

LICENSE_4_FROM = datetime(2018, 5, 2, tzinfo=UTC)


class ImportSite(models.Model):
    """A community imported from a dump ("ai.stackexchange.com")."""

    name = models.CharField(max_length=100, unique=True)
    # Used in the usernames of imported members (``<slug>-<dump id>``).
    slug = models.SlugField(max_length=60, unique=True)
    # Where the original lives, for attribution (CC BY-SA): ``<url>/questions/<id>``.
    url = models.URLField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name

    def question_url(self, source_id: int) -> str:
        return f"{self.url}/questions/{source_id}" if self.url else ""

    def answer_url(self, source_id: int) -> str:
        return f"{self.url}/a/{source_id}" if self.url else ""

    def user_url(self, source_id: int) -> str:
        return f"{self.url}/users/{source_id}" if self.url else ""


class ImportRun(models.Model):
    """One run of the importer: when, how far, and what it did."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    site = models.ForeignKey(ImportSite, on_delete=models.CASCADE, related_name="runs")
    source = models.CharField(max_length=500)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    # The summary printed at the end: counts per file and skip reasons.
    summary = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.site} run {self.pk} ({self.status})"


class ImportedUser(models.Model):
    """A dump user, or a name-only author (a deleted account: ``source_id`` empty)."""

    site = models.ForeignKey(ImportSite, on_delete=models.CASCADE, related_name="+")
    source_id = models.BigIntegerField(null=True, blank=True)
    # For authors the dump names without an account (OwnerDisplayName).
    source_name = models.CharField(max_length=100, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imported_from"
    )
    # Whether a Users.xml row described the member (a stub otherwise).
    is_described = models.BooleanField(default=False)
    digest = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "source_id"], name="imported_user_unique"),
            models.UniqueConstraint(
                fields=["site", "source_name"],
                condition=Q(source_id__isnull=True),
                name="imported_ghost_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.source_id or self.source_name} -> {self.user_id}"


class ImportedPost(models.Model):
    site = models.ForeignKey(ImportSite, on_delete=models.CASCADE, related_name="+")
    source_id = models.BigIntegerField()
    post = models.OneToOneField("qa.Post", on_delete=models.CASCADE, related_name="imported_from")
    # The dump's AcceptedAnswerId, resolved once the answer is imported.
    accepted_source_id = models.BigIntegerField(null=True, blank=True)
    # The part of ``post.score`` that came from the dump: a re-import moves
    # the score by the dump's change only, keeping votes cast here since.
    source_score = models.IntegerField(default=0)
    # Votes.xml's up minus down votes, summed while that file is read.
    vote_tally = models.IntegerField(default=0)
    digest = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "source_id"], name="imported_post_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.source_id} -> {self.post_id}"

    @property
    def original_url(self) -> str:
        """The post on the site it came from ("" when the site has no address)."""
        if self.post.is_question:
            return self.site.question_url(self.source_id)
        return self.site.answer_url(self.source_id)

    @property
    def license_url(self) -> str:
        """Stack Exchange content is CC BY-SA 3.0 before 2018-05-02, 4.0 after."""
        version = "3.0" if self.post.created_at < LICENSE_4_FROM else "4.0"
        return f"https://creativecommons.org/licenses/by-sa/{version}/"

    @property
    def license_name(self) -> str:
        return "CC BY-SA " + self.license_url.rstrip("/").rsplit("/", 1)[-1]


class ImportedComment(models.Model):
    site = models.ForeignKey(ImportSite, on_delete=models.CASCADE, related_name="+")
    source_id = models.BigIntegerField()
    comment = models.OneToOneField("qa.Comment", on_delete=models.CASCADE, related_name="+")
    digest = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "source_id"], name="imported_comment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.source_id} -> {self.comment_id}"


class ImportedTag(models.Model):
    """A site's tag (tags are shared by name across sites) and the dump posts
    holding its excerpt and wiki, matched when Posts.xml is read."""

    site = models.ForeignKey(ImportSite, on_delete=models.CASCADE, related_name="+")
    source_id = models.BigIntegerField()
    tag = models.ForeignKey("qa.Tag", on_delete=models.CASCADE, related_name="+")
    excerpt_post_id = models.BigIntegerField(null=True, blank=True)
    wiki_post_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "source_id"], name="imported_tag_unique"),
        ]
        indexes = [
            models.Index(fields=["site", "excerpt_post_id"], name="imported_tag_excerpt_idx"),
            models.Index(fields=["site", "wiki_post_id"], name="imported_tag_wiki_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.source_id} -> {self.tag_id}"


class ImportedRevision(models.Model):
    """An edit in PostHistory.xml (its rows share a RevisionGUID; ``source_id``
    is the lowest row id) recorded as a revision of the post's history."""

    site = models.ForeignKey(ImportSite, on_delete=models.CASCADE, related_name="+")
    source_id = models.BigIntegerField()
    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "source_id"], name="imported_revision_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.source_id} -> revision {self.revision_id}"


class ImportedBadge(models.Model):
    """A Badges.xml row turned into an award (or found already held)."""

    site = models.ForeignKey(ImportSite, on_delete=models.CASCADE, related_name="+")
    source_id = models.BigIntegerField()
    award = models.ForeignKey("reputation.BadgeAward", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "source_id"], name="imported_badge_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id}:{self.source_id} -> {self.award_id}"
