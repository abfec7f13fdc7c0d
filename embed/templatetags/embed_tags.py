from urllib.parse import urlencode

from django import template
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from qa.models import Post

register = template.Library()


@register.simple_tag(takes_context=True)
def oembed_discovery(context: template.Context, question: Post) -> SafeString | str:
    """The oEmbed discovery link of a question page (when it has an answer to embed)."""
    request: HttpRequest | None = context.get("request")
    if request is None or not question.answer_count or question.is_deleted:
        return ""
    page = request.build_absolute_uri(question.get_absolute_url())
    query = urlencode({"url": page, "format": "json"})
    return format_html(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="{}">',
        request.build_absolute_uri(f"/api/v1/oembed?{query}"),
        question.title,
    )
