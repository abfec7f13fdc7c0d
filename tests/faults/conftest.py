"""Fault tests: real processes (site server, search workers, Meilisearch,
PostgreSQL) broken on purpose while members use the site.

They run only under ``make faults`` (``python -m tests.faults.run``), which
provides a throw-away PostgreSQL cluster they may restart; ``make test``
does not collect them.
"""

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from search.engine import LocalServer
from search.indexing import index_setup
from tests.faults.postgres import ENV_NAME, ThrowawayPostgres
from tests.faults.processes import Process, SiteServer, process_env, search_worker

if not os.environ.get(ENV_NAME):
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def cluster() -> ThrowawayPostgres:
    return ThrowawayPostgres.from_env()


@pytest.fixture(scope="session")
def var_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The processes' var/: collected static files (WhiteNoise serves them with DEBUG=0)."""
    path = tmp_path_factory.mktemp("var")
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "collectstatic", "ENTRAIDE_VAR_DIR": str(path)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env=env,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    return path


@pytest.fixture
def engine_dir(tmp_path: Path) -> Path:
    return tmp_path / "meilisearch"


@pytest.fixture
def engine(engine_dir: Path) -> Iterator[LocalServer]:
    """This test's own Meilisearch, which it may stop, restart or starve."""
    server = LocalServer(data_dir=engine_dir, key=secrets.token_hex(16))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def meilisearch_server(engine: LocalServer) -> tuple[str, str]:
    # Replaces the suite's shared engine: the tests below break theirs.
    return engine.url, engine.key


@pytest.fixture
def site_and_worker(
    transactional_db, engine: LocalServer, var_dir: Path, tmp_path: Path
) -> Iterator[tuple[SiteServer, Process]]:
    """The site and one search worker on this test's database and engine,
    the index created (so the worker pushes only what the test changes)."""
    index_setup()
    env = process_env(var_dir=var_dir, engine=engine)
    site, worker = SiteServer(env, tmp_path), search_worker(env, tmp_path)
    site.start()
    worker.start()
    yield site, worker
    worker.stop()
    site.stop()
