"""One error format for the whole API: RFC 9457 problem documents.

Every refusal — a service's ``ValidationError``/``PermissionDenied``/
``ApplicationError``, DRF's parse, auth, method, media-type and throttling
errors, an unknown URL under ``/api/`` and a crash — answers
``application/problem+json``::

    {"type": "/api/problems/validation-error", "title": "Your request has invalid fields.",
     "status": 400, "detail": "…", "instance": "/api/v1/questions/",
     "code": "validation-error",
     "errors": [{"pointer": "#/title", "detail": "The title must be …", "code": "too_short"}]}
"""

import json
import logging
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import DisallowedHost, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions

from entraide.errors import ApplicationError

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"


@dataclass(frozen=True)
class ProblemType:
    status: int
    title: Any
    description: Any


# Each ``type`` URI (``/api/problems/<code>``) is documented by this table.
PROBLEM_TYPES: dict[str, ProblemType] = {
    "validation-error": ProblemType(
        400,
        _("Your request has invalid fields."),
        _(
            "One or more fields are missing, of the wrong type or break a rule; "
            "``errors`` lists each with a JSON pointer to the field."
        ),
    ),
    "malformed-request": ProblemType(
        400,
        _("The request body could not be read."),
        _("The body is not valid JSON, or not a JSON object."),
    ),
    "bad-request": ProblemType(
        400,
        _("The request could not be understood."),
        _(
            "Something about the request itself is wrong — a Host header naming another "
            "site, a malformed header; ``detail`` says what."
        ),
    ),
    "credentials-in-url": ProblemType(
        400,
        _("Credentials must not be sent in the URL."),
        _(
            "URLs end up in logs, histories and Referer headers. Send a token or an API key "
            "in the Authorization header: ``Authorization: Bearer <token>``."
        ),
    ),
    "invalid-cursor": ProblemType(
        400,
        _("The cursor is not valid."),
        _("Use the ``next`` or ``previous`` links of a list exactly as they were returned."),
    ),
    "not-authenticated": ProblemType(
        401,
        _("Authentication is needed."),
        _("Log in, or send a personal access token or an API key in the Authorization header."),
    ),
    "authentication-failed": ProblemType(
        401,
        _("The credentials were refused."),
        _("The token or API key is unknown, malformed or revoked."),
    ),
    "forbidden": ProblemType(
        403,
        _("You are not allowed to do this."),
        _(
            "The action needs a privilege, an owner, a scope or an origin you do not have; "
            "``detail`` says which."
        ),
    ),
    "origin-not-allowed": ProblemType(
        403,
        _("This API key may not be used from this origin."),
        _(
            "A browser sent the request from an origin the key does not list; staff add "
            "origins to the key."
        ),
    ),
    "not-found": ProblemType(404, _("Not found."), _("Nothing exists at this URL.")),
    "method-not-allowed": ProblemType(
        405,
        _("This method is not allowed here."),
        _("The ``Allow`` header lists the methods this URL accepts."),
    ),
    "not-acceptable": ProblemType(
        406, _("No acceptable representation."), _("The API answers application/json.")
    ),
    "conflict": ProblemType(
        409,
        _("The current state does not allow this."),
        _(
            "The request is valid and allowed, but conflicts with the current state (voting "
            "twice, accepting an accepted answer); ``code`` names the conflict."
        ),
    ),
    "payload-too-large": ProblemType(
        413,
        _("The request body is too large."),
        _("Bodies are limited in size; ``detail`` gives the limit."),
    ),
    "unsupported-media-type": ProblemType(
        415,
        _("Unsupported media type."),
        _("Send request bodies as ``application/json``."),
    ),
    "rate-limited": ProblemType(
        429,
        _("Too many requests."),
        _(
            "Wait the number of seconds in the ``Retry-After`` header. Writes are limited "
            "harder than reads."
        ),
    ),
    "server-error": ProblemType(
        500, _("Something went wrong on our side."), _("The error has been logged.")
    ),
    "service-unavailable": ProblemType(
        503,
        _("The service is briefly unavailable."),
        _(
            "A part the site needs (its database or cache) does not answer. Nothing was "
            "changed; send the request again after the seconds given in ``Retry-After``."
        ),
    ),
}


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_detail = _("The request body is too large.")
    default_code = "payload-too-large"


class InvalidCursor(exceptions.APIException):
    status_code = 400
    default_detail = _("This cursor is not valid: use a next or previous link as returned.")
    default_code = "invalid-cursor"


class CredentialsInUrl(exceptions.APIException):
    status_code = 400
    default_detail = _(
        "Credentials must not be sent in the URL; send them in the Authorization header."
    )
    default_code = "credentials-in-url"


class OriginNotAllowed(exceptions.APIException):
    status_code = 403
    default_detail = _("This API key may not be used from this origin.")
    default_code = "origin-not-allowed"


_DRF_CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ParseError, "malformed-request"),
    (exceptions.NotAuthenticated, "not-authenticated"),
    (exceptions.AuthenticationFailed, "authentication-failed"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.NotAcceptable, "not-acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported-media-type"),
    (exceptions.Throttled, "rate-limited"),
    (exceptions.ValidationError, "validation-error"),
    (exceptions.PermissionDenied, "forbidden"),
]


