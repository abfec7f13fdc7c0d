import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString

from seo.rules import absolute, faq_page, is_indexable, qa_page, wiki_page_is_indexable

register = template.Library()

# What must not appear raw inside a <script> element.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def json_ld(data: dict[str, Any] | None) -> SafeString:
    """``<script type="application/ld+json">`` holding ``data``, safe in HTML."""
    if not data:
        return SafeString("")
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', SafeString(text))


@register.simple_tag(takes_context=True)
def canonical(context: Any, path: str | None = None) -> str:
    """The absolute canonical URL: ``path``, or the request's path with only its
    page number kept (sort orders and filters are the same content)."""
    if path is not None:
        return absolute(path)
    request = context["request"]
    page = request.GET.get("page", "")
    suffix = f"?page={page}" if page.isdigit() and int(page) > 1 else ""
    return absolute(request.path) + suffix


@register.simple_tag
def qa_json_ld(page: Any) -> SafeString:
    """The question page's QAPage JSON-LD (empty when it does not qualify)."""
    return json_ld(qa_page(page.question, page.answers))


@register.simple_tag(takes_context=True)
def faq_json_ld(context: Any, sections: Any) -> SafeString:
    """The FAQ page's FAQPage JSON-LD: every published entry it shows."""
    entries = [(e.question, e.answer_html) for section in sections for e in section.entries]
    return json_ld(faq_page(entries, url=context["request"].path))


@register.filter
def indexable(question: Any) -> bool:
    return is_indexable(question)


@register.filter
def wiki_indexable(page: Any) -> bool:
    return wiki_page_is_indexable(page)
