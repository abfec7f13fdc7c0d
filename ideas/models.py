"""The ideas space: customers propose product ideas and vote for them; staff
answer with a status and a public note."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entraide.links import link


class IdeaStatus(models.TextChoices):
    OPEN = "open", _("Open for votes")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SHIPPED = "shipped", _("Shipped")
    DECLINED = "declined", _("Declined")


# Ideas still being decided take votes; shipped and declined ones are settled.
VOTABLE = (IdeaStatus.OPEN, IdeaStatus.UNDER_REVIEW, IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS)


class Idea(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas"
    )
    title = models.CharField(max_length=150)
    slug = models.SlugField(max_length=80)
    body_source = models.TextField()
    body_html = models.TextField()
    category = models.ForeignKey(
        "qa.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="ideas"
    )
    status = models.CharField(max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.OPEN)
    # The latest status change's public note, shown with the idea.
    status_note = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Moved with F() by ideas.services.idea_vote only.
    vote_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(vote_count__gte=0), name="idea_vote_count_gte_0"),
        ]
        indexes = [
            models.Index(fields=["-vote_count", "-created_at", "-id"], name="idea_top_idx"),
            models.Index(
                fields=["status", "-vote_count", "-created_at", "-id"], name="idea_status_top_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return link("ideas:detail", pk=self.pk, slug=self.slug)

    @property
    def is_votable(self) -> bool:
        return self.status in VOTABLE


class IdeaVote(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="one_idea_vote_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} supports {self.idea_id}"


class IdeaFollower(models.Model):
    """Told when the idea's status changes: its author, its voters, and anyone who follows it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="followers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="one_idea_follow_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows idea {self.idea_id}"


class IdeaStatusChange(models.Model):
    """The public history of an idea's status, with staff's note each time."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    note = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="idea_status_change_has_note"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} → {self.status}"