def _pointer(path: list[Any]) -> str:
    return "#/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in path)


def _flatten(detail: Any, path: list[Any]) -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of ``{pointer, detail, code}``."""
    if isinstance(detail, dict):
        return [item for key, value in detail.items() for item in _flatten(value, [*path, key])]
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [
                {
                    "pointer": _pointer(path),
                    "detail": str(item),
                    "code": getattr(item, "code", "invalid"),
                }
                for item in detail
            ]
        return [
            item for index, value in enumerate(detail) for item in _flatten(value, [*path, index])
        ]
    return [{"pointer": _pointer(path), "detail": str(detail), "code": getattr(detail, "code", "")}]


# Errors about the request as a whole rather than one field ("#/" is the root).
_NON_FIELD = {"", "__all__", "non_field_errors"}


def _field_errors(errors: list[dict[str, str]]) -> tuple[str, list[dict[str, str]]]:
    """Split errors into ``detail`` (about the whole request) and field errors."""
    general = [e["detail"] for e in errors if e["pointer"][2:] in _NON_FIELD]
    return " ".join(general), [e for e in errors if e["pointer"][2:] not in _NON_FIELD]


def _validation_errors(error: ValidationError) -> list[dict[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            {"pointer": _pointer([field]), "detail": str(message), "code": item.code or "invalid"}
            for field, items in error.error_dict.items()
            for item in items
            for message in item.messages
        ]
    return [
        {"pointer": "#/", "detail": str(message), "code": item.code or "invalid"}
        for item in error.error_list
        for message in item.messages
    ]


def problem_response(
    request: HttpRequest | None,
    code: str,
    *,
    detail: str = "",
    status: int | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    conflict: str = "",
) -> HttpResponse:
    problem_type = PROBLEM_TYPES[code]
    status = status or problem_type.status
    body: dict[str, Any] = {
        "type": f"/api/problems/{code}",
        "title": str(problem_type.title),
        "status": status,
        "detail": detail or str(problem_type.title),
        "code": conflict or code,
    }
    if request is not None:
        body["instance"] = request.path
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def problem_for(exc: Exception, request: HttpRequest | None) -> HttpResponse | None:
    """The problem document for an exception, or None when it is not ours to answer."""
    if isinstance(exc, ValidationError):
        general, fields = _field_errors(_validation_errors(exc))
        detail = general or str(PROBLEM_TYPES["validation-error"].title)
        return problem_response(request, "validation-error", detail=detail, errors=fields)
    if isinstance(exc, ApplicationError):
        return problem_response(
            request, "conflict", detail=exc.message, status=exc.status_code, conflict=exc.code
        )
    if isinstance(exc, Http404):
        return problem_response(request, "not-found", detail=str(exc) or "")
    if isinstance(exc, PermissionDenied):
        return problem_response(
            request, "forbidden", detail=str(exc) or str(PROBLEM_TYPES["forbidden"].title)
        )
    if not isinstance(exc, exceptions.APIException):
        return None
    code = str(getattr(exc, "default_code", ""))
    if code not in PROBLEM_TYPES:
        code = next((c for cls, c in _DRF_CODES if isinstance(exc, cls)), "")
    if not code:
        code = "forbidden" if exc.status_code == 403 else "malformed-request"
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    wait = getattr(exc, "wait", None)
    if isinstance(exc, exceptions.Throttled) and wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(wait)))
    if isinstance(exc.detail, dict | list):
        general, fields = _field_errors(_flatten(exc.detail, []))
        return problem_response(
            request,
            code,
            detail=general or str(PROBLEM_TYPES[code].title),
            status=exc.status_code,
            errors=fields,
            headers=headers,
        )
    detail = str(exc.detail)
    if isinstance(exc, exceptions.Throttled) and "Retry-After" in headers:
        detail = str(_("Too many requests: try again in %(seconds)s seconds.")) % {
            "seconds": headers["Retry-After"]
        }
    return problem_response(request, code, detail=detail, status=exc.status_code, headers=headers)


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponse | None:
    """DRF's EXCEPTION_HANDLER: every refusal as a problem document."""
    from rest_framework.views import set_rollback  # imports the settings that import us

    request = context.get("request")
    response = problem_for(exc, getattr(request, "_request", request))
    if response is not None:
        set_rollback()
    return response


def is_api_path(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for a URL no route matches: a problem document under /api/."""
    if is_api_path(request):
        return problem_response(request, "not-found", detail=str(_("Nothing exists at this URL.")))
    return defaults.page_not_found(request, exception)


def handler400(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 for a request refused before any view (a Host header not in
    ``ALLOWED_HOSTS``, a suspicious operation): a problem document under /api/."""
    if is_api_path(request):
        detail = _("The request could not be understood.")
        if isinstance(exception, DisallowedHost):
            # Not Django's message: it tells the sender how to configure our server.
            detail = _("The Host header names a site this server does not serve.")
        return problem_response(request, "bad-request", detail=str(detail))
    return defaults.bad_request(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if is_api_path(request):
        return problem_response(request, "server-error")
    return defaults.server_error(request)
