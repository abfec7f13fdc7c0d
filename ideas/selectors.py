"""Reads for the ideas pages, each in a fixed number of queries."""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import Idea, IdeaFollower, IdeaStatus, IdeaStatusChange, IdeaVote

IDEAS_PER_PAGE = 20


class IdeaSort:
    TOP = "top"
    NEWEST = "newest"
    CHOICES = [(TOP, _("Most votes")), (NEWEST, _("Newest"))]
    ORDERING = {TOP: ("-vote_count", "-created_at", "-id"), NEWEST: ("-created_at", "-id")}

    @classmethod
    def parse(cls, value: str | None) -> str:
        return value if value in cls.ORDERING else cls.TOP


def _with_viewer(ideas: QuerySet[Idea], viewer: Any) -> QuerySet[Idea]:
    if viewer is None or not viewer.is_authenticated:
        return ideas
    return ideas.annotate(
        has_voted=Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), user_id=viewer.pk)),
        is_following=Exists(IdeaFollower.objects.filter(idea=OuterRef("pk"), user_id=viewer.pk)),
    )


def idea_list(*, viewer: Any, sort: str, status: str = "", page: Any = 1) -> Page:
    """One page of ideas, by votes or newest, optionally of one status."""
    ideas = Idea.objects.select_related("author").defer(
        "body_source", "author__password", "author__email"
    )
    if status in IdeaStatus.values:
        ideas = ideas.filter(status=status)
    ideas = _with_viewer(ideas, viewer).order_by(*IdeaSort.ORDERING[IdeaSort.parse(sort)])
    return Paginator(ideas, IDEAS_PER_PAGE).get_page(page)


def idea_status_counts() -> dict[str, int]:
    """How many ideas have each status (one aggregate query)."""
    counts = dict(Idea.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in IdeaStatus.values}


@dataclass
class IdeaPage:
    idea: Idea
    history: list[IdeaStatusChange]


def idea_page(*, idea_id: int, viewer: Any) -> IdeaPage:
    idea = (
        _with_viewer(Idea.objects.select_related("author", "category"), viewer)
        .filter(pk=idea_id)
        .first()
    )
    if idea is None:
        raise Http404("No such idea.")
    history = list(
        IdeaStatusChange.objects.filter(idea=idea)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")
    )
    return IdeaPage(idea, history)
