"""Domain errors as HTTP answers, shared by every app's views.

A refused action answers JSON with the reason when the page script asks for
it (``Accept: application/json``), or a page with the reason otherwise;
either way with a 4xx status: 400 for bad input, 403 when not allowed, 409
when the state says no.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .errors import ApplicationError


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def status_for(error: Exception) -> int:
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, ApplicationError):
        return error.status_code
    return 400


def messages_of(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return [str(message) for message in error.messages]
    if isinstance(error, ApplicationError):
        return [error.message]
    return [str(error) or _("You are not allowed to do that.")]


def codes_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        items = [e for errors in error.error_dict.values() for e in errors]
    else:
        items = error.error_list
    return sorted({e.code for e in items if e.code})


def error_response(request: HttpRequest, error: Exception, back: str) -> HttpResponse:
    """Answer a refused action: JSON with the reason, or the page with a message."""
    status = status_for(error)
    if wants_json(request):
        body: dict[str, Any] = {"detail": " ".join(messages_of(error)), "status": status}
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            body["errors"] = error.message_dict
        if isinstance(error, ValidationError):
            # Lets the page script react to a kind of refusal (personal data found).
            body["codes"] = codes_of(error)
        return JsonResponse(body, status=status)
    return render(
        request,
        "qa/action_refused.html",
        {"errors": messages_of(error), "back": back},
        status=status,
    )
