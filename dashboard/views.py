"""The staff dashboard and its CSV exports."""

import csv
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from entraide.http import error_response

from . import selectors
from .forms import PeriodForm
from .refresh import last_refresh
from .selectors import Panel, Period


def _responsiveness(period: Period) -> Panel:
    weekly, charts = selectors.responsiveness_weekly(period)
    return Panel(
        "Responsiveness",
        tables=[selectors.responsiveness_by_category(period), weekly],
        charts=charts,
    )


# Each panel in page order, with the tables it holds: a CSV export computes
# only the panel of its table.
PANELS: list[tuple[Callable[[Period], Panel], tuple[str, ...]]] = [
    (_responsiveness, ("responsiveness", "questions-weekly")),
    (selectors.engagement, ("contributors-by-role", "new-members-weekly")),
    (selectors.trends, ("rising-tags", "rising-categories", "spikes")),
]


def _staff_period(request: HttpRequest) -> tuple[PeriodForm, Period | None]:
    if not request.user.is_staff:
        raise PermissionDenied(_("The dashboard is for staff."))
    form = PeriodForm(request.GET or None)
    if not form.is_bound:
        form = PeriodForm({})
    return form, form.period() if form.is_valid() else None


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        form, period = _staff_period(request)
    except PermissionDenied as error:
        return error_response(request, error, "/")
    if period is None:
        return render(request, "dashboard/dashboard.html", {"form": form}, status=400)
    panels = [panel(period) for panel, _slugs in PANELS]
    context = {
        "form": form,
        "period": period,
        "panels": panels,
        "query": request.GET.urlencode(),
        "refreshed": last_refresh(),
    }
    return render(request, "dashboard/dashboard.html", context)


@login_required
def export(request: HttpRequest, slug: str) -> HttpResponse:
    """One dashboard table as CSV, for the same period and category."""
    try:
        form, period = _staff_period(request)
    except PermissionDenied as error:
        return error_response(request, error, "/")
    panel = next((panel for panel, slugs in PANELS if slug in slugs), None)
    if panel is None:
        raise Http404("No such table.")
    if period is None:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return error_response(request, ValidationError(errors), "/staff/dashboard/")
    table = next(table for table in panel(period).tables if table.slug == slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{slug}_{period.start:%Y-%m-%d}_{(period.end):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    writer.writerow(table.columns)
    writer.writerows(_safe(row) for row in table.rows)
    return response


def _safe(row: list[Any]) -> list[Any]:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return [f"'{cell}" if isinstance(cell, str) and cell[:1] in "=+-@" else cell for cell in row]
