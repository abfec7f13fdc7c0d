"""The dashboard's deflection and content-gap panels, from the search log and
the deflection ledger."""

from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from dashboard import deflection
from dashboard.refresh import dashboard_refresh
from dashboard.selectors import Period
from tests.factories import UserFactory

if not deflection.is_available():
    pytest.skip(
        "the search app's log and ledger (issue 6) are not installed", allow_module_level=True
    )

# By name: the models come with the search app's log and ledger (issue 6).
SearchLog = apps.get_model("search", "SearchLog")
SupportVisit = apps.get_model("search", "SupportVisit")
ContactRequest = apps.get_model("search", "ContactRequest")

pytestmark = pytest.mark.django_db


def _period() -> Period:
    now = timezone.now()
    return Period(now - timedelta(days=14), now + timedelta(minutes=1))


def _search(query: str, results: int = 3, clicked: bool = False) -> Any:
    return SearchLog.objects.create(
        session="s",
        source="search",
        query=query,
        result_count=results,
        clicked_at=timezone.now() if clicked else None,
    )


def _visit(outcome: str, *, request: bool = False) -> Any:
    visit = SupportVisit.objects.create(flow="contact", session="s", query="q", outcome=outcome)
    if request:
        ContactRequest.objects.create(
            visit=visit, email="a@example.com", subject="Help", message="Help me"
        )
    return visit


def test_deflection_rate_and_tickets_saved() -> None:
    for _ in range(3):
        _search("reset router", clicked=True)
    _search("reset router")
    _visit("solved")
    _visit("left")
    _visit("abandoned")
    _visit("sent", request=True)
    _visit("open")  # still open: not counted yet
    figures = dict(deflection.deflection(_period()).figures)
    assert figures["Searches"] == "4" and figures["With a click"] == "75%"
    assert figures["“This solved it”"] == "1"
    assert figures["Contact requests"] == "1"
    assert figures["Deflection rate"] == "75%"  # 3 of the 4 ended visits sent nothing
    assert figures["Tickets saved"] == "2"


def test_content_gaps_rank_searches_without_result_or_click() -> None:
    for _ in range(3):
        _search("Warranty Claim", results=0)
    _search("warranty claim", results=0)
    _search("firmware", results=0)
    for _ in range(2):
        _search("bulb colour", results=5)
    _search("bulb colour", results=5, clicked=True)
    panel = deflection.content_gaps(_period())
    empty, unclicked = panel.tables
    assert [row[:2] for row in empty.rows] == [["warranty claim", 4], ["firmware", 1]]
    assert [row[:2] for row in unclicked.rows] == [["bulb colour", 2]]


def test_a_faq_draft_starts_from_a_search_in_one_click(client) -> None:
    if not deflection.faq_drafts_available():
        pytest.skip("the FAQ (issue 4) is not installed")
    faq_entries = apps.get_model("wiki", "FaqEntry").objects

    _search("warranty claim", results=0)
    dashboard_refresh()
    client.force_login(UserFactory(is_staff=True))
    page = client.get("/staff/dashboard/").content.decode()
    # The button on the search's row (not only the panel's note naming it).
    row = page.split('<th scope="row">warranty claim</th>')[1].split("</tr>")[0]
    assert 'action="/staff/dashboard/faq-draft/"' in row
    assert '<input type="hidden" name="query" value="warranty claim">' in row
    assert '<button type="submit" class="link">Start a FAQ draft</button>' in row
    response = client.post("/staff/dashboard/faq-draft/", {"query": "warranty claim", "times": 1})
    entry = faq_entries.get()
    assert entry.status == "draft" and entry.question.lower().startswith("warranty claim")
    assert response.status_code == 302


def test_search_panels_say_the_category_filter_does_not_apply() -> None:
    from qa.models import Category

    period = _period()
    assert "no category" not in deflection.deflection(period).note
    category = Category.objects.create(name="Devices", slug="devices")
    period = Period(period.start, period.end, category)
    assert "whole site" in deflection.deflection(period).note
    assert "whole site" in deflection.content_gaps(period).note
