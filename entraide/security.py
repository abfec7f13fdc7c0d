"""Content-Security-Policy header for every response.

The policy is ``settings.CONTENT_SECURITY_POLICY`` (one list of sources per
directive). A view that must be framed by other sites (the embed widget)
sets ``response.csp_frame_ancestors = ["https://help.example.com"]``, which
replaces the ``frame-ancestors`` directive for that response only (and should
go with ``@xframe_options_exempt``).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def policy_header(frame_ancestors: list[str] | None = None) -> str:
    directives = dict(settings.CONTENT_SECURITY_POLICY)
    if frame_ancestors is not None:
        directives["frame-ancestors"] = frame_ancestors or ["'none'"]
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.default = policy_header()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            ancestors = getattr(response, "csp_frame_ancestors", None)
            response["Content-Security-Policy"] = (
                self.default if ancestors is None else policy_header(ancestors)
            )
        return response
