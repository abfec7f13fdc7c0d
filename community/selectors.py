"""Who to recognise: the spotlight (staff's choice, or suggested from recent
helpful activity) and the top contributors of the week per category. Every
ranking is one aggregate query on the reputation ledger."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from qa.models import Category
from reputation.models import Reason, ReputationEvent

from .models import Spotlight

# Reputation earned by helping: upvoted questions and answers, accepted answers
# (and the reversals of those, which count against them).
HELPFUL = (Reason.QUESTION_UPVOTED, Reason.ANSWER_UPVOTED, Reason.ANSWER_ACCEPTED)
SUGGESTION_DAYS = 14
SPOTLIGHT_AGAIN_AFTER_DAYS = 90
SPOTLIGHT_CACHE_KEY = "community:spotlight"


def spotlight_cache_keys() -> list[str]:
    """One cached spotlight per interface language: the suggestion's reason is translated."""
    return [f"{SPOTLIGHT_CACHE_KEY}:{code}" for code, _name in settings.LANGUAGES]


SPOTLIGHT_CACHE_SECONDS = 300
TOP_PER_CATEGORY = 5


def _helpful(since: Any) -> QuerySet[ReputationEvent]:
    return ReputationEvent.objects.filter(
        Q(reason__in=HELPFUL) | Q(reverses__reason__in=HELPFUL), created_at__gte=since
    )


@dataclass(frozen=True)
class Suggestion:
    user: User
    earned: int
    answers: int

    @property
    def reason(self) -> str:
        return _("Earned %(n)d reputation helping others in the last %(days)d days.") % {
            "n": self.earned,
            "days": SUGGESTION_DAYS,
        }


def spotlight_suggestions(*, limit: int = 5, now: Any = None) -> list[Suggestion]:
    """Members who helped most lately (not staff, not spotlighted in the last 90 days)."""
    now = now or timezone.now()
    recent = Spotlight.objects.filter(
        starts_at__gte=now - timedelta(days=SPOTLIGHT_AGAIN_AFTER_DAYS)
    ).values("user_id")
    ranked = (
        _helpful(now - timedelta(days=SUGGESTION_DAYS))
        .filter(user__is_active=True, user__is_staff=False)
        .exclude(user_id__in=recent)
        .values("user_id")
        .annotate(
            earned=Sum("amount"),
            answers=Count("post_id", distinct=True, filter=Q(post__post_type="answer")),
        )
        .filter(earned__gt=0)
        .order_by("-earned", "user_id")[:limit]
    )
    rows = list(ranked)
    users = User.objects.in_bulk([row["user_id"] for row in rows])
    return [Suggestion(users[row["user_id"]], row["earned"], row["answers"]) for row in rows]


@dataclass(frozen=True)
class CurrentSpotlight:
    user: User
    reason: str
    is_suggested: bool


def spotlight_current() -> CurrentSpotlight | None:
    """The home page's spotlight: staff's running choice, else the top suggestion.

    Cached for five minutes (``community.services`` clears it on a change), so
    the home page pays for it once in a while, not on every view.
    """
    key = f"{SPOTLIGHT_CACHE_KEY}:{get_language()}"
    current = cache.get(key)
    if current is None:
        now = timezone.now()
        chosen = (
            Spotlight.objects.filter(starts_at__lte=now, ends_at__gt=now, user__is_active=True)
            .select_related("user")
            .order_by("-starts_at", "-id")
            .first()
        )
        if chosen is not None:
            current = CurrentSpotlight(chosen.user, chosen.reason, is_suggested=False)
        else:
            suggestions = spotlight_suggestions(limit=1, now=now)
            current = (
                CurrentSpotlight(suggestions[0].user, suggestions[0].reason, is_suggested=True)
                if suggestions
                else False  # cached "nobody", unlike None
            )
        cache.set(key, current, SPOTLIGHT_CACHE_SECONDS)
    return current or None


@dataclass(frozen=True)
class Contributor:
    user: User
    earned: int


def top_contributors_week(
    *, category: Category | None = None, now: Any = None
) -> dict[Category, list[Contributor]]:
    """The members who earned the most helpful reputation in the last 7 days
    on posts in each category (an answer counts in its question's category),
    top five per category, ranked in the database."""
    now = now or timezone.now()
    rows = (
        _helpful(now - timedelta(days=7))
        .filter(user__is_active=True)
        .annotate(category_id=Coalesce(F("post__category_id"), F("post__parent__category_id")))
        .filter(category_id__isnull=False)
    )
    if category is not None:
        rows = rows.filter(category_id=category.pk)
    top = (
        rows.values("category_id", "user_id")
        .annotate(earned=Sum("amount"))
        .filter(earned__gt=0)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("category_id"),
                order_by=[F("earned").desc(), F("user_id").asc()],
            )
        )
        .filter(rank__lte=TOP_PER_CATEGORY)
        .order_by("category_id", "rank")
    )
    ranked = list(top)
    users = User.objects.in_bulk({row["user_id"] for row in ranked})
    categories = Category.objects.in_bulk({row["category_id"] for row in ranked})
    result: dict[Category, list[Contributor]] = {}
    for row in ranked:
        result.setdefault(categories[row["category_id"]], []).append(
            Contributor(users[row["user_id"]], row["earned"])
        )
    return result
