"""Customer pages of search: results, suggestions, contact support.

Thin: read the input, call a selector or a service, render. Every search is
logged with the session's pseudonym; every click goes through ``go`` so the
log and the deflection ledger know what was opened.
"""

from contextlib import suppress
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from entraide.errors import ApplicationError
from entraide.http import messages_of
from qa import page_cache

from . import selectors, services, sessions, similar
from .documents import parse_document_id
from .forms import ContactForm, SolvedForm
from .models import ItemKind, SearchSource, SupportVisit
from .selectors import SearchFilters, SearchResults

SUGGEST_MIN_CHARS = 3


def _page_number(request: HttpRequest) -> int:
    return _bounded_int(request.GET.get("page", "1"), 999) or 1


def _log_meta(results: SearchResults) -> dict[str, Any]:
    """What the search log keeps of a search (also kept with a cached page)."""
    return {
        "query": results.query,
        "filters": results.filters.as_dict(),
        "total": results.total,
        "is_degraded": results.is_degraded,
    }


def _log(
    request: HttpRequest, source: str, meta: dict[str, Any], session: str | None = None
) -> int:
    entry = services.search_log_record(
        session=session or sessions.pseudonym(request),
        source=source,
        query=meta["query"],
        filters=meta["filters"],
        result_count=meta["total"],
        is_engine=not meta["is_degraded"],
    )
    return entry.pk


def _toggle_url(query: str, filters: SearchFilters, name: str, value: str) -> str:
    """The search URL with one facet value switched on or off (back to page 1)."""
    params: dict[str, Any] = {"q": query, **filters.as_dict()}
    if name == "tag":
        tags = list(filters.tags)
        params["tag"] = [t for t in tags if t != value] if value in tags else [*tags, value]
    else:
        params[name] = "" if params.get(name) == value else value
    return "?" + urlencode({k: v for k, v in params.items() if v}, doseq=True)


FACET_PARAMS = {"type": "type", "tags": "tag", "category": "category", "is_answered": "answered"}


# Written into a results page where the search log's id goes, so a visitor's
# page can come from the cache and still be logged (page_cache.serve_recent).
LOG_ID = "\x00search-log\x00"


def _logged(request: HttpRequest) -> page_cache.Fill:
    """Log the search a results page shows, and put the log's id in it."""
    return lambda meta: {LOG_ID: str(_log(request, SearchSource.SEARCH_PAGE, meta))}


@require_GET
@page_cache.served_early(lambda request: page_cache.cached_recent(request, _logged(request)))
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    filters = SearchFilters.from_query(request.GET)
    template = "search/_results.html" if request.GET.get("partial") else "search/search.html"
    if not (query.strip() or filters):
        return render(request, template, {"query": query, "filters": filters})

    def build() -> page_cache.Built:
        results = selectors.search(query=query, filters=filters, page=_page_number(request))
        facet_groups = []
        for name, values in results.facets.items():
            param = FACET_PARAMS[name]
            links = []
            for value in values:
                raw = {"true": "yes", "false": "no"}.get(value.value, value.value)
                links.append((value, _toggle_url(results.query, filters, param, raw)))
            facet_groups.append((name, links))
        base = {"q": results.query, **filters.as_dict()}
        context = {
            "query": query,
            "filters": filters,
            "results": results,
            "log_id": LOG_ID,
            "facet_groups": facet_groups,
            "page_url": "?" + urlencode(base, doseq=True) + "&page=",
        }
        # The database's stand-in results are not kept: the engine's should
        # be back as soon as the engine is.
        response = render(request, template, context)
        return page_cache.Built(response, _log_meta(results), keep=not results.is_degraded)

    return page_cache.serve_recent(request, build, _logged(request))


def _visit_for(request: HttpRequest, flow: str, session: str, query: str) -> int:
    """The session's open visit of ``flow``, or a new one."""
    visit_id = sessions.visit_id(request, flow)
    if (
        visit_id is not None
        and SupportVisit.objects.filter(
            pk=visit_id, session=session, outcome=SupportVisit.Outcome.OPEN
        ).exists()
    ):
        return visit_id
    visit = services.visit_start(flow=flow, session=session, query=query)
    sessions.remember_visit(request, flow, visit.pk)
    return visit.pk


def _suggestions(request: HttpRequest, flow: str, query: str) -> dict[str, Any]:
    """Search for a support flow, record what was shown, and build the context."""
    session = sessions.pseudonym(request)
    filters = SearchFilters(type="question") if flow == SupportVisit.Flow.ASK else SearchFilters()
    results = similar.suggestions(
        query,
        filters=filters,
        limit=int(settings.SEARCH["SUGGESTIONS"]),
        with_answers=flow == SupportVisit.Flow.CONTACT,
    )
    log_id = _log(request, flow, _log_meta(results), session)
    visit_id = None
    if results.hits:
        visit_id = _visit_for(request, flow, session, results.query)
        services.visit_show(
            visit_id=visit_id,
            session=session,
            query=results.query,
            items=[hit.credit for hit in results.hits],
        )
    return {"results": results, "log_id": log_id, "flow": flow, "visit_id": visit_id}


