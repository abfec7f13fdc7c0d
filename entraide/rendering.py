"""Markdown to safe HTML, in one place.

Posts, comments (and later wiki pages and FAQ entries) store their Markdown
source and the HTML rendered from it; both are written together when the
content is saved, and pages only ever print the stored HTML. Whatever the
Markdown library lets through, nh3's allow-list is the last word.
"""

import html as html_lib
import threading
import xml.etree.ElementTree as etree
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

BLOCK_TAGS = {
    "p", "br", "hr", "pre", "code", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
    "div", "span", "em", "strong", "del", "s", "sup", "sub", "kbd", "a", "img", "dl", "dt", "dd",
}  # fmt: skip
INLINE_TAGS = {"a", "code", "em", "strong", "del", "s", "kbd", "br"}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    # Pygments marks tokens with short class names (``k``, ``nf``) inside
    # ``div.codehilite``; allowing ``class`` there keeps highlighting.
    "div": {"class"},
    "span": {"class"},
    "code": {"class"},
    "pre": {"class"},
    "ol": {"start"},
}
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Heading anchors carry a prefix, so a page's own ids can never be clobbered.
ANCHOR_PREFIX = "s-"
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def _is_local(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Pages load nothing from other hosts, so only images served by the site
    # itself keep their ``src``; remote ones were turned into links earlier.
    if tag == "img" and attribute == "src" and not _is_local(value):
        return None
    if attribute == "id" and not value.startswith(ANCHOR_PREFIX):
        return None
    return value


class _RemoteImagesToLinks(Treeprocessor):
    """Replace ``![alt](https://other.host/x.png)`` by a link to the image."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in enumerate(list(parent)):
                if child.tag != "img" or _is_local(child.get("src", "")):
                    continue
                link = etree.Element("a", {"href": child.get("src", "")})
                link.text = child.get("alt") or child.get("src", "")
                link.tail = child.tail
                parent.remove(child)
                parent.insert(index, link)


class _PrivacyExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_RemoteImagesToLinks(md), "remote_images", 1)


_EXTENSIONS: list[Any] = ["fenced_code", "codehilite", "tables", "sane_lists"]
_CONFIGS: dict[str, Any] = {"codehilite": {"guess_lang": False, "css_class": "codehilite"}}
_local = threading.local()


def _markdown(source: str) -> str:
    # Building a converter loads its extensions each time (a third of a
    # render); one per thread, reset between documents, renders the same.
    md = getattr(_local, "markdown", None)
    if md is None:
        md = _local.markdown = markdown.Markdown(
            extensions=[*_EXTENSIONS, _PrivacyExtension()],
            extension_configs=_CONFIGS,
            output_format="html",
        )
    return md.reset().convert(source)


def _clean(html: str, tags: set[str], attributes: dict[str, set[str]]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags={"script", "style"},
        attributes=attributes,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Render block Markdown (posts, pages) to sanitised HTML."""
    return _clean(_markdown(source), BLOCK_TAGS, ATTRIBUTES)


def _toc_html(tokens: list[dict[str, Any]]) -> str:
    if not tokens:
        return ""
    items = "".join(
        '<li><a href="#{}">{}</a>{}</li>'.format(
            html_lib.escape(token["id"]),
            # The token's name is already escaped once by Markdown.
            html_lib.escape(html_lib.unescape(token["name"])),
            _toc_html(token["children"]),
        )
        for token in tokens
    )
    return f"<ol>{items}</ol>"


def render_markdown_with_toc(source: str) -> tuple[str, str]:
    """Render block Markdown (wiki pages, FAQ answers) with an anchor on each
    heading; return the sanitised HTML and its table of contents (nested
    ``<ol>`` of the level 2 to 4 headings, empty when there are none)."""
    converter = markdown.Markdown(
        extensions=[*_EXTENSIONS, _PrivacyExtension(), "toc"],
        extension_configs={
            **_CONFIGS,
            "toc": {
                "toc_depth": "2-4",
                "marker": "",
                "slugify": lambda value, separator: ANCHOR_PREFIX + slugify(value, separator),
            },
        },
        output_format="html",
    )
    html = converter.convert(source)
    attributes = {**ATTRIBUTES, **{tag: {"id"} for tag in HEADINGS}}
    return _clean(html, BLOCK_TAGS, attributes), _toc_html(converter.toc_tokens)  # type: ignore[attr-defined]


def render_inline_markdown(source: str) -> str:
    """Render a comment: links, code, emphasis; no blocks, headings or images."""
    html = _markdown(source)
    inline_attributes: dict[str, Any] = {"a": ATTRIBUTES["a"]}
    cleaned = _clean(html, INLINE_TAGS, inline_attributes)
    return cleaned.strip()


def excerpt(text: str, length: int = 200) -> str:
    """The first ``length`` characters, cut at a word, with an ellipsis."""
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def plain_text(html: str) -> str:
    """Strip every tag: used for excerpts and meta descriptions."""
    return " ".join(html_lib.unescape(nh3.clean(html, tags=set())).split())
