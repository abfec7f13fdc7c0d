"""The staff dashboard and its CSV exports."""

import csv
from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entraide import health as checks
from entraide.http import error_response
from entraide.links import link
from search.selectors import outbox_status

from . import deflection, helpfulness, selectors
from .forms import PeriodForm
from .refresh import last_refresh
from .selectors import Panel, Period


def _responsiveness(period: Period) -> Panel:
    weekly, charts = selectors.responsiveness_weekly(period)
    return Panel(
        _("Responsiveness"),
        tables=[selectors.responsiveness_by_category(period), weekly],
        charts=charts,
    )


def _engagement(period: Period) -> Panel:
    panel = selectors.engagement(period)
    tables, figures = helpfulness.helpfulness(period)
    panel.tables += tables
    panel.figures += figures
    return panel


# Each panel in page order, with the tables it holds: a CSV export computes
# only the panel of its table. Deflection and content gaps need the search
# app's log and ledger.
PANELS: list[tuple[Callable[[Period], Panel], tuple[str, ...]]] = [
    *(
        [
            (deflection.deflection, ("deflection-weekly",)),
            (deflection.content_gaps, ("searches-without-result", "searches-without-click")),
        ]
        if deflection.is_available()
        else []
    ),
    (_responsiveness, ("responsiveness", "questions-weekly")),
    (
        _engagement,
        (
            "contributors-by-role",
            "new-members-weekly",
            "helpfulness-most-answered",
            "helpfulness-least-helpful",
        ),
    ),
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


@login_required
@require_POST
def faq_draft(request: HttpRequest) -> HttpResponse:
    """Start a draft FAQ entry from a search nobody found an answer to (one click)."""
    if not request.user.is_staff:
        return error_response(request, PermissionDenied(_("The dashboard is for staff.")), "/")
    if not deflection.faq_drafts_available():
        raise Http404("The FAQ is not installed.")
    faq = import_module("wiki.services")
    fields = deflection.faq_draft_fields(
        request.POST.get("query", ""), _int(request.POST.get("times"))
    )
    try:
        entry = faq.faq_entry_create(author=request.user, **fields)
    except (ValidationError, PermissionDenied) as error:
        return error_response(request, error, link("dashboard:dashboard"))
    messages.success(request, _("A draft FAQ entry is started; write its answer."))
    return redirect(entry.get_absolute_url())


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


@login_required
def health(request: HttpRequest) -> HttpResponse:
    """What an operator checks first: each part answers, and the search
    worker keeps up (its backlog, oldest row and last failure)."""
    if not request.user.is_staff:
        raise PermissionDenied(_("The health page is for staff."))
    results = checks.readiness()
    outbox = outbox_status()
    context = {
        "checks": results,
        "outbox": outbox,
        "outbox_late": outbox.is_late,
        "is_healthy": all(r.ok for r in results) and not outbox.failing and not outbox.is_late,
    }
    return render(request, "dashboard/health.html", context)
