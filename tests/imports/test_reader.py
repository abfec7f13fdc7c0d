"""Streaming dump files: tolerant of their quirks, precise about broken rows."""

from pathlib import Path

from imports.reader import BadRow, DumpFile


def read(path: Path) -> tuple[list[str], list[BadRow]]:
    bad: list[BadRow] = []
    rows = [row["Id"] for row in DumpFile(path, on_bad_row=bad.append).rows()]
    return rows, bad


def test_byte_order_mark_and_lower_case_root(tmp_path: Path) -> None:
    path = tmp_path / "Posts.xml"
    path.write_bytes(
        b'\xef\xbb\xbf<?xml version="1.0" encoding="utf-8"?>\n<posts>\n'
        b'  <row Id="1" Title="caf\xc3\xa9" />\n  <row Id="2" />\n</posts>'
    )
    rows, bad = read(path)
    assert rows == ["1", "2"] and bad == []


def test_a_malformed_row_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "Posts.xml"
    path.write_text(
        '<posts>\n  <row Id="1" />\n  <row Id="2" Body="a < b" />\n'
        '  <row Id="3" />\n  <row Id="4" Body="x" broken />\n  <row Id="5" />\n</posts>\n'
    )
    rows, bad = read(path)
    assert rows == ["1", "3", "5"]
    assert [(b.row_id, b.line) for b in bad] == [("2", 3), ("4", 5)]
    assert "malformed XML" in str(bad[0]) and "row 2 (line 3)" in str(bad[0])


def test_a_file_cut_in_a_row_is_called_truncated(tmp_path: Path) -> None:
    path = tmp_path / "Posts.xml"
    path.write_text('<posts>\n  <row Id="1" />\n  <row Id="2" Body="half')
    rows, bad = read(path)
    assert rows == ["1"]
    assert bad[0].row_id == "2" and "truncated" in bad[0].message


def test_a_file_without_its_closing_tag_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "Posts.xml"
    path.write_text('<posts>\n  <row Id="1" />\n  <row Id="2" />')
    rows, bad = read(path)
    assert rows == ["1", "2"]
    assert len(bad) == 1 and "ends early" in bad[0].message


def test_memory_stays_flat_the_tree_is_cleared(tmp_path: Path) -> None:
    path = tmp_path / "Posts.xml"
    path.write_text(
        "<posts>\n" + "".join(f'  <row Id="{i}" />\n' for i in range(1000)) + "</posts>"
    )
    dump = DumpFile(path, on_bad_row=lambda bad: None)
    rows = dump.rows()
    next(rows)
    for _ in range(998):
        next(rows)
    # The generator's frame holds the root: it must have no children left.
    root = rows.gi_frame.f_locals["root"]  # type: ignore[attr-defined]
    assert len(root) <= 1
