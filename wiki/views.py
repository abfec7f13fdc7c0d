"""Wiki pages: read, edit (with the conflict page), add, move, lock, history.

Every page lives at ``/wiki/<path>/``; its actions add one segment starting
with "_" (``/wiki/billing/_edit/``), which no slug can be.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entraide.errors import ApplicationError
from entraide.http import error_response, wants_json
from versioning.selectors import revision_get
from versioning.services import EditConflict
from versioning.views import conflict_response, diff_context, history_context

from . import permissions, selectors, services
from .forms import HelpfulForm, WikiPageCreateForm, WikiPageForm, WikiPageMoveForm
from .models import HelpfulVote, WikiPage, wiki_url
from .services.helpful import visitor_key

DOMAIN_ERRORS = (ValidationError, PermissionDenied, ApplicationError)
PAGE_FIELDS = {"title": _("Title"), "body_source": _("Text"), "path": _("Address")}


def _add_error(form: Any, error: Exception) -> None:
    form.add_error(None, error if isinstance(error, ValidationError) else str(error))


def _refuse_unless(request: HttpRequest, decision: Any, page: WikiPage) -> HttpResponse | None:
    if decision:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return error_response(request, PermissionDenied(decision.reason), page.get_absolute_url())


def page_detail(request: HttpRequest, page: WikiPage) -> HttpResponse:
    view = selectors.wiki_page_view(page)
    context = {
        "view": view,
        "page": page,
        "can_edit": permissions.can_edit_wiki_page(request.user, page),
        "can_lock": permissions.can_lock_wiki_page(request.user),
        "my_vote": _my_vote(request, HelpfulVote.Kind.WIKI, page.pk),
        "show_counts": permissions.can_see_helpful_counts(request.user),
    }
    return render(request, "wiki/page.html", context)


def page_edit(request: HttpRequest, page: WikiPage) -> HttpResponse:
    refused = _refuse_unless(request, permissions.can_edit_wiki_page(request.user, page), page)
    if refused:
        return refused
    initial = {"title": page.title, "body": page.body_source, "base_revision": page.revision_number}
    form = WikiPageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.wiki_page_edit(editor=request.user, page=page, **form.cleaned_data)
        except EditConflict as conflict:
            return _conflict(request, page, form, conflict)
        except DOMAIN_ERRORS as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The page is saved."))
            return redirect(page)
    status = 400 if form.errors else 200
    return render(request, "wiki/page_form.html", {"form": form, "page": page}, status=status)


def _conflict(
    request: HttpRequest, page: WikiPage, form: WikiPageForm, conflict: EditConflict
) -> HttpResponse:
    page.refresh_from_db()
    data = form.cleaned_data
    return conflict_response(
        request,
        title=page.title,
        back=page.get_absolute_url(),
        action_url=wiki_url(page.path, "_edit"),
        conflict=conflict,
        theirs={"title": page.title, "body_source": page.body_source},
        yours={"title": data["title"], "body_source": data["body"]},
        labels=PAGE_FIELDS,
        form=WikiPageForm(initial={**data, "base_revision": conflict.current_revision}),
    )


def page_new(request: HttpRequest, parent: WikiPage) -> HttpResponse:
    refused = _refuse_unless(request, permissions.can_edit_wiki_page(request.user, parent), parent)
    if refused:
        return refused
    form = WikiPageCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.wiki_page_create(
                author=request.user, parent=parent, **form.cleaned_data
            )
        except DOMAIN_ERRORS as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The page is created."))
            return redirect(page)
    status = 400 if form.errors else 200
    context = {"form": form, "parent": parent, "is_new": True}
    return render(request, "wiki/page_form.html", context, status=status)


def page_history(request: HttpRequest, page: WikiPage) -> HttpResponse:
    context = {
        **history_context(request, page),
        "page": page,
        "can_revert": permissions.can_edit_wiki_page(request.user, page),
        "diff_url": wiki_url(page.path, "_diff"),
        "revert_url": wiki_url(page.path, "_revert"),
    }
    return render(request, "wiki/history.html", context)


def page_diff(request: HttpRequest, page: WikiPage) -> HttpResponse:
    context = {**diff_context(request, page, PAGE_FIELDS), "page": page}
    return render(request, "wiki/diff.html", context)


@require_POST
def page_revert(request: HttpRequest, page: WikiPage) -> HttpResponse:
    history = wiki_url(page.path, "_history")
    entry = revision_get(page, request.POST.get("number"))
    try:
        services.wiki_page_revert(user=request.user, page=page, revision=entry.info)
    except DOMAIN_ERRORS as error:
        return error_response(request, error, history)
    messages.success(request, _("Revision %(n)d is restored.") % {"n": entry.number})
    return redirect(page)


def page_move(request: HttpRequest, page: WikiPage) -> HttpResponse:
    refused = _refuse_unless(request, permissions.can_edit_wiki_page(request.user, page), page)
    if refused:
        return refused
    if page.is_root:
        raise Http404("The home page does not move.")
    form = WikiPageMoveForm(
        request.POST or None,
        targets=selectors.wiki_move_targets(page),
        initial={"parent": page.parent_id, "slug": page.slug},
    )
    if request.method == "POST" and form.is_valid():
        try:
            page = services.wiki_page_move(
                user=request.user,
                page=page,
                new_parent=form.cleaned_data["parent"],
                new_slug=form.cleaned_data["slug"],
            )
        except DOMAIN_ERRORS as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The page and its child pages are moved."))
            return redirect(page)
    status = 400 if form.errors else 200
    return render(request, "wiki/move.html", {"form": form, "page": page}, status=status)


@require_POST
def page_lock(request: HttpRequest, page: WikiPage) -> HttpResponse:
    try:
        services.wiki_page_set_locked(
            user=request.user, page=page, is_locked=request.POST.get("is_locked") == "1"
        )
    except DOMAIN_ERRORS as error:
        return error_response(request, error, page.get_absolute_url())
    return redirect(page)


# "Was this helpful?" ----------------------------------------------------------


def _voter(request: HttpRequest, kind: str, object_id: int) -> str:
    return visitor_key(
        kind=kind,
        object_id=object_id,
        user_id=request.user.pk if request.user.is_authenticated else None,
        address=request.META.get("REMOTE_ADDR", ""),
        agent=request.headers.get("User-Agent", ""),
    )


def _my_vote(request: HttpRequest, kind: str, object_id: int) -> bool | None:
    """The visitor's earlier answer for this item (None when none)."""
    voter = _voter(request, kind, object_id)
    vote = HelpfulVote.objects.filter(kind=kind, object_id=object_id, voter=voter).first()
    return None if vote is None else vote.is_helpful


