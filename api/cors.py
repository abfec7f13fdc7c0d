"""CORS for embedding clients, answered per API key.

A preflight cannot carry the key (browsers send no Authorization header on
it), so it is answered for any origin that some live key allows; the real
request is then checked against its own key's origins (``BearerAuthentication``)
and only a key's allowed origin gets ``Access-Control-Allow-Origin``.
Credentials (cookies) are never allowed cross-origin.
"""

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from .models import ApiKey

ORIGINS_CACHE_KEY = "api:key-origins"
ALLOWED_HEADERS = "Authorization, Content-Type, If-None-Match, Accept-Language"
EXPOSED_HEADERS = "ETag, Last-Modified, Retry-After, Location"


def known_origins() -> frozenset[str]:
    """Every origin some live key allows (cached for a minute)."""
    origins = cache.get(ORIGINS_CACHE_KEY)
    if origins is None:
        rows = ApiKey.objects.filter(revoked_at__isnull=True).values_list(
            "allowed_origins", flat=True
        )
        origins = frozenset(origin for row in rows for origin in row)
        cache.set(ORIGINS_CACHE_KEY, origins, 60)
    return origins


class ApiKeyCorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        origin = request.headers.get("Origin", "")
        if not request.path.startswith("/api/") or not origin:
            return self.get_response(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            if origin in known_origins():
                response["Access-Control-Allow-Origin"] = origin
                response["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE"
                response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
                response["Access-Control-Max-Age"] = "600"
            patch_vary_headers(response, ["Origin"])
            return response
        response = self.get_response(request)
        key = getattr(request, "api_key", None)
        if key is not None and key.allows_origin(origin):
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        patch_vary_headers(response, ["Origin"])
        return response
