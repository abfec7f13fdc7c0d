"""Stream the rows of a Stack Exchange dump file.

Each file is one root element holding ``<row .../>`` elements whose values
are attributes. ``iterparse`` hands each row over as it is parsed and the
root is cleared after it, so memory stays flat however large the file.

Dumps are written one row per line. When the XML parser stops on a broken
row (malformed, or a file cut short), reading goes on line by line from the
next line: each remaining line is parsed on its own, bad ones are reported
with their row id and line number, and good rows are still imported.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

_ROW_ID = re.compile(rb'\bId="(-?\d+)"')


@dataclass(frozen=True)
class BadRow:
    """A line the reader could not turn into a row."""

    file: str
    line: int
    row_id: str  # "" when the line has no readable Id
    message: str

    def __str__(self) -> str:
        where = f"row {self.row_id}" if self.row_id else "a row"
        return f"{self.file}: {where} (line {self.line}): {self.message}"


class DumpFile:
    """One dump file: its rows, how far reading got, and the lines it skipped."""

    def __init__(self, path: Path, on_bad_row: Callable[[BadRow], None]):
        self.path = path
        self.name = path.name
        self.size = path.stat().st_size
        self.position = 0  # bytes read so far, for progress
        self._on_bad_row = on_bad_row

    def rows(self) -> Iterator[dict[str, str]]:
        """Yield each row's attributes, in file order."""
        with self.path.open("rb") as stream:
            parser = ET.iterparse(stream, events=("start", "end"))
            root = None
            try:
                for event, element in parser:
                    if root is None:
                        root = element
                    elif event == "end" and element.tag == "row":
                        self.position = stream.tell()
                        yield dict(element.attrib)
                        # Drop the parsed row (and any before it) at once.
                        root.clear()
            except ET.ParseError as error:
                line, column = error.position
                yield from self._recover(line, column, str(error))
        self.position = self.size

    def _recover(self, line: int, column: int, message: str) -> Iterator[dict[str, str]]:
        """Report the line the parser stopped on and read the rest line by line."""
        with self.path.open("rb") as stream:
            for number, raw in enumerate(stream, start=1):
                self.position = stream.tell()
                if number < line:
                    continue
                text = raw.strip().lstrip(b"\xef\xbb\xbf")
                if number == line:
                    if message.startswith("no element found") and _is_row(text):
                        # The last row was whole (and read); only the end is missing.
                        self._bad(number + 1, b"", "the file ends early (truncated?)")
                    else:
                        self._bad(number, raw, _explain(message, text))
                    continue
                if not text or text.startswith((b"<?xml", b"</")):
                    continue
                if not text.startswith(b"<row"):
                    self._bad(number, raw, "not a <row> element")
                    continue
                try:
                    element = ET.fromstring(text)
                except ET.ParseError as error:
                    self._bad(number, raw, _explain(str(error), text))
                    continue
                yield dict(element.attrib)

    def _bad(self, line: int, raw: bytes, message: str) -> None:
        found = _ROW_ID.search(raw)
        row_id = found.group(1).decode() if found else ""
        self._on_bad_row(BadRow(self.name, line, row_id, message))


def _is_row(text: bytes) -> bool:
    try:
        return ET.fromstring(text).tag == "row"
    except ET.ParseError:
        return False


def _explain(message: str, text: bytes) -> str:
    if message.startswith("no element found") or (
        text.startswith(b"<row") and not text.endswith(b"/>")
    ):
        return f"malformed XML, the file looks truncated ({message})"
    return f"malformed XML ({message})"
