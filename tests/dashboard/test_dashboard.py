"""The staff dashboard: figures computed in the database, filters, CSV."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from dashboard import selectors
from dashboard.refresh import dashboard_refresh
from dashboard.selectors import Period
from qa.models import Category, Post
from tests.factories import AnswerFactory, CommentFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _period(days: int = 28, category=None) -> Period:
    """The last ``days`` days, after rebuilding the rollups from the test's rows."""
    dashboard_refresh(full=True)
    # Rows created during the test (votes, comments) are dated a little after NOW.
    return Period(NOW - timedelta(days=days), timezone.now() + timedelta(seconds=1), category)


def _question(*, hours_to_answer=None, hours_to_accept=None, category=None, days_ago=3, tags=None):
    asked = NOW - timedelta(days=days_ago)
    question = QuestionFactory(category=category, tags=tags or ["router"])
    Post.objects.filter(pk=question.pk).update(created_at=asked)
    if hours_to_answer is not None:
        answer = AnswerFactory(parent=question)
        Post.objects.filter(pk=answer.pk).update(
            created_at=asked + timedelta(hours=hours_to_answer)
        )
        if hours_to_accept is not None:
            Post.objects.filter(pk=question.pk).update(
                accepted_answer=answer, accepted_at=asked + timedelta(hours=hours_to_accept)
            )
    return question


