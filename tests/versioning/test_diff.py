"""Diffs: word by word in prose, line by line in code, paginated when huge."""

from versioning.diff import ROWS_PER_PAGE, diff_fields, diff_text


def test_prose_changes_are_shown_word_by_word() -> None:
    diff = diff_text("Hold the button for ten seconds.", "Hold the button for twenty seconds.")
    (row,) = diff.rows
    assert row.kind == "change"
    assert row.old_html == "Hold the button for <del>ten</del> seconds."
    assert row.new_html == "Hold the button for <ins>twenty</ins> seconds."
    assert row.inline_html == "Hold the button for <del>ten</del><ins>twenty</ins> seconds."


def test_code_changes_are_shown_line_by_line() -> None:
    old = "Run this:\n\n```\nlumio reset --hub\n```"
    new = "Run this:\n\n```\nlumio reset --hub --force\n```"
    kinds = [(row.kind, row.old_html, row.new_html) for row in diff_text(old, new).rows]
    assert ("delete", "<del>lumio reset --hub</del>", "") in kinds
    assert ("insert", "", "<ins>lumio reset --hub --force</ins>") in kinds


def test_markup_in_the_texts_is_escaped() -> None:
    (row,) = diff_text("a <b>", "a <script>alert(1)</script>").rows
    assert "<script" not in row.new_html and "alert(1)&lt;/script&gt;" in row.new_html


def test_identical_texts_have_no_rows() -> None:
    assert not diff_text("same\ntext", "same\ntext").changed


def test_a_huge_diff_is_paginated_and_nothing_is_cut() -> None:
    old = "\n".join(f"line {n} of the old text" for n in range(5000))
    new = "\n".join(f"row {n} of the new text, rewritten" for n in range(5000))
    first = diff_text(old, new)
    assert first.page_count > 1 and len(first.rows) == ROWS_PER_PAGE
    shown: list[int] = []
    for page in range(1, first.page_count + 1):
        diff = diff_text(old, new, page=page)
        assert len(diff.rows) <= ROWS_PER_PAGE
        shown.extend(row.new_number for row in diff.rows if row.new_number)
    assert sorted(set(shown)) == list(range(1, 5001))  # every new line, on some page
    assert diff_text(old, new, page=10_000).page == first.page_count  # clamped, not empty


def test_fields_diff_reports_pages_of_the_longest_field() -> None:
    old = {"title": "Old title", "body_source": "\n".join(map(str, range(2000)))}
    new = {"title": "New title", "body_source": "\n".join(f"x{n}" for n in range(2000))}
    labels = {"title": "Title", "body_source": "Body"}
    diffs, pages = diff_fields(old, new, labels)
    assert pages > 1 and [d.name for d in diffs] == ["title", "body_source"]
    later, _ = diff_fields(old, new, labels, page=2)
    assert [d.name for d in later] == ["body_source"]
