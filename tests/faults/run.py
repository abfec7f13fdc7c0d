"""``make faults``: the fault tests against real processes, then clean up.

Starts a throw-away PostgreSQL cluster (see ``postgres.py``), runs
``pytest tests/faults`` on it (extra arguments are passed on), and removes
the cluster whatever happens. The tests start their own Meilisearch servers,
site server and search workers, and stop them.
"""

import os
import subprocess
import sys

from tests.faults.postgres import ENV_NAME, ThrowawayPostgres


def main(argv: list[str]) -> int:
    cluster = ThrowawayPostgres.create()
    try:
        cluster.start()
        env = {**os.environ, ENV_NAME: cluster.to_env(), "DATABASE_URL": cluster.url("faults")}
        # Never a developer's engine: every test starts its own.
        env.pop("MEILISEARCH_URL", None)
        command = [sys.executable, "-m", "pytest", "tests/faults", "-p", "no:cacheprovider", *argv]
        return subprocess.run(command, env=env, check=False).returncode
    finally:
        cluster.destroy()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
