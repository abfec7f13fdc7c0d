"""Reading dump values: numbers, dates, tag lists, row fingerprints, batches."""

import hashlib
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

# Bump when the conversion changes: a re-run then re-renders every row.
CONVERTER_VERSION = "1"


def as_int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def as_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def row_digest(row: dict[str, str]) -> int:
    """A 64-bit fingerprint of a dump row (and of the converter's version)."""
    text = "\x1f".join(f"{key}={value}" for key, value in sorted(row.items()))
    raw = hashlib.blake2b(f"{CONVERTER_VERSION}\x1e{text}".encode(), digest_size=8).digest()
    return int.from_bytes(raw, "big", signed=True)


def tag_names(value: str | None) -> list[str]:
    """``<a><b>`` (older dumps) or ``|a|b|`` (newer ones)."""
    if not value:
        return []
    names = value[1:-1].split("><") if value.startswith("<") else value.strip("|").split("|")
    return [name.strip().lower() for name in names if name.strip()]


def batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
