"""``make bench-dashboard``: time every dashboard query on the bench data set.

Each panel runs ``repeats`` times for each period (the default twelve weeks,
a whole year, two years, and twelve weeks of one category); every SQL
statement is timed where the database driver runs it, and the report gives
each statement's median and worst time, and the whole page's server time.
"""

import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from privacy.services import consent_needed, policies_accept
from qa.models import Category

from . import views
from .selectors import Period

TARGET_MS = 200.0


class _Statements:
    """Times every SQL statement run inside it, by the panel that ran it."""

    def __init__(self) -> None:
        self.panel = ""
        self.times: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.index = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.index += 1
            key = (self.panel, f"query {self.index}: {' '.join(sql.split())[:90]}")
            self.times[key].append((time.perf_counter() - start) * 1000)


def _periods() -> list[tuple[str, Period]]:
    now = timezone.now()
    end = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    category = Category.objects.filter(parent__isnull=True).order_by("pk").first()
    periods = [
        ("12 weeks", Period(end - timedelta(weeks=12), end)),
        ("1 year", Period(end - timedelta(days=365), end)),
        ("2 years", Period(end - timedelta(days=730), end)),
    ]
    if category is not None:
        periods.append(
            (f"12 weeks, {category.name}", Period(end - timedelta(weeks=12), end, category))
        )
    return periods


def measure_dashboard(*, repeats: int = 5, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Time each dashboard query and the page; precondition: the bench data set."""
    from django.core.cache import cache

    from dashboard.refresh import dashboard_refresh

    log(dashboard_refresh(full=True).summary())
    log(dashboard_refresh().summary())
    results: dict[str, Any] = {"periods": {}, "target_ms": TARGET_MS}
    for label, period in _periods():
        log(f"Measuring {label} …")
        probe = _Statements()
        with connection.execute_wrapper(probe):
            for _ in range(repeats):
                for panel, _slugs in views.PANELS:
                    probe.index = 0
                    probe.panel = panel.__name__.strip("_")
                    panel(period)
        statements = [
            {
                "panel": panel,
                "statement": statement,
                "median_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
            }
            for (panel, statement), times in probe.times.items()
        ]
        results["periods"][label] = {"statements": statements}
    staff = User.objects.filter(is_staff=True).first() or User.objects.create_user(
        "bench-staff", "bench-staff@example.com", is_staff=True
    )
    if consent_needed(staff):
        # Otherwise the page answers with the policy-consent redirect.
        policies_accept(user=staff)
    client = Client()
    client.force_login(staff)
    page_times = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for _ in range(repeats):
            cache.clear()
            start = time.perf_counter()
            response = client.get("/staff/dashboard/")
            page_times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
    results["page_ms"] = {
        "median": round(statistics.median(page_times), 1),
        "max": round(max(page_times), 1),
    }
    return results


def format_results(results: dict[str, Any]) -> str:
    lines = []
    worst = 0.0
    for label, period in results["periods"].items():
        lines.append(f"\n{label}")
        lines.append(f"  {'panel':<16} {'median ms':>9} {'max ms':>8}  statement")
        for row in period["statements"]:
            worst = max(worst, row["median_ms"])
            lines.append(
                f"  {row['panel']:<16} {row['median_ms']:>9} {row['max_ms']:>8}  {row['statement']}"
            )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines.append(f"\nMachine load average while measuring (1, 5, 15 min): {load}")
    lines.append(
        f"Whole dashboard page (default 12 weeks, every panel): median "
        f"{results['page_ms']['median']} ms, max {results['page_ms']['max']} ms"
    )
    verdict = "within" if worst <= results["target_ms"] else "OVER"
    lines.append(
        f"Slowest query median: {worst} ms ({verdict} the {results['target_ms']:.0f} ms target)"
    )
    return "\n".join(lines)
