"""Rollups the dashboard reads, rebuilt by ``dashboard_refresh`` (the scheduler
runs it): one row per question, one per member, week and category. Reading a
few tens of thousands of narrow rows keeps every dashboard query fast however
long the period; the figures lag the site by at most the refresh interval."""

from django.conf import settings
from django.db import models

# (leading columns, timing, index name) for each ordered walk the medians take.
MEDIAN_INDEXES = [
    (["root"], "first_answer_seconds", "questionfact_root_first_idx"),
    (["root"], "accepted_seconds", "questionfact_root_accept_idx"),
    ([], "first_answer_seconds", "questionfact_first_idx"),
    ([], "accepted_seconds", "questionfact_accept_idx"),
]


class QuestionFact(models.Model):
    """A visible question's timings: when asked, first answered, accepted."""

    question = models.OneToOneField(
        "qa.Post", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created_at = models.DateTimeField()
    week = models.DateField()
    category = models.ForeignKey(
        "qa.Category", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The top-level category's tree id (0: no category), for the per-category table.
    root = models.IntegerField()
    # Seconds from asking to the first visible answer / the acceptance; null when none.
    first_answer_seconds = models.FloatField(null=True)
    accepted_seconds = models.FloatField(null=True)

    class Meta:
        indexes = [
            # Counts and shares for a period read this index alone (covering).
            models.Index(
                fields=[
                    "created_at",
                    "root",
                    "category",
                    "week",
                    "first_answer_seconds",
                    "accepted_seconds",
                ],
                name="questionfact_period_idx",
            ),
            # Medians: walking one of these in order of the timing and skipping
            # to the middle row costs no sort (see selectors._median_sql).
            *(
                models.Index(fields=[*root, column, "created_at", "category"], name=name)
                for root, column, name in MEDIAN_INDEXES
            ),
        ]

    def __str__(self) -> str:
        return f"Question {self.question_id}"


class MemberWeek(models.Model):
    """What one member did in one week in one category (0: posts without one)."""

    week = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    category_id = models.BigIntegerField()
    # Questions, answers and comments written; votes cast.
    contributions = models.IntegerField()
    votes = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "category_id", "user"], name="memberweek_unique"
            ),
        ]
        # Engagement asks, member by member, "anything in these weeks?": one
        # index probe each, whatever the number of rows in the period.
        indexes = [
            models.Index(
                fields=["user", "week", "category_id", "contributions"],
                name="memberweek_probe_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in week {self.week}"


class RefreshState(models.Model):
    """When the rollups were last rebuilt (one row)."""

    refreshed_at = models.DateTimeField()
    seconds = models.FloatField()

    def __str__(self) -> str:
        return f"Refreshed at {self.refreshed_at:%Y-%m-%d %H:%M}"
