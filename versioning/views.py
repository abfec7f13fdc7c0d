"""Page helpers shared by every history: posts, wiki pages, FAQ entries."""

from typing import Any

from django.db.models import Model
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from .diff import diff_fields
from .selectors import revision_get, revision_history
from .services import revision_latest_number


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
