"""HTML pages for credentials: a member's tokens, the staff's API keys.

A new secret is shown once, in the answer to the POST that made it, and
never stored: the page is marked no-store.
"""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.models import User
from entraide.errors import ApplicationError
from entraide.http import messages_of

from . import services
from .forms import ApiKeyForm, TokenForm
from .models import ApiKey, PersonalAccessToken, Scope


def _add_error(form: TokenForm | ApiKeyForm, error: Exception) -> None:
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, " ".join(messages_of(error)))


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                can_write=form.cleaned_data["can_write"],
            )
        except (ValidationError, PermissionDenied, ApplicationError) as error:
            _add_error(form, error)
        else:
            form = TokenForm()
    tokens = PersonalAccessToken.objects.filter(user=cast(User, request.user)).order_by(
        "revoked_at", "-created_at"
    )
    status = 400 if form.errors else 200
    return render(
        request,
        "api/token_list.html",
        {"form": form, "created": created, "tokens": tokens},
        status=status,
    )


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("api_pages:token_list")
    token = get_object_or_404(PersonalAccessToken, pk=pk, user=request.user)
    services.token_revoke(user=request.user, token=token)
    return redirect("api_pages:token_list")


def _require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied(_("Only staff manage API keys."))


@never_cache
@login_required
def api_key_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = ApiKeyForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.api_key_create(
                staff=request.user,
                name=form.cleaned_data["name"],
                allowed_origins=form.origins(),
                scopes=[Scope.FEEDBACK] if form.cleaned_data["feedback"] else [],
                requests_per_minute=form.cleaned_data["requests_per_minute"],
            )
        except (ValidationError, PermissionDenied, ApplicationError) as error:
            _add_error(form, error)
        else:
            form = ApiKeyForm()
    keys = ApiKey.objects.order_by("revoked_at", "name")
    status = 400 if form.errors else 200
    return render(
        request,
        "api/api_key_list.html",
        {"form": form, "created": created, "keys": keys},
        status=status,
    )


@login_required
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    if request.method == "POST":
        services.api_key_revoke(staff=request.user, key=get_object_or_404(ApiKey, pk=pk))
    return redirect("api_pages:api_key_list")
