from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .services import consent_needed

# Pages a member may reach before accepting the new policies.
_OPEN_PREFIXES = ("/static/", "/media/", "/healthz", "/api/", "/admin/")
_OPEN_NAMES = {
    "privacy:consent", "privacy:terms", "privacy:policy", "account_logout", "set_language",
    "accounts:avatar",
}  # fmt: skip


class PolicyConsentMiddleware:
    """Send a member who has not accepted the current terms and privacy policy
    (a new version, or an account that never did) to the page that asks.

    Costs no query: the accepted versions are on the user row already loaded.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: object, *args: object
    ) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD") or not request.user.is_authenticated:
            return None
        if request.path.startswith(_OPEN_PREFIXES) or "application/json" in request.headers.get(
            "Accept", ""
        ):
            return None
        match = request.resolver_match
        name = (
            f"{match.namespace}:{match.url_name}"
            if match and match.namespace
            else (match.url_name if match else "")
        )
        if name in _OPEN_NAMES or not consent_needed(request.user):
            return None
        return redirect(
            reverse("privacy:consent") + "?" + urlencode({"next": request.get_full_path()})
        )
