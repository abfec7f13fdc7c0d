"""Rebuild the dashboard's rollups from the Q&A tables, in the database.

``dashboard_refresh()`` rewrites the recent part (questions asked in the last
60 days, member activity from two weeks back), which is all that usually
changes; ``full=True`` (daily, and the first time) rewrites everything, so
late answers to old questions and deletions are caught within a day. Each is
one transaction of INSERT … SELECT statements: no row passes through Python.
"""

import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from .models import MemberWeek, QuestionFact, RefreshState

RECENT_QUESTION_DAYS = 60
RECENT_ACTIVITY_DAYS = 14


def _seconds(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def week_sql(column: str) -> str:
    """The Monday of ``column``'s week, as a date (UTC)."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('week', {column} AT TIME ZONE 'UTC') AS date)"
    return f"date({column}, '-6 days', 'weekday 1')"


def _monday(moment: datetime) -> datetime:
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return day - timedelta(days=day.weekday())


def _refresh_questions(since: datetime | None) -> None:
    recent = " AND q.created_at >= %s" if since else ""
    params = [since] if since else []
    QuestionFact.objects.filter(**({"created_at__gte": since} if since else {})).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO dashboard_questionfact
                (question_id, created_at, week, category_id, root,
                 first_answer_seconds, accepted_seconds)
            SELECT q.id, q.created_at, {week_sql("q.created_at")}, q.category_id,
                   COALESCE(c.tree_id, 0),
                   CASE WHEN a.first_at IS NOT NULL
                        THEN {_seconds("a.first_at", "q.created_at")} END,
                   CASE WHEN q.accepted_at IS NOT NULL
                        THEN {_seconds("q.accepted_at", "q.created_at")} END
              FROM qa_post q
              LEFT JOIN qa_category c ON c.id = q.category_id
              LEFT JOIN (SELECT parent_id, MIN(created_at) AS first_at FROM qa_post
                          WHERE post_type = 'answer' AND deleted_at IS NULL
                          GROUP BY parent_id) a ON a.parent_id = q.id
             WHERE q.post_type = 'question' AND q.deleted_at IS NULL{recent}""",
            params,
        )


def _refresh_members(since: datetime | None) -> None:
    """One row per (week, member, category) with what they wrote and voted; an
    answer's, comment's or vote's category is its question's."""
    recent = " AND {}.created_at >= %s" if since else ""
    params = [since] * 3 if since else []
    MemberWeek.objects.filter(**({"week__gte": since.date()} if since else {})).delete()
    category = "COALESCE(p.category_id, par.category_id, 0)"
    to_question = "LEFT JOIN qa_post par ON par.id = p.parent_id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO dashboard_memberweek (week, user_id, category_id, contributions, votes)
            SELECT week, user_id, category_id, SUM(wrote), SUM(voted) FROM (
                SELECT {week_sql("p.created_at")} AS week, p.author_id AS user_id,
                       {category} AS category_id, 1 AS wrote, 0 AS voted
                  FROM qa_post p {to_question}
                 WHERE p.deleted_at IS NULL{recent.format("p")}
                UNION ALL
                SELECT {week_sql("m.created_at")}, m.author_id, {category}, 1, 0
                  FROM qa_comment m JOIN qa_post p ON p.id = m.post_id {to_question}
                 WHERE m.deleted_at IS NULL{recent.format("m")}
                UNION ALL
                SELECT {week_sql("v.created_at")}, v.user_id, {category}, 0, 1
                  FROM qa_vote v JOIN qa_post p ON p.id = v.post_id {to_question}
                 WHERE 1 = 1{recent.format("v")}
            ) events
            GROUP BY week, user_id, category_id""",
            params,
        )


@dataclass(frozen=True)
class Refreshed:
    full: bool
    seconds: float
    questions: int
    member_weeks: int

    def summary(self) -> str:
        return (
            f"{'full' if self.full else 'recent'} refresh in {self.seconds:.2f} s: "
            f"{self.questions:,} questions, {self.member_weeks:,} member-weeks"
        )


def dashboard_refresh(*, full: bool = False) -> Refreshed:
    """Rebuild the rollups (the recent part, or everything with ``full`` or on
    the first run), then refresh what the planner knows of them."""
    refreshed = _rebuild(full=full)
    _tidy()
    return refreshed


def _tidy() -> None:
    """On PostgreSQL, fresh statistics for the rewritten rollups and, outside a
    transaction, their visibility map: rows just rewritten are not all-visible
    until vacuumed (autovacuum may wait hours), so the dashboard's index-only
    scans would visit the table for each row, and stale statistics made the
    planner hash a whole period of member-weeks instead of probing per member."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
    with connection.cursor() as cursor:
        for model in (QuestionFact, MemberWeek):
            cursor.execute(f"{command} {model._meta.db_table}")


@transaction.atomic
def _rebuild(*, full: bool) -> Refreshed:
    started = time.perf_counter()
    now = timezone.now()
    full = full or not RefreshState.objects.exists()
    _refresh_questions(None if full else now - timedelta(days=RECENT_QUESTION_DAYS))
    _refresh_members(None if full else _monday(now - timedelta(days=RECENT_ACTIVITY_DAYS)))
    seconds = time.perf_counter() - started
    RefreshState.objects.all().delete()
    RefreshState.objects.create(refreshed_at=now, seconds=seconds)
    return Refreshed(full, seconds, QuestionFact.objects.count(), MemberWeek.objects.count())


def last_refresh() -> RefreshState | None:
    return RefreshState.objects.first()
