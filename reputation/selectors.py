"""Reads for the reputation pages, each in a fixed number of queries.

Profile (badges, top posts, the reputation chart), the reputation history,
the privilege ladder, leaderboards and the staff's community page.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from qa import selectors as qa_selectors
from qa.models import Comment, Post, PostType, Tag, Vote

from . import privileges
from .models import Badge, BadgeTier, Reason, ReputationEvent
from .privileges import LadderStep, Privilege, Role

HISTORY_PER_PAGE = 30
LEADERBOARD_SIZE = 50
TOP_POSTS = 10

# Imported reputation was earned elsewhere: it counts in a member's total
# (and the all-time board) but not as reputation gained in a period or a tag.
EARNED_REASONS = [reason for reason in Reason if reason != Reason.IMPORTED]

# How a reversal reads on the history: "reversed: serial voting".
REVERSAL_LABELS = {
    Reason.UNDONE: gettext_lazy("vote or acceptance undone"),
    Reason.POST_DELETED: gettext_lazy("post deleted"),
    Reason.SERIAL_VOTING: gettext_lazy("serial voting"),
    Reason.POST_UNDELETED: gettext_lazy("post undeleted"),
}

_TIER_ORDER = {BadgeTier.GOLD: 0, BadgeTier.SILVER: 1, BadgeTier.BRONZE: 2}


# The reputation chart -------------------------------------------------------


@dataclass(frozen=True)
class ChartTick:
    position: float
    label: str


@dataclass(frozen=True)
class ReputationChart:
    """An SVG line chart's geometry, ready for the template to draw."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: str
    x_ticks: list[ChartTick]
    y_ticks: list[ChartTick]
    description: str
    # (day, total at the end of the day), oldest first; the chart's text version.
    days: list[tuple[date, int]]


_CHART = {"width": 640, "height": 220, "left": 56, "right": 628, "top": 12, "bottom": 190}


def _nice_step(span: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) splitting ``span`` in about ``ticks``."""
    raw = max(span / ticks, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(int(m * magnitude) for m in (1, 2, 5, 10) if m * magnitude >= raw)


def reputation_chart(days: list[tuple[date, int]], *, today: date) -> ReputationChart:
    """Lay out the cumulative totals per day: x is the date, y the reputation.

    ``days`` holds (day, change that day), oldest first. The line starts the
    day before the first change at 1 (where every member starts) and runs
    flat to ``today``.
    """
    totals: list[tuple[date, int]] = []
    running = 1
    for day, change in days:
        running += change
        totals.append((day, running))
    first = totals[0][0] - timedelta(days=1) if totals else today - timedelta(days=1)
    line = [(first, 1), *totals]
    if line[-1][0] < today:
        line.append((today, line[-1][1]))
    last = line[-1][0]

    left, right, top, bottom = (_CHART[k] for k in ("left", "right", "top", "bottom"))
    span_days = max((last - first).days, 1)
    highest = max(total for _, total in line)
    step = _nice_step(highest)
    ceiling = step * math.ceil(highest / step)

    def x(day: date) -> float:
        return round(left + (right - left) * (day - first).days / span_days, 1)

    def y(total: int) -> float:
        return round(bottom - (bottom - top) * max(total, 0) / ceiling, 1)

    points = " ".join(f"{x(day)},{y(total)}" for day, total in line)
    y_ticks = [
        ChartTick(y(value), number_format(value, force_grouping=True))
        for value in range(0, ceiling + 1, step)
    ]
    label_format = "M Y" if span_days > 120 else "j M"
    intervals = min(span_days, 4)  # no two labels on the same day
    x_ticks = [
        ChartTick(x(day), date_format(day, label_format))
        for day in (
            first + timedelta(days=round(span_days * i / intervals)) for i in range(intervals + 1)
        )
    ]
    final = line[-1][1]
    description = _("Reputation went from 1 on %(first)s to %(final)s on %(last)s.") % {
        "first": date_format(first, "DATE_FORMAT"),
        "final": number_format(final, force_grouping=True),
        "last": date_format(last, "DATE_FORMAT"),
    }
    peak_day, peak = max(line, key=lambda point: point[1])
    if peak > final:
        description += " " + _("The highest was %(peak)s on %(day)s.") % {
            "peak": number_format(peak, force_grouping=True),
            "day": date_format(peak_day, "DATE_FORMAT"),
        }
    return ReputationChart(
        width=_CHART["width"],
        height=_CHART["height"],
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        points=points,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        description=description,
        days=totals,
    )


def user_reputation_by_day(*, user: Any) -> list[tuple[date, int]]:
    """The user's net reputation change per day, oldest first (one grouped query)."""
    rows = (
        ReputationEvent.objects.filter(user=user)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(change=Sum("amount"))
        .order_by("day")
        .values_list("day", "change")
    )
    return [(day, int(change)) for day, change in rows]


