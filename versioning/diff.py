"""Readable diffs of Markdown sources: word by word in prose, line by line in code.

The texts are first compared line by line (``difflib``); a changed group of
prose lines is then compared word by word, so a fixed typo shows as one
word, while lines inside fenced code blocks stay whole lines, as code is
read. The result is a list of rows that templates show side by side (old |
new) or inline (one column with deletions and insertions marked).

Huge texts stay fast: only the rows of the requested page are rendered
(``ROWS_PER_PAGE``), and a changed group too large for a word diff
(``WORD_DIFF_MAX_CHARS``) is shown line by line. No text is cut: the
remaining rows are on the next pages.
"""

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

CONTEXT_LINES = 3
ROWS_PER_PAGE = 400
WORD_DIFF_MAX_CHARS = 20_000

_TOKEN = re.compile(r"\n|[^\S\n]+|\w+|[^\w\s]")
_FENCE = re.compile(r"^\s*(```|~~~)")


_EMPTY = SafeString()


@dataclass(frozen=True)
class Row:
    """One displayed line. ``kind``: equal, delete, insert, change or gap."""

    kind: str
    old_number: int | None = None
    new_number: int | None = None
    old_html: SafeString = _EMPTY
    new_html: SafeString = _EMPTY
    # The inline view's cell: the line with deletions and insertions marked.
    inline_html: SafeString = _EMPTY


@dataclass
class TextDiff:
    rows: list[Row] = field(default_factory=list)
    page: int = 1
    page_count: int = 1
    changed: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.page_count


def _code_lines(lines: list[str]) -> list[bool]:
    """Whether each line is inside (or is the fence of) a fenced code block."""
    inside = False
    flags = []
    for line in lines:
        fence = bool(_FENCE.match(line))
        flags.append(inside or fence)
        if fence:
            inside = not inside
    return flags


def _mark(tag: str, text: str) -> str:
    """Wrap ``text`` in ``<tag>`` line by line, so split lines stay well formed."""
    return "\n".join(f"<{tag}>{escape(part)}</{tag}>" if part else "" for part in text.split("\n"))


def _word_diff(old: list[str], new: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Old lines with deletions marked, new lines with insertions marked, and
    the merged inline lines."""
    old_tokens = _TOKEN.findall("\n".join(old))
    new_tokens = _TOKEN.findall("\n".join(new))
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    left, right, merged = [], [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        if tag == "equal":
            left.append(escape(removed))
            right.append(escape(added))
            merged.append(escape(added))
            continue
        if removed:
            left.append(_mark("del", removed))
            merged.append(_mark("del", removed))
        if added:
            right.append(_mark("ins", added))
            merged.append(_mark("ins", added))
    return "".join(left).split("\n"), "".join(right).split("\n"), "".join(merged).split("\n")


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # every piece was escaped by _mark or escape()


def _block_row(mode: str, k: int, old: list[str], new: list[str], i1: int, j1: int) -> Row:
    """The ``k``-th row of a block. ``mode``: "equal"; "pairs" (a changed group
    with as many lines on each side: word diff line by line); "block" (word
    diff of the whole group in one row); "lines" (whole lines deleted, then
    inserted)."""
    if mode == "equal":
        line = escape(new[k])
        return Row("equal", i1 + k + 1, j1 + k + 1, _safe(escape(old[k])), _safe(line), _safe(line))
    if mode in ("pairs", "block"):
        before, after = (old[k : k + 1], new[k : k + 1]) if mode == "pairs" else (old, new)
        left, right, merged = _word_diff(before, after)
        return Row(
            "change",
            i1 + k + 1,
            j1 + k + 1,
            _safe("<br>".join(left)),
            _safe("<br>".join(right)),
            _safe("<br>".join(merged)),
        )
    if k < len(old):
        deleted = _safe(_mark("del", old[k]))
        return Row("delete", i1 + k + 1, None, deleted, inline_html=deleted)
    inserted = _safe(_mark("ins", new[k - len(old)]))
    return Row("insert", None, j1 + k - len(old) + 1, new_html=inserted, inline_html=inserted)


def _mode(old: list[str], new: list[str], is_code: bool) -> str:
    if is_code or not old or not new:
        return "lines"
    if len(old) == len(new):
        return "pairs"
    size = sum(len(line) for line in old) + sum(len(line) for line in new)
    return "block" if size <= WORD_DIFF_MAX_CHARS else "lines"


def diff_text(old: str, new: str, *, page: int = 1, per_page: int = ROWS_PER_PAGE) -> TextDiff:
    """The diff of two texts, one page of rows at a time (pages count from 1)."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    if old_lines == new_lines:
        return TextDiff()
    old_code, new_code = _code_lines(old_lines), _code_lines(new_lines)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines)
    # Plan the rows first (cheap: counts only), then render only this page's.
    blocks: list[tuple[str, int, int, int, int]] = []
    for index, group in enumerate(matcher.get_grouped_opcodes(CONTEXT_LINES)):
        if index:
            blocks.append(("gap", 0, 0, 0, 0))
        blocks.extend(group)
    modes, spans = [], []  # each block's rendering, and its (first row, last row + 1)
    total = 0
    for tag, i1, i2, j1, j2 in blocks:
        if tag in ("gap", "equal"):
            mode = tag
            size = 1 if tag == "gap" else i2 - i1
        else:
            is_code = any(old_code[i1:i2]) or any(new_code[j1:j2])
            mode = _mode(old_lines[i1:i2], new_lines[j1:j2], is_code)
            size = {"pairs": i2 - i1, "block": 1, "lines": (i2 - i1) + (j2 - j1)}[mode]
        modes.append(mode)
        spans.append((total, total + size))
        total += size
    page_count = max(1, -(-total // per_page))
    page = min(max(1, page), page_count)
    start, stop = (page - 1) * per_page, page * per_page
    rows: list[Row] = []
    for (_tag, i1, i2, j1, j2), mode, (first, last) in zip(blocks, modes, spans, strict=True):
        if last <= start or first >= stop:
            continue
        if mode == "gap":
            rows.append(Row("gap"))
            continue
        old_part, new_part = old_lines[i1:i2], new_lines[j1:j2]
        # Render only this page's part of the block: a huge block costs
        # nothing beyond the rows shown.
        for k in range(max(0, start - first), min(last, stop) - first):
            rows.append(_block_row(mode, k, old_part, new_part, i1, j1))
    return TextDiff(rows=rows, page=page, page_count=page_count, changed=True)


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    diff: TextDiff


def diff_fields(
    old: Mapping[str, object], new: Mapping[str, object], labels: dict[str, str], *, page: int = 1
) -> tuple[list[FieldDiff], int]:
    """Diff each named field of two revisions' stored fields; return this
    page's field diffs and the number of pages (the longest field's)."""
    diffs, pages = [], 1
    for name, label in labels.items():
        before, after = str(old.get(name) or ""), str(new.get(name) or "")
        diff = diff_text(before, after, page=page)
        pages = max(pages, diff.page_count)
        # A short field's diff fits on page 1; later pages show the long ones.
        if diff.changed and diff.page_count >= page:
            diffs.append(FieldDiff(name, label, diff))
    return diffs, pages
