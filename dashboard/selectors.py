"""The staff dashboard's figures, each one aggregate query in the database.

Responsiveness and engagement read the rollups that ``dashboard.refresh``
rebuilds on a schedule (one row per question; per member, week and
category); trends read the questions through their date index. The SQL is
written out: medians, shares and rankings are computed by the database with
window functions and conditional sums, so no Python loop walks the rows;
Python only lays out the few result rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from qa.models import Category
from qa.selectors import category_tree
from reputation.privileges import Role, role_thresholds

from .charts import Chart, weekly_chart
from .refresh import week_sql

DAY = 86_400


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, optionally limited to a category and its subcategories."""

    start: datetime
    end: datetime
    category: Category | None = None

    @property
    def days(self) -> int:
        return max(1, round((self.end - self.start).total_seconds() / DAY))

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(microseconds=1)).date()

    def previous(self) -> "Period":
        length = self.end - self.start
        return Period(self.start - length, self.start, self.category)

    def weeks(self) -> list[date]:
        """The Monday of every week the period touches."""
        first = self.start.date() - timedelta(days=self.start.weekday())
        last = (self.end - timedelta(microseconds=1)).date()
        return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    # Rows whose first cell is a search can start a FAQ draft from it.
    drafts_from_rows: bool = False


@dataclass
class Panel:
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    note: str = ""


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _category_filter(period: Period, column: str) -> tuple[str, list[Any]]:
    """``AND <column> IN (the category's subtree)``, or nothing."""
    category = period.category
    if category is None:
        return "", []
    return (
        f" AND {column} IN (SELECT id FROM qa_category WHERE tree_id = %s AND lft >= %s"
        " AND rght <= %s)",
        [category.tree_id, category.lft, category.rght],
    )


def _roots() -> dict[int, str]:
    """Top-level category names by tree id (from the cached tree: no query)."""
    return {c.tree_id: c.name for c in category_tree() if c.parent_id is None}