# The profile ----------------------------------------------------------------


@dataclass
class UserProfile:
    member: User
    role: Role
    badges: list[Badge]  # each with ``times`` (awards), gold first
    badge_counts: dict[str, int]  # tier value -> awards
    questions: list[Post]
    answers: list[Post]
    chart: ReputationChart


def user_badges(*, user: Any) -> list[Badge]:
    """The badges the user earned, each with ``times`` earned, gold first (one query)."""
    badges: list[Badge] = list(
        Badge.objects.filter(awards__user=user)
        .annotate(times=Count("awards"))
        .only("slug", "name", "tier", "description", "tag_id")
        .order_by("name")
    )
    badges.sort(key=lambda badge: _TIER_ORDER.get(BadgeTier(badge.tier), 3))
    return badges


def user_profile(*, member: User) -> UserProfile:
    """What the profile shows, in four queries after the member's row."""
    badges = user_badges(user=member)
    counts = {tier.value: 0 for tier in (BadgeTier.GOLD, BadgeTier.SILVER, BadgeTier.BRONZE)}
    for badge in badges:
        counts[badge.tier] += badge.times  # type: ignore[attr-defined]
    return UserProfile(
        member=member,
        role=privileges.role_of(member),
        badges=badges,
        badge_counts=counts,
        questions=qa_selectors.user_posts(
            user=member, post_type=PostType.QUESTION, limit=TOP_POSTS
        ),
        answers=qa_selectors.user_posts(user=member, post_type=PostType.ANSWER, limit=TOP_POSTS),
        chart=reputation_chart(user_reputation_by_day(user=member), today=timezone.localdate()),
    )


# The reputation history -----------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    event: ReputationEvent
    label: str
    post_title: str
    post_url: str
    # This row undoes an earlier credit (shown as "reversed: <why>").
    is_reversal: bool
    reversal_label: str
    # This credit was later undone by ``reversed_by``, for ``reversed_by_label``.
    reversed_by: ReputationEvent | None
    reversed_by_label: str


_HISTORY_FIELDS = (
    *("user_id", "amount", "reason", "created_at", "post_id", "reverses_id"),
    *("post__post_type", "post__title", "post__slug", "post__deleted_at", "post__author_id"),
    *("post__parent_id", "post__parent__title", "post__parent__slug"),
    *("reverses__amount", "reverses__reason", "reverses__created_at"),
    *("reversed_by__amount", "reversed_by__reason", "reversed_by__created_at"),
    "reversed_by__reverses_id",
)


def _post_title_and_url(post: Post | None, *, may_see_deleted: bool) -> tuple[str, str]:
    if post is None:
        return "", ""
    if post.deleted_at is not None and not may_see_deleted:
        return _("a deleted post"), ""
    if post.is_question:
        return post.title, post.get_absolute_url()
    question = post.parent
    title = question.title if question is not None else ""
    return _("Answer to “%(title)s”") % {"title": title}, post.get_absolute_url()


