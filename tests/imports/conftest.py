import shutil
from pathlib import Path

import pytest

from imports.report import ImportSummary
from imports.services import import_dump

FIXTURE = Path(__file__).parent / "dump"
SITE = "fixture.example.com"


@pytest.fixture
def dump_dir(tmp_path: Path) -> Path:
    """A copy of the fixture dump that a test may change."""
    target = tmp_path / "fixture.example.com"
    shutil.copytree(FIXTURE, target)
    return target


def run_import(folder: Path, **options: object) -> ImportSummary:
    options.setdefault("site_name", SITE)
    return import_dump(folder, **options)  # type: ignore[arg-type]


@pytest.fixture
def imported(db, dump_dir: Path) -> ImportSummary:
    return run_import(dump_dir)
