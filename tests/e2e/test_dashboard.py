"""The staff dashboard in a real browser: charts drawn by the server, the
filters, and a CSV download."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from dashboard.refresh import dashboard_refresh
from qa.models import Category, Post
from tests.e2e.conftest import screenshot
from tests.e2e.test_qa_flow import _log_in
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_dashboard_filters_charts_and_csv(page, live_server) -> None:
    UserFactory(username="team", is_staff=True)
    devices = Category.objects.create(name="Devices", slug="devices")
    billing = Category.objects.create(name="Billing", slug="billing")
    now = timezone.now()
    for week in range(8):
        for n in range(week + 1):
            question = QuestionFactory(category=devices if n % 2 else billing, tags=["router"])
            asked = now - timedelta(weeks=week, hours=n + 2)
            Post.objects.filter(pk=question.pk).update(created_at=asked)
            if n % 3:
                answer = AnswerFactory(parent=question)
                Post.objects.filter(pk=answer.pk).update(created_at=asked + timedelta(hours=n * 7))

    dashboard_refresh()
    _log_in(page, live_server, "team")
    page.click("text=Dashboard")
    page.wait_for_selector("h1:text('Community dashboard')")
    assert page.locator(".dash-chart svg rect.bar").count() > 0
    assert page.locator(".dash-chart svg polyline.line").count() > 0
    responsiveness = "section.dash-panel:has(h2:text-is('Responsiveness')) table"
    rows = page.locator(responsiveness).first.locator("tbody tr")
    assert rows.count() == 3  # Billing, Devices, All categories
    screenshot(page, "dashboard")

    page.select_option("#id_category", "devices")
    page.click("text=Show")
    page.wait_for_url("**category=devices**")
    assert page.locator(responsiveness).first.locator("tbody tr").count() == 2

    with page.expect_download() as download:
        page.locator("a.csv-link[href*='/responsiveness.csv']").click()
    assert download.value.suggested_filename.startswith("responsiveness_")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("Category,Questions,Unanswered")

    page.fill("#id_start", "2026-12-31")
    page.fill("#id_end", "2026-01-01")
    page.click("text=Show")
    assert "The start must be on or before the end." in page.inner_text(".dash-filters")
