"""Stack Exchange markup to our Markdown source, and hostile content found first.

Post bodies in a dump are HTML (what Stack Exchange rendered); comments are
their Markdown-like source. We store Markdown and render it through
``entraide.rendering`` like any other post, so an imported post can be
edited like a native one. ``html-to-markdown`` writes CommonMark; our
renderer is Python-Markdown, so its output is adjusted where the two differ
(escapes Python-Markdown does not know, fenced code inside lists and quotes).

A body carrying active content (scripts, frames, event handlers,
``javascript:`` links) cannot come from a genuine Stack Exchange site, whose
own sanitiser forbids it: the row is reported and skipped rather than
imported in part. Our renderer's allow-list would strip it anyway.
"""

import re
from html.parser import HTMLParser

from html_to_markdown import _html_to_markdown as native

# The extension's own options and converter: the package's Python wrapper
# rebuilds these options on every call, which costs as much as converting.
_OPTIONS = native.ConversionOptions(
    escape_asterisks=True,
    escape_underscores=True,
    # Python-Markdown nests lists by four spaces, not two.
    list_indent_width=4,
    autolinks=False,
    # Our allow-list keeps these; Markdown has no syntax for them.
    preserve_tags=["kbd", "sup", "sub", "del", "s"],
    extract_metadata=False,
)

_CODE = re.compile(r"(<(pre|code)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
# Text that Markdown would read as markup: "<" opens raw HTML, an entity
# spelled out would turn into its character, a backtick opens code.
_TEXT_MARKUP = re.compile(r"&lt;|&amp;(?=#?\w+;)|`")
_TEXT_ESCAPES = {"&lt;": "&amp;lt;", "`": "&amp;#96;"}
_FENCE = re.compile(r"^(?P<prefix>(?:>[ ]?)*[ ]*)(?P<fence>`{3,}|~{3,})")
_STRIKE = re.compile(r"<(/?)strike\b", re.IGNORECASE)


def html_to_source(html: str) -> str:
    """Convert a post body (HTML) to Markdown for ``entraide.rendering``."""
    html = _STRIKE.sub(r"<\1del", _escape_text(html))
    markdown = native.convert(html, _OPTIONS).content or ""
    return _fences_for_python_markdown(markdown).strip()


def _escape_text(html: str) -> str:
    """Keep text markup-like characters as entities in the Markdown, outside code.

    The converter decodes entities, so they are escaped twice: ``&lt;`` in
    the HTML is ``&lt;`` in the Markdown, which renders as ``<``.
    """
    parts = _CODE.split(html)
    # split() returns [text, code, tag name, text, code, tag name, ...].
    for index in range(0, len(parts), 3):
        parts[index] = _TEXT_MARKUP.sub(
            lambda m: _TEXT_ESCAPES.get(m.group(), "&amp;amp;"), parts[index]
        )
    return "".join(part for index, part in enumerate(parts) if index % 3 != 2)


def _fences_for_python_markdown(markdown: str) -> str:
    """Python-Markdown's fenced blocks work only at the top level: a fence
    inside a list item or a quote becomes an indented code block there."""
    if "```" not in markdown and "~~~" not in markdown:
        return markdown
    out: list[str] = []
    fence = ""  # the open fence, "" outside code
    prefix = ""  # the open fence's indentation or quote marks
    for line in markdown.split("\n"):
        if fence:
            rest = line[len(prefix) :]
            closing = rest.startswith(fence) and not rest.strip(fence[0]).strip()
            if closing:
                fence = ""
                out.append(prefix.rstrip() if prefix else line)
            elif prefix:
                body = rest if line.startswith(prefix) else line.lstrip(" >")
                out.append(f"{prefix}    {body}" if body else prefix.rstrip())
            else:
                out.append(line)
            continue
        opening = _FENCE.match(line)
        if opening:
            fence, prefix = opening.group("fence"), opening.group("prefix")
            out.append(prefix.rstrip() if prefix else line)
            continue
        out.append(line)
    return "\n".join(out)


# Hostile content -----------------------------------------------------------------

_ACTIVE_TAGS = {
    *("script", "style", "iframe", "frame", "frameset", "object", "embed", "applet"),
    *("form", "input", "button", "textarea", "select", "base", "meta", "link"),
    *("svg", "math", "template", "noscript", "portal"),
}  # fmt: skip
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "livescript:")
# A cheap look first, two regular expressions over the lower-cased text:
# most bodies have nothing suspect and never reach the (slower) HTML parser.
# They find an active tag name, an event handler, or a URL attribute whose
# value does not start like a safe URL, anywhere in the text; the parser
# then decides.
_SAFE_URL_STARTS = ("http://", "https://", "/", "#", "mailto:")
_SUSPECT_TAG = re.compile(
    r"<\s*/?\s*(?:{})(?![\w:-])".format("|".join(sorted(_ACTIVE_TAGS, key=len, reverse=True)))
)
_SUSPECT_ATTRIBUTE = re.compile(
    # Possessive after "=": the value is read as far as it goes, never
    # backtracked into until it no longer looks safe.
    r"\s(?:on[\w:-]*\s*=|(?:{})\s*=\s*+[\"']?+\s*+(?!{}))".format(
        "|".join(re.escape(name) for name in sorted(_URL_ATTRIBUTES, key=len, reverse=True)),
        "|".join(re.escape(start) for start in _SAFE_URL_STARTS),
    )
)


