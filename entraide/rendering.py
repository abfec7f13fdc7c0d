"""Markdown to safe HTML, in one place.

Posts, comments (and later wiki pages and FAQ entries) store their Markdown
source and the HTML rendered from it; both are written together when the
content is saved, and pages only ever print the stored HTML. Whatever the
Markdown library lets through, nh3's allow-list is the last word.
"""

import html as html_lib
import re
import threading
import xml.etree.ElementTree as etree
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from pygments.formatters.html import HtmlFormatter  # type: ignore[import-untyped]

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


# Python-Markdown's inline patterns, and a text that can start none of them:
# backticks and escapes, links and images, autolinks, raw HTML, entities,
# emphasis, and the two spaces of a line break.
_INLINE_PATTERNS = {
    *("backtick", "escape", "reference", "link", "image_link", "image_reference"),
    *("short_reference", "short_image_ref", "autolink", "automail", "linebreak"),
    *("html", "entity", "em_strong"),
}  # fmt: skip
_INLINE_MARKUP = re.compile(r"[`\\\[<&*_]|  \n")


class _QuickInlineProcessor(InlineProcessor):
    """Python-Markdown's inline pass, which tries every pattern on every
    piece of text; most pieces hold no character a pattern could start with,
    and are left as they are without trying them (a third of the pass)."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        # Only the patterns known here: another extension's could match more.
        patterns = self.md.inlinePatterns
        self.quick = len(patterns) == len(_INLINE_PATTERNS) and all(
            name in patterns for name in _INLINE_PATTERNS
        )
        return super().run(tree, ancestors)

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if self.quick and not _INLINE_MARKUP.search(data):
            return data
        return super()._InlineProcessor__handleInline(data, patternIndex)  # type: ignore[misc]


class _QuickInlineExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # In the place (priority 20) Python-Markdown gives its own.
        md.treeprocessors.register(_QuickInlineProcessor(md), "inline", 20)


class _HtmlFormatter(HtmlFormatter):
    """Pygments' HTML formatter, with its token-to-class tables computed once
    per style: codehilite builds a formatter for every code block, and
    building the tables cost more than highlighting a short block."""

    _tables: dict[tuple[Any, str], tuple[dict[Any, str], dict[str, Any]]] = {}
    ttype2class: dict[Any, str]
    class2style: dict[str, Any]

    def _create_stylesheet(self) -> None:
        key = (self.style, self.classprefix)
        tables = self._tables.get(key)
        if tables is None:
            super()._create_stylesheet()
            tables = self._tables[key] = (self.ttype2class, self.class2style)
        # Copies: the tables are the formatter's own attributes.
        self.ttype2class, self.class2style = dict(tables[0]), dict(tables[1])


_EXTENSIONS: list[Any] = ["fenced_code", "codehilite", "tables", "sane_lists"]
_CONFIGS: dict[str, Any] = {
    "codehilite": {
        "guess_lang": False,
        "css_class": "codehilite",
        "pygments_formatter": _HtmlFormatter,
    }
}
_local = threading.local()


def _markdown(source: str) -> str:
    # Building a converter loads its extensions each time (a third of a
    # render); one per thread, reset between documents, renders the same.
    md = getattr(_local, "markdown", None)
    if md is None:
        md = _local.markdown = markdown.Markdown(
            extensions=[*_EXTENSIONS, _PrivacyExtension(), _QuickInlineExtension()],
            extension_configs=_CONFIGS,
            output_format="html",
        )
    return md.reset().convert(source)


def _cleaner(tags: set[str], attributes: dict[str, set[str]]) -> nh3.Cleaner:
    # Built once per allow-list: nh3.clean() converts its settings on every call.
    return nh3.Cleaner(
        tags=tags,
        clean_content_tags={"script", "style"},
        attributes=attributes,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


_BLOCK_CLEANER = _cleaner(BLOCK_TAGS, ATTRIBUTES)
_TOC_CLEANER = _cleaner(BLOCK_TAGS, {**ATTRIBUTES, **{tag: {"id"} for tag in HEADINGS}})
_INLINE_CLEANER = _cleaner(INLINE_TAGS, {"a": ATTRIBUTES["a"]})
_TEXT_CLEANER = nh3.Cleaner(tags=set())


def render_markdown(source: str) -> str:
    """Render block Markdown (posts, pages) to sanitised HTML."""
    return _BLOCK_CLEANER.clean(_markdown(source))


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
        extensions=[*_EXTENSIONS, _PrivacyExtension(), _QuickInlineExtension(), "toc"],
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
    return _TOC_CLEANER.clean(html), _toc_html(converter.toc_tokens)  # type: ignore[attr-defined]


def render_inline_markdown(source: str) -> str:
    """Render a comment: links, code, emphasis; no blocks, headings or images."""
    return _INLINE_CLEANER.clean(_markdown(source)).strip()


def excerpt(text: str, length: int = 200) -> str:
    """The first ``length`` characters, cut at a word, with an ellipsis."""
    if len(text) <= length:
        return text
    return text[: length - 1].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def plain_text(html: str) -> str:
    """Strip every tag: used for excerpts and meta descriptions."""
    return " ".join(html_lib.unescape(_TEXT_CLEANER.clean(html)).split())
