"""What an import did: counts per file, skip reasons, problems found."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Row ids kept per skip reason, to name a few in the summary.
EXAMPLES_PER_REASON = 5


@dataclass
class FileReport:
    """One dump file: rows read, and what became of them."""

    name: str
    read: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    seconds: float = 0.0
    # The importer's own processor time (rendering workers not included).
    cpu_seconds: float = 0.0
    # The rendering workers' processor time while this file was read.
    worker_cpu_seconds: float = 0.0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def skip(self, reason: str, row_id: object) -> None:
        self.skipped[reason] += 1
        examples = self.examples.setdefault(reason, [])
        if len(examples) < EXAMPLES_PER_REASON:
            examples.append(str(row_id))

    def as_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": dict(self.skipped),
            "examples": self.examples,
            "seconds": round(self.seconds, 3),
            "cpu_seconds": round(self.cpu_seconds, 3),
            "worker_cpu_seconds": round(self.worker_cpu_seconds, 3),
        }


@dataclass
class ImportSummary:
    site: str
    files: dict[str, FileReport] = field(default_factory=dict)
    # Files not in the folder, and other notes about the run as a whole.
    warnings: list[str] = field(default_factory=list)
    # Every row skipped as bad input, with its id and why.
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def file(self, name: str) -> FileReport:
        return self.files.setdefault(name, FileReport(name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "files": {name: report.as_dict() for name, report in self.files.items()},
            "warnings": self.warnings,
            "problems": self.problems[:1000],
            "problem_count": len(self.problems),
            "seconds": round(self.seconds, 3),
        }


ProgressCallback = Callable[[FileReport, int, int], None]
ProblemCallback = Callable[[str], None]