def _by_name(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def test_responsiveness_medians_and_shares_by_category() -> None:
    devices = Category.objects.create(name="Devices", slug="devices")
    billing = Category.objects.create(name="Billing", slug="billing")
    for hours in (1, 3, 30):  # median 3 h; two of three within 24 h
        _question(hours_to_answer=hours, hours_to_accept=hours + 1, category=devices)
    _question(category=devices)  # unanswered
    _question(hours_to_answer=2, category=billing)
    _question(hours_to_answer=4, category=billing)  # median of 2 and 4: 3 h
    _question(hours_to_answer=1, days_ago=40, category=billing)  # before the period
    rows = _by_name(selectors.responsiveness_by_category(_period()))
    assert rows["Devices"] == [4, 1, "50%", "3.0 h", "4.0 h"]
    assert rows["Billing"] == [2, 0, "100%", "3.0 h", "–"]
    assert rows["All categories"] == [6, 1, "67%", "3.0 h", "4.0 h"]


def test_deleted_answers_do_not_count_as_answers() -> None:
    question = _question(hours_to_answer=1)
    Post.objects.filter(parent=question).update(deleted_at=NOW)
    assert _by_name(selectors.responsiveness_by_category(_period()))["No category"][:2] == [1, 1]


def test_the_category_filter_takes_the_subtree() -> None:
    devices = Category.objects.create(name="Devices", slug="devices")
    bulbs = Category.objects.create(name="Bulbs", slug="bulbs", parent=devices)
    other = Category.objects.create(name="Billing", slug="billing")
    _question(hours_to_answer=1, category=bulbs)
    _question(hours_to_answer=1, category=other)
    devices.refresh_from_db()
    rows = _by_name(selectors.responsiveness_by_category(_period(category=devices)))
    assert rows["All categories"][0] == 1 and "Billing" not in rows


def test_weekly_series_cover_every_week_even_empty_ones() -> None:
    _question(hours_to_answer=1, days_ago=1)
    _question(hours_to_answer=50, days_ago=1)
    period = _period(days=21)
    table, charts = selectors.responsiveness_weekly(period)
    assert len(table.rows) == len(period.weeks()) >= 3
    last = table.rows[-1] if table.rows[-1][1] else table.rows[-2]
    assert last[1:] == [2, 1, 0]
    assert [chart.kind for chart in charts] == ["bars", "line"]
    assert "<" not in charts[0].description


def test_engagement_counts_active_members_contributors_and_roles() -> None:
    voter = UserFactory(reputation=20)  # novice: votes only
    asker = UserFactory(reputation=150)  # regular
    question = _question()
    Post.objects.filter(pk=question.pk).update(author=asker)
    from qa.models import Vote

    Vote.objects.create(user=voter, post=question, value=1)
    CommentFactory(post=question, author=UserFactory(reputation=1))  # observer, contributes
    panel = selectors.engagement(_period())
    figures = dict(panel.figures)
    assert figures["Active members"] == "3" and figures["Contributors"] == "2"
    assert figures["Engagement rate"] == "67%"
    roles = _by_name(panel.tables[0])
    assert roles["Novice"] == [1, 0, "0%"]
    assert roles["Regular"] == [1, 1, "100%"]
    assert roles["Observer"] == [1, 1, "100%"]


def test_contributor_retention_from_the_period_before() -> None:
    stays, leaves = UserFactory(), UserFactory()
    for user in (stays, leaves):
        q = _question(days_ago=40)
        Post.objects.filter(pk=q.pk).update(author=user)
    q = _question(days_ago=3)
    Post.objects.filter(pk=q.pk).update(author=stays)
    figures = dict(selectors.engagement(_period(days=28)).figures)
    assert figures["Contributor retention"] == "50% of 2"


def test_new_members_per_week() -> None:
    UserFactory(date_joined=NOW - timedelta(days=2))
    UserFactory(date_joined=NOW - timedelta(days=100))
    panel = selectors.engagement(_period())
    assert dict(panel.figures)["New members"] == "1"


def test_rising_tags_and_categories() -> None:
    devices = Category.objects.create(name="Devices", slug="devices")
    for _ in range(6):
        _question(days_ago=5, tags=["firmware"], category=devices)
    for _ in range(3):
        _question(days_ago=60, tags=["firmware"])
    for _ in range(3):
        _question(days_ago=5, tags=["billing"])
    panel = selectors.trends(_period(days=120))
    rising = _by_name(panel.tables[0])
    assert list(rising) == ["firmware", "billing"]
    assert rising["firmware"] == [6, 1.0, "+500%"]
    assert rising["billing"][2] == "new"
    assert list(_by_name(panel.tables[1])) == ["Devices"]


def test_a_spike_of_questions_on_one_tag_is_flagged() -> None:
    for _ in range(6):
        q = QuestionFactory(tags=["outage"])
        Post.objects.filter(pk=q.pk).update(created_at=NOW - timedelta(hours=2))
    for _ in range(6):
        _question(days_ago=10, tags=["steady"])
    q = QuestionFactory(tags=["steady"])
    spikes = _by_name(selectors.trends(_period(days=60)).tables[2])
    assert list(spikes) == ["outage"] and spikes["outage"][0] == 6
    assert q.pk


# Pages -------------------------------------------------------------------------


def test_the_dashboard_is_for_staff(client) -> None:
    assert client.get("/staff/dashboard/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/staff/dashboard/").status_code == 403
    assert client.get("/staff/dashboard/export/responsiveness.csv").status_code == 403


def test_the_dashboard_page_draws_charts_on_the_server(client) -> None:
    _question(hours_to_answer=2)
    dashboard_refresh()
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/staff/dashboard/")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<svg") >= 3 and "<script" not in content.split("<main")[1]
    for title in ("Responsiveness", "Engagement", "Trends", "Responsiveness by category"):
        assert title in content
    assert (
        "http://" not in content.split("<main")[1] and "https://" not in content.split("<main")[1]
    )


def test_bad_filters_are_refused_next_to_the_field(client) -> None:
    client.force_login(UserFactory(is_staff=True))
    response = client.get("/staff/dashboard/?start=2026-05-01&end=2026-04-01")
    assert response.status_code == 400
    assert "The start must be on or before the end." in response.content.decode()
    response = client.get("/staff/dashboard/?start=yesterday")
    assert response.status_code == 400 and "Enter a valid date." in response.content.decode()
    response = client.get("/staff/dashboard/?category=nope")
    assert response.status_code == 400
    assert (
        client.get("/staff/dashboard/export/responsiveness.csv?end=2999-01-01").status_code == 400
    )