def _hours(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    hours = float(seconds) / 3600
    if hours < 48:
        return _("%(hours)s h") % {"hours": number_format(round(hours, 1), 1)}
    return _("%(days)s days") % {"days": number_format(round(hours / 24, 1), 1)}


def _number(n: int) -> str:
    """A count with the active language's digit grouping (1,234 or 1 234)."""
    return number_format(n, force_grouping=True)


def _share(part: int | None, whole: int | None) -> str:
    return f"{100 * (part or 0) / whole:.0f}%" if whole else "–"


# Responsiveness ------------------------------------------------------------------


def _questions_cte(period: Period) -> tuple[str, list[Any]]:
    """The rolled-up questions asked in the period (``dashboard.models.QuestionFact``)."""
    where, params = _category_filter(period, "category_id")
    sql = f"""
        d AS (
            SELECT root, week, first_answer_seconds AS first_s, accepted_seconds AS accepted_s
              FROM dashboard_questionfact
             WHERE created_at >= %s AND created_at < %s{where}
        )"""
    return sql, [period.start, period.end, *params]


_FACTS = "dashboard_questionfact"
_TIMINGS = {"first": "first_answer_seconds", "accepted": "accepted_seconds"}


def _median_sql(period: Period, column: str, root: int | None, count: int) -> tuple[str, list[Any]]:
    """One SELECT giving the median of ``column`` over the period's questions
    (of one top-level category, or all): the database walks an index in
    ``column`` order, skips to the middle and averages the one or two middle
    rows. No sort, whatever the period's length. ``count``: the non-null rows."""
    where, params = _category_filter(period, "category_id")
    name = f"questionfact_{'root_' if root is not None else ''}" + (
        "first_idx" if column == _TIMINGS["first"] else "accept_idx"
    )
    # SQLite's planner would rather sort the period's rows than walk the whole
    # index; PostgreSQL picks the walk by itself.
    hint = f" INDEXED BY {name}" if connection.vendor == "sqlite" else ""
    of_root = "root = %s AND " if root is not None else ""
    return (
        f"""SELECT {-1 if root is None else int(root)}, '{column}', AVG(s) FROM (
            SELECT {column} AS s FROM {_FACTS}{hint}
             WHERE {of_root}{column} IS NOT NULL AND created_at >= %s AND created_at < %s{where}
             ORDER BY {column} LIMIT {2 - count % 2} OFFSET {(count - 1) // 2}
        ) middle""",
        [*([root] if root is not None else []), period.start, period.end, *params],
    )


def responsiveness_by_category(period: Period) -> Table:
    """Per top-level category and overall: questions, unanswered, answered
    within 24 h, median time to the first answer and to an accepted answer.

    Two statements: the counts per top-level category (from a covering index),
    then every median at once, each an ordered index walk (``_median_sql``)."""
    where, params = _category_filter(period, "category_id")
    counts = _rows(
        f"""
        SELECT root, COUNT(*),
               SUM(CASE WHEN first_answer_seconds IS NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN first_answer_seconds <= {DAY} THEN 1 ELSE 0 END),
               COUNT(first_answer_seconds), COUNT(accepted_seconds)
          FROM {_FACTS}
         WHERE created_at >= %s AND created_at < %s{where}
         GROUP BY root
         ORDER BY COUNT(*) DESC, root""",
        [period.start, period.end, *params],
    )
    # The few per-category rows add up to the overall one.
    overall = [-1, *(sum(row[i] or 0 for row in counts) for i in range(1, 6))]
    groups = [*counts, overall]
    parts = [
        _median_sql(period, column, None if root == -1 else root, count)
        for root, _asked, _none, _day, *timed in groups
        for column, count in zip(_TIMINGS.values(), timed, strict=True)
        if count
    ]
    medians = {
        (root, column): value
        for root, column, value in (
            _rows(" UNION ALL ".join(sql for sql, _ in parts), [p for _, ps in parts for p in ps])
            if parts
            else []
        )
    }
    roots = _roots()
    rows = [
        [
            _("All categories") if root == -1 else roots.get(root, _("No category")),
            asked,
            unanswered or 0,  # SUM over no question is NULL
            _share(within_day, asked),
            _hours(medians.get((root, _TIMINGS["first"]))),
            _hours(medians.get((root, _TIMINGS["accepted"]))),
        ]
        for root, asked, unanswered, within_day, *_timings in groups
    ]
    return Table(
        "responsiveness",
        _("Responsiveness by category"),
        [
            _("Category"),
            _("Questions"),
            _("Unanswered"),
            _("Answered within 24 h"),
            _("Median time to first answer"),
            _("Median time to accepted answer"),
        ],
        rows,
        note=_("Questions asked in the period; deleted posts are left out."),
    )


def responsiveness_weekly(period: Period) -> tuple[Table, list[Chart]]:
    """Per week: questions asked and the share answered within 24 hours."""
    cte, params = _questions_cte(period)
    sql = f"""
        WITH {cte}
        SELECT week, COUNT(*),
               SUM(CASE WHEN first_s <= {DAY} THEN 1 ELSE 0 END),
               SUM(CASE WHEN first_s IS NULL THEN 1 ELSE 0 END)
          FROM d GROUP BY week ORDER BY week"""
    found = {
        _as_date(week): (asked, within, none) for week, asked, within, none in _rows(sql, params)
    }
    weeks = period.weeks()
    rows = [[week, *found.get(week, (0, 0, 0))] for week in weeks]
    table = Table(
        "questions-weekly",
        _("Questions per week"),
        [_("Week of"), _("Questions"), _("Answered within 24 h"), _("Still unanswered")],
        [[week.isoformat(), asked, within, none] for week, asked, within, none in rows],
    )
    charts = [
        weekly_chart(_("Questions asked per week"), [(week, asked) for week, asked, _, _ in rows]),
        weekly_chart(
            _("Share answered within 24 hours"),
            [(week, 100 * within / asked if asked else None) for week, asked, within, _ in rows],
            kind="line",
            percent=True,
        ),
    ]
    return table, charts


# Engagement ----------------------------------------------------------------------


def _did(first: date, last: date, period: Period, *, wrote: bool) -> tuple[str, list[Any]]:
    """SQL: whether member ``u`` did anything (``wrote``: wrote anything) in the
    weeks from ``first`` to ``last``, in the chosen category (one index probe)."""
    where, params = _category_filter(period, "m.category_id")
    condition = " AND m.contributions > 0" if wrote else ""
    return (
        "EXISTS (SELECT 1 FROM dashboard_memberweek m WHERE m.user_id = u.id"
        f" AND m.week >= %s AND m.week <= %s{where}{condition})",
        [first, last, *params],
    )


def _role_case() -> str:
    """The role ladder as SQL (staff and super-users are senior)."""
    steps = sorted(role_thresholds(), key=lambda step: -step[1])
    whens = " ".join(
        f"WHEN u.reputation >= {int(minimum)} THEN '{role.value}'" for role, minimum in steps
    )
    return (
        "CASE WHEN u.is_staff OR u.is_super_user THEN 'senior' "
        f"{whens} ELSE '{Role.OBSERVER.value}' END"
    )


def engagement(period: Period) -> Panel:
    """Active members, contributors by role, engagement rate, new members and
    the retention of contributors from the period before."""
    weeks = period.weeks()
    active_sql, active_params = _did(weeks[0], weeks[-1], period, wrote=False)
    wrote_sql, wrote_params = _did(weeks[0], weeks[-1], period, wrote=True)
    by_role = _rows(
        f"""
        SELECT role, COUNT(*), SUM(contributed) FROM (
            SELECT {_role_case()} AS role, CASE WHEN {wrote_sql} THEN 1 ELSE 0 END AS contributed
              FROM accounts_user u WHERE {active_sql}
        ) members GROUP BY role""",
        [*wrote_params, *active_params],
    )
    counts = {role: (active, int(contributors or 0)) for role, active, contributors in by_role}
    active = sum(a for a, _ in counts.values())
    contributors = sum(c for _, c in counts.values())

    before_sql, before_params = _did(
        weeks[0] - (weeks[-1] - weeks[0]) - timedelta(weeks=1),
        weeks[0] - timedelta(days=1),
        period,
        wrote=True,
    )
    ((earlier, stayed),) = _rows(
        f"SELECT COUNT(*), SUM(CASE WHEN {wrote_sql} THEN 1 ELSE 0 END)"
        f" FROM accounts_user u WHERE {before_sql}",
        [*wrote_params, *before_params],
    )
    joined = {
        _as_date(week): n
        for week, n in _rows(
            f"SELECT {week_sql('date_joined')} AS week, COUNT(*) FROM accounts_user"
            " WHERE date_joined >= %s AND date_joined < %s GROUP BY week",
            [period.start, period.end],
        )
    }
    new_members = sum(joined.values())
    roles = Table(
        "contributors-by-role",
        _("Members by role"),
        [_("Role"), _("Active members"), _("Contributors"), _("Engagement rate")],
        [
            [
                role.label,
                *counts.get(role.value, (0, 0)),
                _share(counts.get(role.value, (0, 0))[1], counts.get(role.value, (0, 0))[0]),
            ]
            for role in Role
        ]
        + [[_("All"), active, contributors, _share(contributors, active)]],
        note=_(
            "Active: voted, asked, answered or commented in the period. Contributor: "
            "asked, answered or commented. Engagement rate = contributors ÷ active members."
        ),
    )
    growth = Table(
        "new-members-weekly",
        _("New members per week"),
        [_("Week of"), _("New members")],
        [[week.isoformat(), joined.get(week, 0)] for week in weeks],
    )
    return Panel(
        _("Engagement"),
        tables=[roles, growth],
        charts=[weekly_chart(_("New members per week"), [(w, joined.get(w, 0)) for w in weeks])],
        figures=[
            (_("Active members"), _number(active)),
            (_("Contributors"), _number(contributors)),
            (_("Engagement rate"), _share(contributors, active)),
            (_("New members"), _number(new_members)),
            (
                _("Contributor retention"),
                _("%(share)s of %(members)s")
                % {"share": _share(stayed, earlier), "members": _number(earlier)}
                if earlier
                else "–",
            ),
        ],
        note=_(
            "Counted by whole weeks (Monday to Sunday) from the rollups. Retention: of the "
            "members who contributed in the same number of weeks just before, the share who "
            "contributed again in these."
        ),
    )


# Trends --------------------------------------------------------------------------

RECENT_DAYS = 28
BASELINE_DAYS = 84  # the 12 weeks before, scaled to 28 days
SPIKE_HOURS = 24
SPIKE_MIN_QUESTIONS = 5
SPIKE_FACTOR = 3


def _trend_rows(period: Period, key: str, join: str) -> list[tuple[Any, ...]]:
    end = period.end
    recent, baseline = (
        end - timedelta(days=RECENT_DAYS),
        end - timedelta(days=RECENT_DAYS + BASELINE_DAYS),
    )
    where, cat = _category_filter(period, "p.category_id")
    scale = RECENT_DAYS / BASELINE_DAYS
    recent_n = "SUM(CASE WHEN p.created_at >= %s THEN 1 ELSE 0 END)"
    before_n = "SUM(CASE WHEN p.created_at < %s THEN 1 ELSE 0 END)"
    return _rows(
        f"""
        SELECT {key}, {recent_n}, {before_n} * {scale}
          FROM qa_post p {join}
         WHERE p.post_type = 'question' AND p.deleted_at IS NULL
           AND p.created_at >= %s AND p.created_at < %s{where}
         GROUP BY {key}
        HAVING {recent_n} >= 3
         ORDER BY {recent_n} - {before_n} * {scale} DESC, {key}
         LIMIT 10""",
        [recent, recent, baseline, end, *cat, recent, recent, recent],
    )


def _trend_table(slug: str, title: str, rows: list[tuple[Any, ...]], name: Any) -> Table:
    return Table(
        slug,
        title,
        [_("Name"), _("Questions, last 4 weeks"), _("Per 4 weeks before"), _("Change")],
        [
            [
                name(key),
                recent,
                round(float(before), 1),
                f"+{100 * (recent - float(before)) / float(before):.0f}%" if before else _("new"),
            ]
            for key, recent, before in rows
        ],
        note=_("The last 4 weeks of the period against the average 4 weeks of the 12 before."),
    )


def trends(period: Period) -> Panel:
    """Rising tags and categories, and sudden spikes of questions on one tag."""
    tags = _trend_rows(
        period,
        "t.name",
        "JOIN qa_post_tags pt ON pt.post_id = p.id JOIN qa_tag t ON t.id = pt.tag_id",
    )
    roots = _roots()
    categories = _trend_rows(period, "c.tree_id", "JOIN qa_category c ON c.id = p.category_id")
    end = period.end
    day_start, base_start = end - timedelta(hours=SPIKE_HOURS), end - timedelta(days=29)
    where, cat = _category_filter(period, "p.category_id")
    last_day = "SUM(CASE WHEN p.created_at >= %s THEN 1 ELSE 0 END)"
    daily_before = "(SUM(CASE WHEN p.created_at < %s THEN 1 ELSE 0 END) / 28.0)"
    spikes = _rows(
        f"""
        SELECT t.name, {last_day}, {daily_before}
          FROM qa_post p JOIN qa_post_tags pt ON pt.post_id = p.id JOIN qa_tag t ON t.id = pt.tag_id
         WHERE p.post_type = 'question' AND p.deleted_at IS NULL
           AND p.created_at >= %s AND p.created_at < %s{where}
         GROUP BY t.name
        HAVING {last_day} >= {SPIKE_MIN_QUESTIONS}
           AND {last_day} >= {SPIKE_FACTOR} * ({daily_before} + 1)
         ORDER BY {last_day} DESC, t.name LIMIT 10""",
        [day_start, day_start, base_start, end, *cat, day_start, day_start, day_start, day_start],
    )
    return Panel(
        _("Trends"),
        tables=[
            _trend_table("rising-tags", _("Rising tags"), tags, str),
            _trend_table(
                "rising-categories",
                _("Rising categories"),
                categories,
                lambda key: roots.get(key, "?"),
            ),
            Table(
                "spikes",
                _("Spikes: sudden bursts of questions on one tag"),
                [
                    _("Tag"),
                    _("Questions, last %(hours)d h") % {"hours": SPIKE_HOURS},
                    _("Daily average, 4 weeks before"),
                ],
                [[name, n, round(float(avg), 1)] for name, n, avg in spikes],
                note=_(
                    "A tag with at least %(min)d new questions in the last %(hours)d hours "
                    "of the period and %(factor)d times its usual day (+1): often an incident."
                )
                % {"min": SPIKE_MIN_QUESTIONS, "hours": SPIKE_HOURS, "factor": SPIKE_FACTOR},
            ),
        ],
    )
