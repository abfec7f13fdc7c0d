"""The inbox: list, open (marks read and follows the link), mark read, mark all read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from entraide.http import wants_json

from . import selectors, services
from .kinds import KINDS
from .models import Notification


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    page = selectors.inbox(user=request.user, page=request.GET.get("page"), unread_only=unread_only)
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "kinds": KINDS},
    )


def _read(request: HttpRequest, pk: int) -> Notification:
    try:
        return services.notification_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist:
        raise Http404("No such notification.") from None


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read (the inbox's and e-mails' links)."""
    return redirect(_read(request, pk).url)


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    _read(request, pk)
    if wants_json(request):
        return JsonResponse({"read": pk, "unread": selectors.unread_count_now(request.user)})
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.notifications_read_all(user=request.user)
    if wants_json(request):
        return JsonResponse({"read": count, "unread": 0})
    messages.success(
        request,
        ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", count)
        % {"n": count}
        if count
        else _("Nothing was unread."),
    )
    return redirect("notifications:inbox")
