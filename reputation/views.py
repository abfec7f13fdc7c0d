"""Reputation pages: the privilege ladder, leaderboards and the staff's
community page. The profile and its reputation tab live in ``accounts.views``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qa import selectors as qa_selectors
from qa.models import Tag

from . import selectors, services
from .forms import SuperUserForm

LEADERBOARD_TAGS = 12


def privilege_list(request: HttpRequest) -> HttpResponse:
    standing = selectors.privilege_standing(viewer=request.user)
    return render(request, "reputation/privilege_list.html", {"standing": standing})


def leaderboard(request: HttpRequest) -> HttpResponse:
    period = selectors.Period.parse(request.GET.get("period"))
    tag_name = request.GET.get("tag", "").strip().lower()
    tag = get_object_or_404(Tag, name=tag_name) if tag_name else None
    context = {
        "period": period,
        "periods": selectors.Period.CHOICES,
        "period_start": selectors.period_start(period),
        "tag": tag,
        "tags": list(qa_selectors.tag_list()[:LEADERBOARD_TAGS]),
        "leaders": selectors.leaderboard(period=period, tag=tag),
    }
    return render(request, "reputation/leaderboard.html", context)


@login_required
def staff_community(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied(_("Only staff can see the community page."))
    form = SuperUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["user"]
        try:
            services.user_set_super_user(
                staff=request.user, user=member, is_super_user=form.is_super_user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if form.is_super_user:
                messages.success(request, _("%(name)s is now a super-user.") % {"name": member})
            else:
                messages.success(
                    request, _("%(name)s is no longer a super-user.") % {"name": member}
                )
            return redirect("reputation:staff_community")
    context = {
        "form": form,
        "candidates": selectors.super_user_candidates(),
        "quiet": selectors.quiet_leaders(),
        "super_users": selectors.super_users(),
    }
    return render(
        request, "reputation/staff_community.html", context, status=400 if form.errors else 200
    )
