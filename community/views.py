"""Member recognition: the community page (spotlight, top contributors of the
week per category) and staff's spotlight page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from entraide.http import error_response

from . import selectors, services
from .forms import SpotlightForm


def community(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "community/community.html",
        {
            "spotlight": selectors.spotlight_current(),
            "top": selectors.top_contributors_week(),
        },
    )


@login_required
def spotlight_staff(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        return error_response(request, PermissionDenied(_("This page is for staff.")), "/")
    form = SpotlightForm(request.POST or None, initial={"username": request.GET.get("username")})
    if request.method == "POST" and request.POST.get("action") == "end":
        services.spotlight_end(staff=request.user)
        messages.success(request, _("The spotlight is ended; the top suggestion shows instead."))
        return redirect("community:spotlight")
    if request.method == "POST" and form.is_valid():
        try:
            services.spotlight_set(staff=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The member is in the spotlight on the home page."))
            return redirect("community:spotlight")
    return render(
        request,
        "community/spotlight_staff.html",
        {
            "form": form,
            "current": selectors.spotlight_current(),
            "suggestions": selectors.spotlight_suggestions(limit=10),
        },
        status=400 if form.errors else 200,
    )
