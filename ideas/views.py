"""Ideas pages: list (by votes or newest, by status), propose, detail with
vote, follow and the staff's status form."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entraide.errors import ApplicationError
from entraide.http import error_response, messages_of, wants_json

from . import selectors, services
from .forms import IdeaForm, IdeaStatusForm
from .models import Idea, IdeaStatus

REFUSALS = (ValidationError, PermissionDenied, ApplicationError)


def idea_list(request: HttpRequest) -> HttpResponse:
    sort = selectors.IdeaSort.parse(request.GET.get("sort"))
    status = request.GET.get("status", "")
    status = status if status in IdeaStatus.values else ""
    page = selectors.idea_list(
        viewer=request.user, sort=sort, status=status, page=request.GET.get("page")
    )
    counts = selectors.idea_status_counts()
    return render(
        request,
        "ideas/idea_list.html",
        {
            "page": page,
            "sort": sort,
            "sorts": selectors.IdeaSort.CHOICES,
            "status": status,
            "statuses": [(value, label, counts[value]) for value, label in IdeaStatus.choices],
        },
    )


@login_required
def idea_new(request: HttpRequest) -> HttpResponse:
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_propose(author=request.user, **form.cleaned_data)
        except REFUSALS as error:
            if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field, errors)
            else:
                form.add_error(None, messages_of(error)[0])
        else:
            return redirect(idea)
    status = 400 if form.errors else 200
    return render(request, "ideas/idea_form.html", {"form": form}, status=status)


def _render_detail(
    request: HttpRequest, pk: int, status_form: IdeaStatusForm | None = None, status: int = 200
) -> HttpResponse:
    page = selectors.idea_page(idea_id=pk, viewer=request.user)
    if status_form is None and request.user.is_staff:
        status_form = IdeaStatusForm(initial={"status": page.idea.status})
    return render(
        request,
        "ideas/idea_detail.html",
        {"idea": page.idea, "history": page.history, "status_form": status_form},
        status=status,
    )


def idea_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    idea = get_object_or_404(Idea.objects.only("slug"), pk=pk)
    if slug != idea.slug:
        return redirect(idea, permanent=True)
    return _render_detail(request, pk)


def _act(request: HttpRequest, pk: int, act: Any) -> HttpResponse:
    idea = get_object_or_404(Idea, pk=pk)
    try:
        result = act(idea)
    except REFUSALS as error:
        return error_response(request, error, idea.get_absolute_url())
    if wants_json(request):
        return JsonResponse(result)
    return redirect(idea)


@require_POST
def idea_vote(request: HttpRequest, pk: int) -> HttpResponse:
    support = request.POST.get("action") != "withdraw"
    return _act(
        request,
        pk,
        lambda idea: {
            "votes": services.idea_vote(user=request.user, idea=idea, support=support),
            "voted": support,
        },
    )


@require_POST
def idea_follow(request: HttpRequest, pk: int) -> HttpResponse:
    follow = request.POST.get("action") != "unfollow"

    def act(idea: Idea) -> dict[str, Any]:
        services.idea_follow(user=request.user, idea=idea, follow=follow)
        return {"following": follow}

    return _act(request, pk, act)


@require_POST
def idea_status(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(Idea, pk=pk)
    if not request.user.is_staff:
        return error_response(
            request,
            PermissionDenied(_("Only staff can set the status of an idea.")),
            idea.get_absolute_url(),
        )
    form = IdeaStatusForm(request.POST)
    if form.is_valid():
        try:
            services.idea_set_status(staff=request.user, idea=idea, **form.cleaned_data)
        except REFUSALS as error:
            form.add_error(None, messages_of(error)[0])
        else:
            messages.success(request, _("The status is set and followers are notified."))
            return redirect(idea)
    return _render_detail(request, pk, status_form=form, status=400)
