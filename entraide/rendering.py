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
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def _is_local(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Pages load nothing from other hosts, so only images served by the site
    # itself keep their ``src``; remote ones were turned into links earlier.
    if tag == "img" and attribute == "src" and not _is_local(value):
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


_local = threading.local()


def _markdown(source: str) -> str:
    # Building a converter loads its extensions each time (a third of a
    # render); one per thread, reset between documents, renders the same.
    md = getattr(_local, "markdown", None)
    if md is None:
        md = _local.markdown = markdown.Markdown(
            extensions=["fenced_code", "codehilite", "tables", "sane_lists", _PrivacyExtension()],
            extension_configs={"codehilite": {"guess_lang": False, "css_class": "codehilite"}},
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
