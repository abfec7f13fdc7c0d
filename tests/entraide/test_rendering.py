"""The Markdown renderer is the only gate between user text and pages."""

import re

import pytest

from entraide.rendering import plain_text, render_inline_markdown, render_markdown

# Well-known XSS vectors (OWASP filter evasion cheat sheet and friends).
XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[click](javascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="color:red" onclick="alert(1)">x</p>',
    "<style>body{display:none}</style>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    '<a href="vbscript:msgbox(1)">x</a>',
    "```html\n<script>alert(1)</script>\n```",
]

DANGEROUS = [
    re.compile(
        r"<\s*(script|style|iframe|object|embed|form|input|meta|base|svg|math|video|body)\b", re.I
    ),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"(href|src)\s*=\s*\"?\s*(javascript|vbscript|data):", re.I),
    re.compile(r"\sstyle\s*=", re.I),
]


@pytest.mark.parametrize("vector", XSS_VECTORS)
@pytest.mark.parametrize("render", [render_markdown, render_inline_markdown])
def test_xss_vectors_are_neutralised(vector: str, render) -> None:
    html = render(vector)
    for pattern in DANGEROUS:
        assert not pattern.search(html), (vector, html)


def test_fenced_code_is_highlighted_and_escaped() -> None:
    html = render_markdown("```python\ndef f():\n    return '<b>'\n```")
    assert '<div class="codehilite">' in html
    assert '<span class="k">def</span>' in html
    assert "&lt;b&gt;" in html


def test_tables_render() -> None:
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<table>" in html and "<td>1</td>" in html


def test_links_get_nofollow_ugc_noopener() -> None:
    html = render_markdown("[docs](https://example.com/help)")
    assert 'href="https://example.com/help"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_remote_images_become_links_so_pages_load_nothing_from_other_hosts() -> None:
    html = render_markdown("![diagram](https://images.example.com/d.png)")
    assert "<img" not in html
    assert '<a href="https://images.example.com/d.png"' in html


def test_local_images_stay() -> None:
    assert '<img alt="x" src="/media/x.png">' in render_markdown("![x](/media/x.png)")


def test_inline_markdown_drops_blocks() -> None:
    html = render_inline_markdown("# Title\n\n* item\n\n**bold** `code`")
    assert "<h1>" not in html and "<li>" not in html and "<p>" not in html
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html


def test_plain_text_unescapes_entities() -> None:
    assert plain_text("<p>Tom &amp; Jerry</p>") == "Tom & Jerry"


def test_plain_text_skips_the_inline_patterns_and_markup_still_renders() -> None:
    from entraide import rendering

    html = render_markdown("plain words\n\n*em* `code` [link](https://example.com) a&amp;b  \nnext")
    # The quick inline pass is on for the patterns it knows (a Markdown upgrade
    # adding one turns it off rather than rendering differently).
    assert rendering._local.markdown.treeprocessors["inline"].quick
    assert "<p>plain words</p>" in html
    assert "<em>em</em> <code>code</code>" in html
    assert '<a href="https://example.com" rel="nofollow ugc noopener">link</a>' in html
    assert "a&amp;b<br>\nnext" in html
