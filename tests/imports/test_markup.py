"""Stack Exchange HTML to our Markdown, and hostile content spotted before import."""

import pytest

from entraide.rendering import render_markdown
from imports import markup
from imports.markup import comment_to_source, hostile_html, hostile_markdown, html_to_source


def roundtrip(html: str) -> str:
    return render_markdown(html_to_source(html))


def test_code_blocks_keep_their_characters_and_language() -> None:
    html = (
        '<pre class="lang-py"><code>if a &lt; b and c &amp; d:\n'
        '    print("&lt;b&gt;")\n</code></pre>'
    )
    source = html_to_source(html)
    assert source.startswith("```py\n")
    assert 'if a < b and c & d:\n    print("<b>")' in source
    assert "&lt;b&gt;" in render_markdown(source)


def test_text_that_looks_like_markup_stays_text() -> None:
    html = "<p>Use &lt;div&gt; &amp; `ticks`, 2*3*4, snake_case and &amp;amp; literally.</p>"
    rendered = roundtrip(html)
    assert "Use &lt;div&gt; &amp; `ticks`, 2*3*4, snake_case and &amp;amp; literally." in rendered


def test_line_starts_are_not_read_as_markdown() -> None:
    rendered = roundtrip("<p># not a heading</p><p>1. not a list</p><p>- nor this</p>")
    assert "<h1>" not in rendered and "<ol>" not in rendered and "<ul>" not in rendered


def test_links_lists_quotes_headings_and_inline_markup() -> None:
    html = (
        "<h2>Steps</h2><ol start='3'><li>three</li><li>four <em>x</em></li></ol>"
        "<blockquote><p>quoted <strong>bold</strong></p></blockquote>"
        '<p><a href="https://example.com/a_(b)" title="T">link</a> x<sup>2</sup> H<sub>2</sub>O '
        "<strike>old</strike> <kbd>Ctrl</kbd><br>next<hr></p>"
    )
    rendered = roundtrip(html)
    for fragment in [
        "<h2>Steps</h2>",
        '<ol start="3">',
        "<li>four <em>x</em></li>",
        "<blockquote>",
        "<strong>bold</strong>",
        'href="https://example.com/a_(b)"',
        "x<sup>2</sup>",
        "H<sub>2</sub>O",
        "<del>old</del>",
        "<kbd>Ctrl</kbd>",
        "<br>",
    ]:
        assert fragment in rendered, fragment


def test_fenced_code_in_a_list_item_or_quote_stays_a_code_block() -> None:
    for html in (
        "<ul><li>Run:<pre><code>make test\nmake run\n</code></pre></li></ul>",
        "<blockquote><pre><code>make test\nmake run\n</code></pre></blockquote>",
    ):
        assert "<code>make test\nmake run\n</code></pre>" in roundtrip(html)


def test_local_images_stay_images_and_remote_ones_become_links() -> None:
    rendered = roundtrip(
        '<p><img src="/media/a.png" alt="a"><img src="https://x.org/b.png" alt="b"></p>'
    )
    assert '<img alt="a" src="/media/a.png">' in rendered
    assert '<a href="https://x.org/b.png" rel="nofollow ugc noopener">b</a>' in rendered


@pytest.mark.parametrize(
    "html",
    [
        "<p>hi<script>alert(1)</script></p>",
        "<p><SCRIPT SRC=//evil.example/x.js></SCRIPT></p>",
        '<p><img src="x.png" onerror="alert(1)"></p>',
        '<p><a href="javascript:alert(1)">x</a></p>',
        '<p><a href="  JaVaScRiPt:alert(1)">x</a></p>',
        '<p><a href="jav&#x09;ascript:alert(1)">x</a></p>',
        '<p><a href="&#106;avascript:alert(1)">x</a></p>',
        '<p><a href="vbscript:msgbox(1)">x</a></p>',
        '<p><a href="data:text/html;base64,PHNjcmlwdD4=">x</a></p>',
        '<iframe src="https://evil.example"></iframe>',
        '<form action="https://evil.example"><input name="password"></form>',
        '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
    ],
)
def test_active_content_is_found(html: str) -> None:
    assert hostile_html(html)


@pytest.mark.parametrize(
    "html",
    [
        "<p>Plain text about JavaScript: it runs in browsers; data: is a word too.</p>",
        '<pre><code>&lt;script&gt;alert(1)&lt;/script&gt;\nhref="javascript:void(0)"</code></pre>',
        '<p><a href="https://example.com/onload">onload = fine</a> and one = 1</p>',
        '<p><a href="/questions/1">local</a> <a href="#x">x</a> <a href="mailto:a@b.c">m</a></p>',
        '<p><a href="ftp://ftp.example.com/file">ftp</a></p>',
    ],
)
def test_ordinary_bodies_are_not_flagged(html: str) -> None:
    assert hostile_html(html) is None


def test_the_quick_look_sends_only_suspect_bodies_to_the_parser() -> None:
    # Most bodies must never reach the HTML parser: quoted safe links and
    # local images are not suspect (the value is not backtracked into).
    assert not markup._suspect(
        '<p><a href="https://x.example/a" title="t">x</a> <a href = \'/q/1\'>q</a> '
        '<img src="/i.png" alt="on top"></p>'
    )
    for html in (
        '<p TITLE="x" ONCLICK="y">',
        '<a href=" javascript:x">',
        '<a href="">',
        "<IFRAME src=x>",
        "< / Script>",
        '<svg><a xlink:href="x">',
    ):
        assert markup._suspect(html), html
    assert not markup._suspect("<scripts> <iframes>"), "other tag names are not suspect"


def test_comments_are_text_except_their_markdown() -> None:
    source = comment_to_source("Is it <2.0? Try `a < b` and **bold**")
    assert source == "Is it &lt;2.0? Try `a < b` and **bold**"
    assert hostile_markdown("see [x](javascript:alert(1))")
    assert hostile_markdown("see < JavaScript:alert(1)>") is None  # not a link
    assert hostile_markdown("see <javascript:alert(1)>")
    assert (
        hostile_markdown("javascript: is a language; see [MDN](https://developer.mozilla.org)")
        is None
    )