def _history_row(event: ReputationEvent, *, may_see_deleted: bool) -> HistoryRow:
    title, url = _post_title_and_url(event.post, may_see_deleted=may_see_deleted)
    is_reversal = event.is_reversal
    label = event.get_reason_display()
    reversal_label = ""
    if is_reversal:
        reversal_label = str(REVERSAL_LABELS.get(Reason(event.reason), label))
        original = event.reverses
        if event.reason == Reason.POST_UNDELETED:
            label = _("Restored: %(what)s") % {"what": reversal_label}
        else:
            label = _("Reversed: %(what)s") % {"what": reversal_label}
            if original is not None:
                label += f" ({original.get_reason_display()})"
    reversed_by = getattr(event, "reversed_by", None)
    reversed_by_label = ""
    if reversed_by is not None:
        reversed_by_label = REVERSAL_LABELS.get(
            Reason(reversed_by.reason), reversed_by.get_reason_display()
        )
    return HistoryRow(
        event=event,
        label=label,
        post_title=title,
        post_url=url,
        is_reversal=is_reversal,
        reversal_label=reversal_label,
        reversed_by=reversed_by,
        reversed_by_label=reversed_by_label,
    )


def user_reputation_events(*, user: Any) -> QuerySet[ReputationEvent]:
    """The user's ledger with what a history row shows, newest first."""
    return (
        ReputationEvent.objects.filter(user=user)
        .select_related("post", "post__parent", "reverses", "reversed_by")
        .only(*_HISTORY_FIELDS)
        .order_by("-created_at", "-pk")
    )


def reputation_history_rows(
    events: Iterable[ReputationEvent], *, user: Any, viewer: Any
) -> list[HistoryRow]:
    """Ledger rows as ``HistoryRow``; deleted posts are named only to their
    author and to staff."""
    may_see_deleted = bool(
        viewer is not None and viewer.is_authenticated and (viewer.is_staff or viewer.pk == user.pk)
    )
    return [_history_row(event, may_see_deleted=may_see_deleted) for event in events]


def user_reputation_history(
    *, user: Any, viewer: Any, page: Any = 1, per_page: int = HISTORY_PER_PAGE
) -> Page:
    """One page of the user's ledger, newest first, as ``HistoryRow`` (two queries).

    Reversals are labelled with why they happened, and credits that were later
    reversed carry the row that undid them.
    """
    result = Paginator(user_reputation_events(user=user), per_page).get_page(page)
    rows: list[Any] = reputation_history_rows(result.object_list, user=user, viewer=viewer)
    result.object_list = rows
    return result


# The privilege ladder --------------------------------------------------------


# What each step of the ladder means for the community (docs/product.md).
ROLE_DESCRIPTIONS = {
    Role.OBSERVER: gettext_lazy("Reads, asks and answers."),
    Role.NOVICE: gettext_lazy("Takes part: votes, flags and comments."),
    Role.REGULAR: gettext_lazy("Keeps the place tidy: votes down and reviews."),
    Role.LEADER: gettext_lazy("Shapes the content: edits, creates tags, closes questions."),
    Role.SENIOR: gettext_lazy("Runs the place with staff: moderation tools and trust."),
}


@dataclass(frozen=True)
class Rung:
    """A role on the ladder and the privileges that come with it."""

    role: Role
    minimum: int
    steps: list[LadderStep]
    is_reached: bool
    is_current: bool

    @property
    def description(self) -> str:
        return str(ROLE_DESCRIPTIONS[self.role])


@dataclass(frozen=True)
class PrivilegeStanding:
    preset: str
    rungs: list[Rung]
    # None for an anonymous visitor.
    reputation: int | None
    role: Role | None
    # Staff and super-users hold every privilege whatever their reputation.
    is_trusted: bool
    next_threshold: int | None
    next_privileges: list[Privilege] = field(default_factory=list)
    next_role: Role | None = None
    next_role_minimum: int | None = None
    progress_value: int = 0
    progress_max: int = 0

    @property
    def to_go(self) -> int:
        return max(self.progress_max - self.progress_value, 0)


def _active_preset() -> str:
    active = privileges.thresholds()
    return next(name for name, values in privileges.PRESETS.items() if values is active)


