"""Page helpers shared by every history: posts, wiki pages, FAQ entries."""

from collections.abc import Mapping
from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .diff import diff_fields
from .selectors import revision_get, revision_history
from .services import EditConflict, revision_latest_number


def page_number(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def diff_view(request: HttpRequest) -> str:
    """The diff layout asked for: "inline" or (the default) "split"."""
    return "inline" if request.GET.get("view") == "inline" else "split"


def history_context(request: HttpRequest, obj: Model) -> dict[str, Any]:
    """What ``versioning/_revision_list.html`` shows: a page of revisions."""
    page, entries = revision_history(obj, page=request.GET.get("page"))
    return {"page": page, "entries": entries, "latest": revision_latest_number(obj)}


def diff_context(request: HttpRequest, obj: Model, labels: dict[str, str]) -> dict[str, Any]:
    """The diff between two revisions named by ``?from=`` and ``?to=``
    (by default the latest and the one before it)."""
    latest = revision_latest_number(obj)
    if not latest:
        raise Http404("No history yet.")
    new = revision_get(obj, request.GET.get("to") or latest)
    old = revision_get(obj, request.GET.get("from") or max(1, new.number - 1))
    page = page_number(request.GET.get("page"))
    diffs, pages = diff_fields(old.fields, new.fields, labels, page=page)
    return {
        "old": old,
        "new": new,
        "diffs": diffs,
        "view": diff_view(request),
        "page": page,
        "pages": pages,
        "base_query": f"from={old.number}&to={new.number}",
        "old_label": _("Revision %(n)d") % {"n": old.number},
        "new_label": _("Revision %(n)d") % {"n": new.number},
    }


def conflict_response(
    request: HttpRequest,
    *,
    title: str,
    back: str,
    action_url: str,
    conflict: EditConflict,
    theirs: Mapping[str, object],
    yours: Mapping[str, object],
    labels: dict[str, str],
    form: Any,
) -> HttpResponse:
    """The conflict page (409): what changed from the version saved meanwhile
    to yours, and ``form`` (your text, based on the current revision) to
    merge and save again."""
    diffs, pages = diff_fields(theirs, yours, labels)
    context = {
        "title": title,
        "back": back,
        "action_url": action_url,
        "conflict": conflict,
        "diffs": diffs,
        "pages": pages,
        "page": 1,
        "is_unpaged": True,
        "view": diff_view(request),
        "old_label": _("Saved meanwhile (revision %(n)d)") % {"n": conflict.current_revision},
        "new_label": _("Your version"),
        "form": form,
    }
    return render(request, "versioning/conflict.html", context, status=409)
