"""FAQ and wiki helpfulness: counts for staff on the pages, a table in the
dashboard's engagement panel (aggregated in the database), CSV, and the
database constraints behind "one answer per visitor"."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from dashboard.helpfulness import helpfulness
from dashboard.selectors import Period
from qa.models import Category
from tests.factories import UserFactory
from wiki import services
from wiki.models import FaqEntry, FaqStatus, HelpfulVote

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _period(days: int = 28, category=None) -> Period:
    return Period(NOW - timedelta(days=days), timezone.now() + timedelta(seconds=1), category)


def _faq(question: str, category=None) -> FaqEntry:
    staff = UserFactory(is_staff=True)
    entry = services.faq_entry_create(
        author=staff,
        question=question,
        answer="Open the app and follow the steps on the screen, then try again.",
        category=category,
    )
    FaqEntry.objects.filter(pk=entry.pk).update(status=FaqStatus.PUBLISHED, published_at=NOW)
    return entry


def _votes(kind: str, object_id: int, yes: int, no: int, *, days_ago: float = 1) -> None:
    for n in range(yes + no):
        services.helpful_vote(
            kind=kind, object_id=object_id, voter=f"v{kind}{object_id}-{n}", is_helpful=n < yes
        )
    HelpfulVote.objects.filter(kind=kind, object_id=object_id).update(
        created_at=NOW - timedelta(days=days_ago)
    )


@pytest.fixture
def content():
    devices = Category.objects.create(name="Devices", slug="devices")
    pair = _faq("How do I pair a bulb?", devices)
    invoice = _faq("Where is my invoice?")
    page = services.wiki_page_create(
        author=UserFactory(reputation=1000),
        parent=services.wiki_root(),
        slug="setup",
        title="Setting up",
        body="Plug it in.",
    )
    _votes(HelpfulVote.Kind.FAQ, pair.pk, yes=4, no=1)
    _votes(HelpfulVote.Kind.FAQ, invoice.pk, yes=1, no=2)
    _votes(HelpfulVote.Kind.WIKI, page.pk, yes=3, no=0)
    _votes(HelpfulVote.Kind.WIKI, page.pk, yes=0, no=0)
    # Before the period: left out.
    old = _faq("An old entry nobody reads?")
    _votes(HelpfulVote.Kind.FAQ, old.pk, yes=0, no=9, days_ago=120)
    return devices, pair, invoice, page


def _by_name(table) -> dict:
    return {row[0]: row[1:] for row in table.rows}


def test_most_answered_and_least_helpful_pages_with_shares(content) -> None:
    tables, figures = helpfulness(_period())
    most, least = tables
    assert [row[0] for row in most.rows] == [
        "How do I pair a bulb?",
        "Where is my invoice?",
        "Setting up",
    ]
    assert _by_name(most)["How do I pair a bulb?"] == ["FAQ entry", 5, 4, 1, "80%"]
    assert _by_name(most)["Setting up"] == ["Wiki page", 3, 3, 0, "100%"]
    # At least three answers each, the lowest share of "yes" first.
    assert [row[0] for row in least.rows] == [
        "Where is my invoice?",
        "How do I pair a bulb?",
        "Setting up",
    ]
    assert dict(figures) == {"FAQ found helpful": "62% of 8", "Wiki found helpful": "100% of 3"}


def test_a_changed_answer_counts_once_with_its_latest_value(content) -> None:
    _, pair, _, _ = content
    services.helpful_vote(
        kind=HelpfulVote.Kind.FAQ, object_id=pair.pk, voter=f"vfaq{pair.pk}-0", is_helpful=False
    )
    tables, _ = helpfulness(_period())
    assert _by_name(tables[0])["How do I pair a bulb?"] == ["FAQ entry", 5, 3, 2, "60%"]


def test_a_category_keeps_only_its_faq_entries(content) -> None:
    devices, *_ = content
    devices.refresh_from_db()
    tables, figures = helpfulness(_period(category=devices))
    assert list(_by_name(tables[0])) == ["How do I pair a bulb?"]
    assert dict(figures) == {"FAQ found helpful": "80% of 5", "Wiki found helpful": "–"}
    assert "wiki pages have none" in tables[0].note


def test_an_empty_period_shows_dashes() -> None:
    tables, figures = helpfulness(_period())
    assert tables[0].rows == [] and tables[1].rows == []
    assert dict(figures)["FAQ found helpful"] == "–"


def test_the_engagement_panel_shows_helpfulness_and_exports_it(client, content) -> None:
    client.force_login(UserFactory(is_staff=True))
    page = client.get("/staff/dashboard/").content.decode()
    assert "FAQ and wiki: most answered" in page and "FAQ found helpful" in page
    engagement = page.split('id="panel-')[1:]
    assert any("Engagement" in part and "helpfulness-least-helpful" in part for part in engagement)
    response = client.get("/staff/dashboard/export/helpfulness-most-answered.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Page", "Kind", "Answers", "Yes", "No", "Helpful"]
    assert rows[1] == ["How do I pair a bulb?", "FAQ entry", "5", "4", "1", "80%"]


def test_one_answer_per_visitor_and_item_is_a_database_constraint(content) -> None:
    _, pair, _, _ = content
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpfulVote.objects.create(
            kind=HelpfulVote.Kind.FAQ, object_id=pair.pk, voter=f"vfaq{pair.pk}-0", is_helpful=True
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpfulVote.objects.create(kind="post", object_id=pair.pk, voter="x", is_helpful=True)


def test_staff_see_the_counts_on_the_pages_visitors_do_not(client, content) -> None:
    _, pair, _, page = content
    faq_url, wiki_url = pair.get_absolute_url(), page.get_absolute_url()
    for url, text in ((faq_url, "5 answers, 4 yes and 1 no"), (wiki_url, "3 answers, 3 yes")):
        assert text not in client.get(url).content.decode()
        client.force_login(UserFactory(reputation=5000))
        assert text not in client.get(url).content.decode()
        client.force_login(UserFactory(is_staff=True))
        assert text in client.get(url).content.decode()
        client.logout()