def privilege_standing(*, viewer: Any) -> PrivilegeStanding:
    """The ladder under the active preset and where ``viewer`` stands (no query)."""
    steps = privileges.ladder(viewer)
    is_member = bool(viewer is not None and viewer.is_authenticated)
    reputation = int(viewer.reputation) if is_member else None
    role = privileges.role_of(viewer) if is_member else None
    is_trusted = is_member and privileges.is_trusted_everywhere(viewer)
    role_minimums = privileges.role_thresholds()
    role_order = [r for r, _ in role_minimums]
    rungs = [
        Rung(
            role=r,
            minimum=minimum,
            steps=[step for step in steps if step.role == r],
            is_reached=role is not None and role_order.index(role) >= role_order.index(r),
            is_current=role == r,
        )
        for r, minimum in role_minimums
    ]
    standing = PrivilegeStanding(
        preset=_active_preset(),
        rungs=rungs,
        reputation=reputation,
        role=role,
        is_trusted=is_trusted,
        next_threshold=None,
    )
    if reputation is None or is_trusted:
        return standing
    ahead = [step for step in steps if step.needed > reputation]
    if not ahead:
        return standing
    next_threshold = ahead[0].needed
    behind = [step.needed for step in steps if step.needed <= reputation]
    previous = max(behind, default=1)
    next_roles = [(r, minimum) for r, minimum in role_minimums if minimum > reputation]
    next_role, next_role_minimum = next_roles[0] if next_roles else (None, None)
    return PrivilegeStanding(
        preset=standing.preset,
        rungs=rungs,
        reputation=reputation,
        role=role,
        is_trusted=False,
        next_threshold=next_threshold,
        next_privileges=[step.privilege for step in ahead if step.needed == next_threshold],
        next_role=next_role,
        next_role_minimum=next_role_minimum,
        progress_value=reputation - previous,
        progress_max=next_threshold - previous,
    )


# Leaderboards ---------------------------------------------------------------


class Period:
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    ALL = "all"
    CHOICES = [
        (WEEK, gettext_lazy("This week")),
        (MONTH, gettext_lazy("This month")),
        (YEAR, gettext_lazy("This year")),
        (ALL, gettext_lazy("All time")),
    ]

    @classmethod
    def parse(cls, value: str | None) -> str:
        return value if value in {choice for choice, _ in cls.CHOICES} else cls.WEEK


def period_start(period: str, *, now: datetime | None = None) -> datetime | None:
    """Midnight (site time) on the first day of the calendar period; None for all time.

    Weeks start on Monday.
    """
    today = timezone.localdate(now or timezone.now())
    if period == Period.WEEK:
        first = today - timedelta(days=today.weekday())
    elif period == Period.MONTH:
        first = today.replace(day=1)
    elif period == Period.YEAR:
        first = today.replace(month=1, day=1)
    else:
        return None
    return timezone.make_aware(datetime.combine(first, time.min))


@dataclass(frozen=True)
class Leader:
    rank: int
    user: User
    # Reputation gained in the period (all time: the member's total).
    gained: int
    role: Role


_LEADER_FIELDS = ("username", "display_name", "reputation", "is_staff", "is_super_user")


def _posts_in_tag(tag: Tag) -> QuerySet[Post, Any]:
    """Questions with the tag and the answers to them, as a subquery of ids."""
    tagged = Post.tags.through.objects.filter(tag_id=tag.pk).values("post_id")
    return Post.objects.filter(Q(pk__in=tagged) | Q(parent_id__in=tagged)).values("pk")


def leaderboard(
    *,
    period: str,
    tag: Tag | None = None,
    now: datetime | None = None,
    limit: int = LEADERBOARD_SIZE,
) -> list[Leader]:
    """The members who gained the most reputation in the period (and tag): one query.

    The sum is taken in the database over the ledger rows since the period's
    start; for a tag, over the rows about a question with that tag or an
    answer to one.
    """
    start = period_start(period, now=now)
    users = User.objects.filter(is_active=True)
    if start is None and tag is None:
        ranked = users.filter(reputation__gt=1).annotate(gained=F("reputation"))
    else:
        # One filter() call, so the sum is over these ledger rows only.
        rows = Q(reputation_events__reason__in=EARNED_REASONS)
        if start is not None:
            rows &= Q(reputation_events__created_at__gte=start)
        if tag is not None:
            rows &= Q(reputation_events__post__in=_posts_in_tag(tag))
        ranked = users.filter(rows).annotate(gained=Sum("reputation_events__amount"))
    leaders = ranked.filter(gained__gt=0).only(*_LEADER_FIELDS).order_by("-gained", "pk")[:limit]
    return [
        Leader(rank, user, user.gained, privileges.role_of(user))
        for rank, user in enumerate(leaders, start=1)
    ]


