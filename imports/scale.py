"""Write a dump N times larger than another, for measuring the importer.

Each copy renumbers every id (posts, users, comments, votes, links, history
rows, badges) by ``copy × OFFSET`` and makes revision GUIDs unique, so the
result is one consistent site N times the size: N times the users,
questions, answers and so on; tags keep their names (a tag is shared). The
files are streamed line by line (dumps hold one row per line), so the copy
needs no more memory than a line.
"""

import re
from pathlib import Path

OFFSET = 10_000_000
_IDS = re.compile(
    rb"\b(Id|PostId|ParentId|AcceptedAnswerId|RelatedPostId|OwnerUserId|LastEditorUserId|UserId"
    rb'|ExcerptPostId|WikiPostId)="(-?\d+)"'
)
_GUID = re.compile(rb'\bRevisionGUID="([^"]*)"')


def write_scaled_dump(source: Path, target: Path, factor: int) -> list[Path]:
    """Write ``factor`` renumbered copies of each file of dump ``source`` into
    ``target`` (created); return the files written."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(source.glob("*.xml")):
        out_path = target / path.name
        with out_path.open("wb") as out:
            with path.open("rb") as stream:
                head: list[bytes] = []
                for line in stream:
                    if line.lstrip().startswith(b"<row"):
                        break
                    head.append(line)
                out.writelines(head)
            for copy in range(factor):
                with path.open("rb") as stream:
                    for line in stream:
                        stripped = line.strip()
                        if stripped.startswith(b"<row"):
                            out.write(_renumber(line, copy))
                        elif copy == factor - 1 and stripped.startswith(b"</"):
                            out.write(line)
        written.append(out_path)
    return written


def _renumber(line: bytes, copy: int) -> bytes:
    if copy == 0:
        return line
    shift = copy * OFFSET

    def ids(match: re.Match[bytes]) -> bytes:
        return b'%s="%d"' % (match.group(1), int(match.group(2)) + shift)

    def guid(match: re.Match[bytes]) -> bytes:
        return b'RevisionGUID="%s-%d"' % (match.group(1), copy)

    return _GUID.sub(guid, _IDS.sub(ids, line))
