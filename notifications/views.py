"""The inbox (list, open, mark read, mark all read), e-mail settings, one-click
unsubscribe, and following questions, tags and categories."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from entraide.http import error_response, wants_json
from qa.models import Category, Post, Tag

from . import follows, mail, preferences, selectors, services
from .forms import MailPreferencesForm
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


# E-mail settings and one-click unsubscribe --------------------------------------


@login_required
def mail_settings(request: HttpRequest) -> HttpResponse:
    form = MailPreferencesForm(
        request.POST or None, initial=preferences.mail_preferences(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            preferences.mail_preferences_set(user=request.user, frequencies=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your e-mail settings are saved."))
            return redirect("notifications:settings")
    status = 400 if form.errors else 200
    return render(request, "notifications/settings.html", {"form": form}, status=status)


@csrf_exempt  # the signed token is the credential; mail clients post without a CSRF token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058 one-click unsubscribe: a POST stops the e-mail at once; a GET
    (a person clicking the link, or a scanner) only shows the button."""
    try:
        user_id, kind = mail.unsubscribe_token_read(token)
    except signing.BadSignature:
        return render(
            request,
            "notifications/unsubscribe.html",
            {"invalid": True},
            status=400,
        )
    context: dict[str, Any] = {"kind_label": KINDS[kind].label if kind else None}
    if request.method == "POST":
        preferences.mail_unsubscribe(user_id=user_id, kind=kind)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)


# Following ------------------------------------------------------------------------


def _follow_target(kind: str, key: Any) -> dict[str, Any]:
    if kind == "question":
        question = Post.objects.questions().visible().filter(pk=key).first()
        if question is None:
            raise Http404("No such question.")
        return {"question": question}
    if kind == "tag":
        return {"tag": get_object_or_404(Tag, name=key)}
    return {"category": get_object_or_404(Category, slug=key)}


@require_POST
def follow(request: HttpRequest, kind: str, key: Any) -> HttpResponse:
    """Follow or stop following (``action=unfollow``) a question, tag or category."""
    target = _follow_target(kind, key)
    back = next(iter(target.values())).get_absolute_url()
    if not request.user.is_authenticated:
        return error_response(request, PermissionDenied(_("You must log in to follow.")), back)
    stop = request.POST.get("action") == "unfollow"
    try:
        if stop:
            follows.follow_remove(user=request.user, **target)
        else:
            follows.follow_add(user=request.user, **target)
    except (ValidationError, PermissionDenied) as error:
        return error_response(request, error, back)
    if wants_json(request):
        return JsonResponse({"following": not stop})
    return redirect(back)
