from urllib.parse import urlencode

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from qa.models import Post
from wiki.models import FaqEntry

register = template.Library()


@register.simple_tag(takes_context=True)
def oembed_discovery(context: template.Context, item: Post | FaqEntry) -> SafeString | str:
    """The oEmbed discovery link of a question page (when it has an answer to
    embed) or of a published FAQ entry's page."""
    request: HttpRequest | None = context.get("request")
    if request is None:
        return ""
    if isinstance(item, FaqEntry):
        if not item.is_published:
            return ""
        title = item.question
    else:
        if not item.answer_count or item.is_deleted:
            return ""
        title = item.title
    page = request.build_absolute_uri(item.get_absolute_url())
    query = urlencode({"url": page, "format": "json"})
    return format_html(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="{}">',
        request.build_absolute_uri(f"/api/v1/oembed?{query}"),
        title,
    )
