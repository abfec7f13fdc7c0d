"""A throw-away PostgreSQL cluster the fault tests may stop and restart.

The shared server on 5432 is never touched: ``initdb`` makes a cluster in a
temporary directory, ``pg_ctl`` runs it on a free port of 127.0.0.1 with
``fsync`` off (nothing here must survive a power cut). PostgreSQL refuses to
run as root, so under root the cluster belongs to the ``postgres`` account.
"""

import contextlib
import json
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from search.engine import free_port

ENV_NAME = "ENTRAIDE_FAULTS_POSTGRES"


def _bin_dir() -> Path:
    named = os.environ.get("PG_BIN")
    if named:
        return Path(named)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if candidates:
        return candidates[-1]
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("initdb not found: install postgresql or set PG_BIN")
    return Path(initdb).parent


@dataclass
class ThrowawayPostgres:
    root: str
    port: int
    bin_dir: str
    owner: str  # the account the server runs as ("" for the current one)

    @classmethod
    def create(cls) -> "ThrowawayPostgres":
        owner = "postgres" if os.geteuid() == 0 else ""
        root = tempfile.mkdtemp(prefix="entraide-faults-pg-")
        if owner:
            account = pwd.getpwnam(owner)
            os.chown(root, account.pw_uid, account.pw_gid)
        cluster = cls(root=root, port=free_port(), bin_dir=str(_bin_dir()), owner=owner)
        cluster._run(
            "initdb", "-D", cluster.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        return cluster

    @classmethod
    def from_env(cls) -> "ThrowawayPostgres":
        return cls(**json.loads(os.environ[ENV_NAME]))

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @property
    def data(self) -> str:
        return f"{self.root}/data"

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, tool: str, *args: str) -> None:
        command = [f"{self.bin_dir}/{tool}", *args]
        if self.owner:
            command = ["runuser", "-u", self.owner, "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=self.root)

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", f"{self.root}/log", "-w", "start")

    def stop(self) -> None:
        # "fast": roll back open transactions and cut every client at once,
        # the way a restart or a crash looks to the site.
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
