import sys

import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache

from api.problems import handler500, is_api_path, problem_response

from . import health

# A part the site needs does not answer (PostgreSQL stopped or restarting,
# Redis gone, a lock or statement timeout): the request changed nothing, and
# the same request will work again in a moment.
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)
RETRY_AFTER_SECONDS = 5


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing else, so the page
    benchmark also uses it as the framework's floor on this machine."""
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, the cache and the search engine answer.

    503 names the failing parts, so a load balancer stops sending traffic
    here and an operator sees why. One cheap probe per part.
    """
    results = health.readiness()
    failing = [result.name for result in results if not result.ok]
    body = {
        "status": "unavailable" if failing else "ok",
        "failing": failing,
        "checks": {result.name: result.as_dict() for result in results},
    }
    return JsonResponse(body, status=503 if failing else 200)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler: 503 with Retry-After when a backing service is down.

    Django calls it while handling the exception, so ``sys.exc_info()`` holds
    it. The page is rendered without the request: its context processors
    would ask the database that just failed.
    """
    error = sys.exc_info()[1]
    if not isinstance(error, UNAVAILABLE_ERRORS):
        return handler500(request)
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if is_api_path(request):
        return problem_response(request, "service-unavailable", headers=headers)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    for name, value in headers.items():
        response[name] = value
    return response
