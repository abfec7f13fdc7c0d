"""Staff pages: register endpoints, read the delivery log."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import services
from .forms import EndpointForm
from .models import Delivery, Endpoint

LOG_SIZE = 100


def _require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff:
        raise PermissionDenied(_("Only staff manage webhooks."))


@login_required
def endpoint_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(staff=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("webhooks:endpoint_detail", pk=endpoint.pk)
    endpoints = Endpoint.objects.order_by("-is_active", "name")
    return render(
        request,
        "webhooks/endpoint_list.html",
        {"form": form, "endpoints": endpoints},
        status=400 if form.errors else 200,
    )


@login_required
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    endpoint = get_object_or_404(Endpoint, pk=pk)
    if request.method == "POST":
        services.endpoint_set_active(
            staff=request.user, endpoint=endpoint, is_active=request.POST.get("active") == "1"
        )
        return redirect("webhooks:endpoint_detail", pk=endpoint.pk)
    deliveries = (
        Delivery.objects.filter(endpoint=endpoint)
        .prefetch_related("log")
        .order_by("-created_at", "-id")[:LOG_SIZE]
    )
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {"endpoint": endpoint, "deliveries": deliveries},
    )
