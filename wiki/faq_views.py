"""FAQ pages: the FAQ, an entry, writing and reviewing entries, promoting an
answer, following the source answer, "verified by support" stamps."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from entraide.errors import ApplicationError
from entraide.http import error_response
from entraide.links import link
from qa.models import Post, thread_url
from versioning.selectors import revision_get
from versioning.services import EditConflict
from versioning.views import (
    conflict_response,
    diff_context,
    diff_view,
    history_context,
    page_number,
)

from . import permissions, selectors, services
from .forms import FaqEntryForm, ReturnToDraftForm, VerifyForm
from .models import FaqEntry, HelpfulVote
from .views import _add_error, _my_vote, helpful

DOMAIN_ERRORS = (ValidationError, PermissionDenied, ApplicationError)
ENTRY_FIELDS = {
    "question": _("Question"),
    "answer_source": _("Answer"),
    "status": _("Status"),
    "category": _("Category"),
    "order": _("Order"),
}


def _curator_or_refuse(request: HttpRequest) -> HttpResponse | None:
    decision = permissions.can_curate_faq(request.user)
    if decision:
        return None
    return error_response(request, PermissionDenied(decision.reason), link("wiki:faq_index"))


def faq_index(request: HttpRequest) -> HttpResponse:
    context = {
        "sections": selectors.faq_page(),
        "can_curate": permissions.can_curate_faq(request.user),
    }
    return render(request, "wiki/faq.html", context)


def faq_entry(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.faq_entry_for(slug, request.user)
    can_curate = permissions.can_curate_faq(request.user)
    page = page_number(request.GET.get("page"))
    context = {
        "entry": entry,
        "can_curate": can_curate,
        "can_approve": permissions.can_approve_faq_entry(request.user, entry),
        "can_publish_draft": can_curate and not settings.FAQ["REQUIRE_SECOND_APPROVAL"],
        "can_stamp": permissions.can_stamp_verified(request.user),
        "source_change": selectors.faq_source_change(entry, page=page) if can_curate else None,
        "page": page,
        "source_url": thread_url(entry.source_answer) if entry.source_answer else "",
        "my_vote": _my_vote(request, HelpfulVote.Kind.FAQ, entry.pk),
        "show_counts": permissions.can_see_helpful_counts(request.user),
        "return_form": ReturnToDraftForm(),
        "verify_form": VerifyForm(
            initial={"until": entry.verified_until, "note": entry.verified_note}
        ),
        "view": diff_view(request),
        "base_query": "",
        "old_label": _("Taken in"),
        "new_label": _("Source answer now"),
    }
    return render(request, "wiki/faq_entry.html", context)


@login_required
def faq_new(request: HttpRequest) -> HttpResponse:
    refused = _curator_or_refuse(request)
    if refused:
        return refused
    form = FaqEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("question", "answer", "category", "order")}
        try:
            entry = services.faq_entry_create(author=request.user, **data)
        except DOMAIN_ERRORS as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The entry is saved as a draft."))
            return redirect(entry)
    status = 400 if form.errors else 200
    return render(request, "wiki/faq_form.html", {"form": form, "is_new": True}, status=status)


@login_required
def faq_edit(request: HttpRequest, slug: str) -> HttpResponse:
    refused = _curator_or_refuse(request)
    if refused:
        return refused
    entry = get_object_or_404(FaqEntry, slug=slug)
    initial = {
        "question": entry.question,
        "answer": entry.answer_source,
        "category": entry.category_id,
        "order": entry.order,
        "base_revision": entry.revision_number,
    }
    form = FaqEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["base_revision"] = data["base_revision"] or 0
        try:
            services.faq_entry_edit(editor=request.user, entry=entry, **data)
        except EditConflict as conflict:
            return _conflict(request, entry, form, conflict)
        except DOMAIN_ERRORS as error:
            _add_error(form, error)
        else:
            messages.success(request, _("The entry is saved."))
            return redirect(entry)
    status = 400 if form.errors else 200
    context = {"form": form, "entry": entry, "is_new": False}
    return render(request, "wiki/faq_form.html", context, status=status)


def _conflict(
    request: HttpRequest, entry: FaqEntry, form: FaqEntryForm, conflict: EditConflict
) -> HttpResponse:
    entry.refresh_from_db()
    data = form.cleaned_data
    return conflict_response(
        request,
        title=entry.question,
        back=entry.get_absolute_url(),
        action_url=link("wiki:faq_edit", slug=entry.slug),
        conflict=conflict,
        theirs={"question": entry.question, "answer_source": entry.answer_source},
        yours={"question": data["question"], "answer_source": data["answer"]},
        labels=ENTRY_FIELDS,
        form=FaqEntryForm(initial={**data, "base_revision": conflict.current_revision}),
    )


def faq_history(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.faq_entry_for(slug, request.user)
    context = {
        **history_context(request, entry),
        "entry": entry,
        "can_revert": permissions.can_curate_faq(request.user),
        "diff_url": link("wiki:faq_diff", slug=entry.slug),
        "revert_url": link("wiki:faq_revert", slug=entry.slug),
    }
    return render(request, "wiki/faq_history.html", context)


def faq_diff(request: HttpRequest, slug: str) -> HttpResponse:
    entry = selectors.faq_entry_for(slug, request.user)
    context = {**diff_context(request, entry, ENTRY_FIELDS), "entry": entry}
    return render(request, "wiki/faq_diff.html", context)


def _entry_action(request: HttpRequest, slug: str, act: Any, done: str) -> HttpResponse:
    entry = get_object_or_404(FaqEntry, slug=slug)
    try:
        act(entry)
    except DOMAIN_ERRORS as error:
        return error_response(request, error, entry.get_absolute_url())
    messages.success(request, done)
    return redirect(entry)


@require_POST
def faq_revert(request: HttpRequest, slug: str) -> HttpResponse:
    entry = get_object_or_404(FaqEntry, slug=slug)
    info = revision_get(entry, request.POST.get("number")).info
    return _entry_action(
        request,
        slug,
        lambda e: services.faq_entry_revert(user=request.user, entry=e, revision=info),
        _("Revision %(n)d is restored.") % {"n": info.number},
    )


# What each button on an entry does, and what the page then says.
STATUS_ACTIONS: dict[str, tuple[Callable[..., FaqEntry], str | Promise]] = {
    "submit": (services.faq_entry_submit, gettext_lazy("Sent for review.")),
    "approve": (services.faq_entry_approve, gettext_lazy("Published.")),
    "unpublish": (services.faq_entry_unpublish, gettext_lazy("Unpublished; it is a draft again.")),
    "pull": (services.faq_source_pull, gettext_lazy("The source answer's change is taken in.")),
    "dismiss": (
        services.faq_source_dismiss,
        gettext_lazy("The source answer's change is dismissed."),
    ),
}


@require_POST
def faq_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Move an entry along draft → in review → published (or back), or act
    on its source answer's change."""
    action = request.POST.get("action", "")
    if action == "return":
        reason = request.POST.get("reason", "")
        return _entry_action(
            request,
            slug,
            lambda e: services.faq_entry_return_to_draft(user=request.user, entry=e, reason=reason),
            _("Returned to draft."),
        )
    if action not in STATUS_ACTIONS:
        raise Http404("No such action.")
    service, done = STATUS_ACTIONS[action]
    return _entry_action(request, slug, lambda e: service(user=request.user, entry=e), str(done))


