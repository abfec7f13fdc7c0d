"""robots.txt and the sitemaps."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_page

from .rules import absolute

# Actions, personal pages and staff tools: nothing for a search engine.
DISALLOWED = [
    "/accounts/",
    "/admin/",
    "/notifications/",
    "/staff/",
    "/community/spotlight/",
    "/posts/",
    "/questions/ask/",
    "/ideas/new/",
    "/bounties/",
    "/faq/new/",
    "/faq/desk/",
    "/faq/reverify/",
    # Wiki actions (_edit, _history …): a slug never starts with "_".
    "/wiki/_",
    "/wiki/*/_",
]


@cache_page(3600)
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), ""]
    lines.append(f"Sitemap: {absolute('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