@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """Suggestions while a customer types (the ask page's title, the contact form)."""
    query = request.GET.get("q", "")
    flow = request.GET.get("flow", SupportVisit.Flow.ASK)
    if flow not in SupportVisit.Flow.values:
        flow = SupportVisit.Flow.ASK
    if len(query.strip()) < SUGGEST_MIN_CHARS:
        return HttpResponse("")
    return render(request, "search/_suggestions.html", _suggestions(request, flow, query))


def _bounded_int(value: str, maximum: int) -> int | None:
    return int(value) if value.isdigit() and len(value) < 20 and int(value) <= maximum else None


def _parse_item(value: str) -> tuple[str, int] | None:
    kind, _, number = value.partition("-")
    item_id = _bounded_int(number, 2**62)
    return (kind, item_id) if kind in ItemKind.values and item_id else None


@require_GET
def go(request: HttpRequest) -> HttpResponse:
    """Follow a result: record the click (and the visit's opened item), then redirect."""
    document = request.GET.get("doc", "")
    item = _parse_item(request.GET.get("item", ""))
    target = (selectors.item_target(*item) if item else None) or selectors.document_target(document)
    if target is None:
        return render(request, "search/gone.html", status=404)
    session = sessions.pseudonym(request)
    log_id = _bounded_int(request.GET.get("log", ""), 2**62)
    position = _bounded_int(request.GET.get("pos", ""), 1000)
    if log_id and position and parse_document_id(document):
        services.search_click_record(
            log_id=log_id, session=session, document=document, position=position
        )
    flow = request.GET.get("flow", "")
    visit_id = sessions.visit_id(request, flow) if flow in SupportVisit.Flow.values else None
    if visit_id and item:
        # An ended visit ignores the open; the click is still logged above.
        with suppress(ValidationError, ApplicationError):
            services.visit_open_item(
                visit_id=visit_id, session=session, item_kind=item[0], item_id=item[1]
            )
    return redirect(target)


def _contact_page(
    request: HttpRequest, form: ContactForm, *, status: int = 200, errors: list[str] | None = None
) -> HttpResponse:
    query = request.GET.get("q", "") or request.POST.get("q", "")
    context: dict[str, Any] = {"form": form, "query": query, "errors": errors or []}
    if query.strip():
        context |= _suggestions(request, SupportVisit.Flow.CONTACT, query)
    return render(request, "search/contact.html", context, status=status)


@require_GET
def contact(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    user = request.user
    initial = {
        "email": user.email if user.is_authenticated else "",
        "subject": " ".join(query.split())[:150],
        "message": query,
    }
    return _contact_page(request, ContactForm(initial=initial))


@require_POST
def contact_send(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST)
    visit_id = sessions.visit_id(request, SupportVisit.Flow.CONTACT)
    if not form.is_valid():
        return _contact_page(request, form, status=400)
    if visit_id is None:
        return _contact_page(
            request,
            form,
            status=409,
            errors=[_("Look at the suggested answers first: describe your problem and search.")],
        )
    try:
        services.contact_request_send(
            visit_id=visit_id,
            session=sessions.pseudonym(request),
            user=request.user,
            **form.cleaned_data,
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            return _contact_page(request, form, status=400)
        return _contact_page(request, form, status=400, errors=messages_of(error))
    except (PermissionDenied, ApplicationError) as error:
        return _contact_page(request, form, status=409, errors=messages_of(error))
    sessions.remember_visit(request, SupportVisit.Flow.CONTACT, None)
    return render(request, "search/contact_done.html", {"outcome": "sent"})


@require_POST
def contact_solved(request: HttpRequest) -> HttpResponse:
    """ "This solved it": the customer leaves satisfied; credit the item and its author."""
    form = SolvedForm(request.POST)
    visit_id = sessions.visit_id(request, request.POST.get("flow") or SupportVisit.Flow.CONTACT)
    if not form.is_valid() or visit_id is None:
        return render(request, "search/gone.html", {"visit_ended": True}, status=400)
    try:
        services.visit_solved(
            visit_id=visit_id,
            session=sessions.pseudonym(request),
            item_kind=form.cleaned_data["item_kind"],
            item_id=form.cleaned_data["item_id"],
        )
    except (ValidationError, ApplicationError) as error:
        return render(
            request,
            "search/gone.html",
            {"visit_ended": True, "errors": messages_of(error)},
            status=409,
        )
    for flow in SupportVisit.Flow.values:
        if sessions.visit_id(request, flow) == visit_id:
            sessions.remember_visit(request, flow, None)
    return render(request, "search/contact_done.html", {"outcome": "solved"})
