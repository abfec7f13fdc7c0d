"""``make faults``: the fault tests against real processes, then clean up.

Starts a throw-away PostgreSQL cluster (see ``postgres.py``), runs
``pytest tests/faults`` on it (extra arguments are passed on), and removes
the cluster whatever happens. The tests start their own Meilisearch servers,
site server and search workers, and stop them.
"""

import os
import shutil
import subprocess
import sys
import tempfile

from tests.faults.postgres import ENV_NAME, ThrowawayPostgres


def main(argv: list[str]) -> int:
    cluster = ThrowawayPostgres.create()
    # Our own temporary root: pytest prunes /tmp/pytest-of-<user>/ when other
    # runs start, which would delete a running engine's data under our feet.
    basetemp = tempfile.mkdtemp(prefix="entraide-faults-")
    try:
        cluster.start()
        env = {**os.environ, ENV_NAME: cluster.to_env(), "DATABASE_URL": cluster.url("faults")}
        # Never a developer's engine: every test starts its own.
        env.pop("MEILISEARCH_URL", None)
        command = [
            sys.executable, "-m", "pytest", "tests/faults", "-p", "no:cacheprovider",
            f"--basetemp={basetemp}", *argv,
        ]  # fmt: skip
        return subprocess.run(command, env=env, check=False).returncode
    finally:
        cluster.destroy()
        shutil.rmtree(basetemp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
