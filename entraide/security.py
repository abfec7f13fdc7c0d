"""Content-Security-Policy header for every response.

The policy is ``settings.CONTENT_SECURITY_POLICY`` (one list of sources per
directive). A view that needs more replaces directives for its own responses
with the ``csp_override`` decorator (or by setting ``response.csp_override``
to a dict), for example the embed widget framed by a client's site::

    @xframe_options_exempt
    @csp_override({"frame-ancestors": ["https://help.example.com"]})
    def widget(request): ...
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def policy_header(override: dict[str, list[str]] | None = None) -> str:
    directives = {**settings.CONTENT_SECURITY_POLICY, **(override or {})}
    none = ["'none'"]
    return "; ".join(f"{name} {' '.join(sources or none)}" for name, sources in directives.items())


def csp_override(directives: dict[str, list[str]]) -> Callable[[Any], Any]:
    """Replace these directives of the policy on the decorated view's responses."""

    def decorate(view: Any) -> Any:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response.csp_override = {**getattr(response, "csp_override", {}), **directives}
            return response

        return wrapped

    return decorate


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.default = policy_header()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            override = getattr(response, "csp_override", None)
            response["Content-Security-Policy"] = (
                policy_header(override) if override else self.default
            )
        return response