def _suspect(html: str) -> bool:
    if "<" not in html:
        return False
    lowered = html.lower()
    return bool(_SUSPECT_TAG.search(lowered) or _SUSPECT_ATTRIBUTE.search(lowered))


_SCHEME_NOISE = re.compile(r"[\x00-\x20]+")


def _bad_url(value: str) -> bool:
    return _SCHEME_NOISE.sub("", value).lower().startswith(_BAD_SCHEMES)


class _ActiveContentFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found:
            return
        if tag in _ACTIVE_TAGS:
            self.found = f"a <{tag}> element"
            return
        for name, value in attrs:
            if name.startswith("on"):
                self.found = f"an event handler ({name}) on <{tag}>"
                return
            if name in _URL_ATTRIBUTES and value and _bad_url(value):
                self.found = f"a {value.strip()[:30]!r} link on <{tag}>"
                return

    handle_startendtag = handle_starttag


def hostile_html(html: str) -> str | None:
    """What makes this HTML active content (a script, a handler, a
    ``javascript:`` link), or ``None`` when it has none."""
    if not _suspect(html):
        return None
    finder = _ActiveContentFinder()
    finder.feed(html)
    finder.close()
    return finder.found


# Comments ------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(`+).+?\1")
_MARKDOWN_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)|<([a-z][a-z0-9+.-]*:[^>\s]*)>", re.I)


def comment_to_source(text: str) -> str:
    """A dump comment as our Markdown: Stack Exchange comments allow no HTML,
    so a ``<`` outside code is text (``&lt;``), never a tag."""
    parts: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(text):
        parts.append(text[last : span.start()].replace("<", "&lt;"))
        parts.append(span.group())
        last = span.end()
    parts.append(text[last:].replace("<", "&lt;"))
    return "".join(parts)


def hostile_markdown(text: str) -> str | None:
    """A ``javascript:`` (or similar) link target in Markdown source, if any."""
    if "script:" not in text.lower() and "data:" not in text.lower():
        return None
    for match in _MARKDOWN_LINK_TARGET.finditer(text):
        target = match.group(1) or match.group(2) or ""
        if _bad_url(target):
            return f"a {target[:30]!r} link"
    return None


_FENCED_CODE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_INDENTED_CODE = re.compile(r"^(?: {4}|\t).*$", re.MULTILINE)


def hostile_markdown_source(text: str) -> str | None:
    """Active content in a post's Markdown source (raw HTML or link targets);
    code blocks and spans are text, whatever they contain."""
    prose = _CODE_SPAN.sub("", _INDENTED_CODE.sub("", _FENCED_CODE.sub("", text)))
    return hostile_html(prose) or hostile_markdown(prose)