def test_every_table_exports_to_csv_with_the_same_filters(client) -> None:
    devices = Category.objects.create(name="Devices", slug="devices")
    _question(hours_to_answer=2, category=devices)
    _question(hours_to_answer=2)
    dashboard_refresh()
    client.force_login(UserFactory(is_staff=True))
    page = client.get("/staff/dashboard/?category=devices").content.decode()
    from dashboard.views import PANELS

    slugs = [slug for _, slugs in PANELS for slug in slugs]
    for slug in slugs:
        assert f"/staff/dashboard/export/{slug}.csv?category=devices" in page
        response = client.get(f"/staff/dashboard/export/{slug}.csv?category=devices")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "attachment" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0]  # the header
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    "/staff/dashboard/export/responsiveness.csv?category=devices"
                ).content.decode()
            )
        )
    )
    assert rows[-1][:2] == ["All categories", "1"]
    assert client.get("/staff/dashboard/export/nope.csv").status_code == 404


def test_csv_cells_cannot_become_spreadsheet_formulas() -> None:
    from dashboard.views import _safe

    assert _safe(["=HYPERLINK(1)", "+1", "ok", 3]) == ["'=HYPERLINK(1)", "'+1", "ok", 3]


def test_a_period_covers_whole_days_in_utc() -> None:
    from dashboard.forms import PeriodForm

    form = PeriodForm({"start": "2026-01-05", "end": "2026-01-18"})
    assert form.is_valid()
    period = form.period()
    assert period.start == datetime(2026, 1, 5, tzinfo=UTC)
    assert period.end == datetime(2026, 1, 19, tzinfo=UTC)
    assert len(period.weeks()) == 2


def test_a_faq_draft_reads_as_a_question() -> None:
    from dashboard.deflection import faq_draft_fields

    assert faq_draft_fields("reset my router", 4)["question"] == "Reset my router?"
    assert faq_draft_fields("wifi", 2)["question"] == "What about “wifi”?"
    assert "searched 4 times" in faq_draft_fields("reset my router", 4)["answer"]
    assert "searched 1 time " in faq_draft_fields("reset my router", 1)["answer"]


def test_only_staff_start_faq_drafts(client) -> None:
    client.force_login(UserFactory())
    assert client.post("/staff/dashboard/faq-draft/", {"query": "x"}).status_code == 403
    assert client.get("/staff/dashboard/faq-draft/").status_code == 405


@pytest.mark.parametrize("counts", [(1, 2), (4, 5), (7, 6)])
def test_medians_match_python_for_odd_and_even_counts(counts) -> None:
    import random
    import statistics

    rng = random.Random(sum(counts))
    devices = Category.objects.create(name="Devices", slug="devices")
    billing = Category.objects.create(name="Billing", slug="billing")
    first: dict[str, list[float]] = {"Devices": [], "Billing": []}
    accepted: dict[str, list[float]] = {"Devices": [], "Billing": []}
    for category, n in zip((devices, billing), counts, strict=True):
        for _ in range(n):
            hours = rng.randint(1, 200)
            _question(hours_to_answer=hours, hours_to_accept=hours + 2, category=category)
            first[category.name].append(hours)
            accepted[category.name].append(hours + 2)
        _question(category=category)  # unanswered: no timing, still counted
    rows = _by_name(selectors.responsiveness_by_category(_period()))

    def shown(hours: list[float]) -> str:
        return selectors._hours(statistics.median(hours) * 3600)

    for name in ("Devices", "Billing"):
        assert rows[name][3:] == [shown(first[name]), shown(accepted[name])]
    everything = first["Devices"] + first["Billing"]
    assert rows["All categories"][0] == sum(counts) + 2
    assert rows["All categories"][3] == shown(everything)


def test_an_empty_period_still_has_the_overall_row() -> None:
    rows = _by_name(selectors.responsiveness_by_category(_period()))
    assert rows == {"All categories": [0, 0, "–", "–", "–"]}
