from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing else, so the page
    benchmark also uses it as the framework's floor on this machine."""
    return HttpResponse("ok\n", content_type="text/plain")