# The staff's community page --------------------------------------------------


@dataclass(frozen=True)
class QuietMember:
    user: User
    role: Role
    last_active_at: datetime | None


def _count(queryset: QuerySet[Any], group_by: str) -> Subquery:
    return Subquery(
        queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class Candidate:
    user: User
    accepted: int  # answers accepted by someone else
    edits: int  # others' posts they last edited


def super_user_candidates(
    *, now: datetime | None = None, days: int = 90, limit: int = 20
) -> list[Candidate]:
    """Members to consider naming super-users, most accepted answers and edits first.

    Counts over the last ``days``: answers of theirs accepted by someone else,
    and others' posts they were the last to edit (the post keeps only its
    last editor). Staff, current super-users and members already senior by
    reputation are left out. One query.
    """
    since = (now or timezone.now()) - timedelta(days=days)
    accepted = Post.objects.filter(
        post_type=PostType.ANSWER,
        deleted_at__isnull=True,
        accepted_for__accepted_at__gte=since,
    ).exclude(accepted_for__author_id=F("author_id"))
    edited = Post.objects.filter(
        deleted_at__isnull=True, edited_at__gte=since, last_editor__isnull=False
    ).exclude(author_id=F("last_editor_id"))
    senior = dict(privileges.role_thresholds())[Role.SENIOR]
    candidates = (
        User.objects.filter(is_active=True, is_staff=False, is_super_user=False)
        .filter(reputation__lt=senior)
        .filter(Q(pk__in=accepted.values("author_id")) | Q(pk__in=edited.values("last_editor_id")))
        .annotate(
            accepted=Coalesce(_count(accepted.filter(author_id=OuterRef("pk")), "author_id"), 0),
            edits=Coalesce(
                _count(edited.filter(last_editor_id=OuterRef("pk")), "last_editor_id"), 0
            ),
        )
        .annotate(score=F("accepted") + F("edits"))
        .only(*_LEADER_FIELDS)
        .order_by("-score", "-accepted", "-reputation", "pk")
    )
    return [Candidate(user, user.accepted, user.edits) for user in candidates[:limit]]


def _latest(queryset: QuerySet[Any], column: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{column}").values(column)[:1])


def quiet_leaders(
    *, now: datetime | None = None, days: int = 30, limit: int = 100
) -> list[QuietMember]:
    """Leaders, seniors and super-users with no post, edit, comment or vote in ``days``.

    One query; staff are left out (they are not volunteers).
    """
    since = (now or timezone.now()) - timedelta(days=days)
    leader = dict(privileges.role_thresholds())[Role.LEADER]
    posts = Post.objects.filter(author_id=OuterRef("pk"))
    edits = Post.objects.filter(last_editor_id=OuterRef("pk"))
    comments = Comment.objects.filter(author_id=OuterRef("pk"))
    votes = Vote.objects.filter(user_id=OuterRef("pk"))
    members = (
        User.objects.filter(is_active=True, is_staff=False)
        .filter(Q(reputation__gte=leader) | Q(is_super_user=True))
        .filter(
            ~Exists(posts.filter(created_at__gte=since)),
            ~Exists(edits.filter(edited_at__gte=since)),
            ~Exists(comments.filter(created_at__gte=since)),
            ~Exists(votes.filter(created_at__gte=since)),
        )
        .annotate(
            last_post=_latest(posts, "created_at"),
            last_edit=_latest(edits, "edited_at"),
            last_comment=_latest(comments, "created_at"),
            last_vote=_latest(votes, "created_at"),
        )
        .only(*_LEADER_FIELDS, "date_joined")
        .order_by("-reputation", "pk")[:limit]
    )
    return [QuietMember(user, privileges.role_of(user), _most_recent(user)) for user in members]


def _most_recent(user: Any) -> datetime | None:
    moments: Iterable[datetime | None] = (
        user.last_post,
        user.last_edit,
        user.last_comment,
        user.last_vote,
    )
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def super_users() -> list[User]:
    """The members staff named super-users, by reputation (one query)."""
    return list(
        User.objects.filter(is_super_user=True, is_active=True)
        .only(*_LEADER_FIELDS)
        .order_by("-reputation", "pk")
    )