@require_POST
def faq_helpful(request: HttpRequest, slug: str) -> HttpResponse:
    entry = get_object_or_404(FaqEntry, slug=slug, status="published")
    return helpful(request, HelpfulVote.Kind.FAQ, entry.pk, entry.get_absolute_url())


def _stamp(request: HttpRequest, target: Post | FaqEntry, back: str) -> HttpResponse:
    if request.POST.get("action") == "remove":
        try:
            services.stamp_remove(user=request.user, target=target)
        except DOMAIN_ERRORS as error:
            return error_response(request, error, back)
        messages.success(request, _("The “verified” stamp is removed."))
        return redirect(back)
    form = VerifyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        services.stamp_verify(user=request.user, target=target, **form.cleaned_data)
    except DOMAIN_ERRORS as error:
        return error_response(request, error, back)
    messages.success(request, _("Stamped “verified by support”."))
    return redirect(back)


@require_POST
def faq_verify(request: HttpRequest, slug: str) -> HttpResponse:
    entry = get_object_or_404(FaqEntry, slug=slug)
    return _stamp(request, entry, entry.get_absolute_url())


@login_required
def answer_verify(request: HttpRequest, pk: int) -> HttpResponse:
    answer = get_object_or_404(Post.objects.answers().select_related("parent"), pk=pk)
    if request.method == "POST":
        return _stamp(request, answer, thread_url(answer))
    decision = permissions.can_stamp_verified(request.user)
    if not decision:
        return error_response(request, PermissionDenied(decision.reason), thread_url(answer))
    form = VerifyForm(initial={"until": answer.verified_until, "note": answer.verified_note})
    context = {"answer": answer, "form": form, "back": thread_url(answer)}
    return render(request, "wiki/answer_verify.html", context)


@require_POST
def answer_promote(request: HttpRequest, pk: int) -> HttpResponse:
    """Promote an answer: a draft entry pre-filled from it, opened for editing."""
    answer = get_object_or_404(Post.objects.answers().select_related("parent"), pk=pk)
    try:
        entry = services.faq_promote(user=request.user, answer=answer)
    except DOMAIN_ERRORS as error:
        return error_response(request, error, thread_url(answer))
    messages.success(
        request, _("A draft FAQ entry is made from the answer; adjust it, then send it for review.")
    )
    return redirect(link("wiki:faq_edit", slug=entry.slug))


@login_required
def faq_desk(request: HttpRequest) -> HttpResponse:
    refused = _curator_or_refuse(request)
    if refused:
        return refused
    return render(request, "wiki/faq_desk.html", {"desk": selectors.faq_desk()})


@login_required
def reverify(request: HttpRequest) -> HttpResponse:
    decision = permissions.can_stamp_verified(request.user)
    if not decision:
        return error_response(request, PermissionDenied(decision.reason), link("wiki:faq_index"))
    return render(request, "wiki/reverify.html", {"expired": selectors.reverify_list()})