def helpful(request: HttpRequest, kind: str, object_id: int, back: str) -> HttpResponse:
    """Record a yes/no answer; JSON for the page script, a redirect otherwise."""
    form = HelpfulForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"value": _("Answer yes or no.")})
        services.helpful_vote(
            kind=kind,
            object_id=object_id,
            voter=_voter(request, kind, object_id),
            is_helpful=form.cleaned_data["value"],
        )
    except DOMAIN_ERRORS as error:
        if (
            isinstance(error, ApplicationError)
            and error.code == "already_voted"
            and not wants_json(request)
        ):
            messages.info(request, _("You have already answered; thank you."))
            return redirect(back)
        return error_response(request, error, back)
    if wants_json(request):
        return JsonResponse({"ok": True})
    messages.success(request, _("Thank you for your feedback."))
    return redirect(back)


@require_POST
def page_helpful(request: HttpRequest, page: WikiPage) -> HttpResponse:
    return helpful(request, HelpfulVote.Kind.WIKI, page.pk, page.get_absolute_url())


ACTIONS: dict[str, Callable[[HttpRequest, WikiPage], HttpResponse]] = {
    "_edit": page_edit,
    "_new": page_new,
    "_history": page_history,
    "_diff": page_diff,
    "_revert": page_revert,
    "_move": page_move,
    "_lock": page_lock,
    "_helpful": page_helpful,
}


def wiki(request: HttpRequest, path: str = "") -> HttpResponse:
    """Find the page (or where it moved) and run the action named at the end."""
    segments = [segment for segment in path.split("/") if segment]
    action = segments.pop() if segments and segments[-1].startswith("_") else ""
    if action and action not in ACTIONS:
        raise Http404("No such wiki action.")
    found = selectors.wiki_page_at("/".join(segments))
    if found.page is None:
        query = request.META.get("QUERY_STRING", "")
        target = (
            found.redirect_to + (f"{action}/" if action else "") + (f"?{query}" if query else "")
        )
        return redirect(target, permanent=True)
    return ACTIONS[action](request, found.page) if action else page_detail(request, found.page)
