"""Where the machine's CPU went during `make load`'s measured minutes.

    python tests/load/cpu_use.py OUT.json

writes a snapshot of /proc (Linux): the machine's CPU time by state, and
each process's CPU time, by role (the web processes, PostgreSQL,
Meilisearch, Redis, the workers, locust). ``report.py`` compares the
snapshots taken at the start and the end of the measured minutes: every
part of the production shape and the load generator share the same cores,
and the share a virtual machine's host took (``steal``) says when a run was
slowed by something outside it.
"""

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

# The first role whose word is in a process's command line names it.
ROLES = [
    ("web", "gunicorn"),
    ("search engine", "meilisearch"),
    ("PostgreSQL", "postgres"),
    ("Redis", "redis-server"),
    ("search worker", "search_sync"),
    ("scheduler", "run_scheduler"),
    ("webhook worker", "webhooks_deliver"),
    ("load generator (locust)", "locust"),
]
# /proc/stat's first line, in its order.
STATES = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]


def _role(command: str) -> str:
    return next((role for role, word in ROLES if word in command), "other")


def snapshot() -> dict[str, Any]:
    processes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # ended meanwhile
        # The fields after the command name, which may hold spaces: utime, stime are 14, 15.
        fields = stat[stat.rindex(")") + 2 :].split()
        name = command or stat[stat.index("(") + 1 : stat.rindex(")")]
        processes[entry.name] = [_role(name), int(fields[11]) + int(fields[12])]
    machine = Path("/proc/stat").read_text().splitlines()[0].split()[1 : 1 + len(STATES)]
    return {
        "time": time.time(),
        "ticks_per_second": os.sysconf("SC_CLK_TCK"),
        "machine": dict(zip(STATES, map(int, machine), strict=True)),
        "processes": processes,
    }


def use(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Cores used between two snapshots, by role and by machine state.

    A process started in between counts whole (all its time is in the
    window); one that ended in between is missing (rare: gunicorn replaces
    a worker after GUNICORN_MAX_REQUESTS).
    """
    seconds = (after["time"] - before["time"]) * after["ticks_per_second"]
    roles: dict[str, float] = {}
    for pid, (role, ticks) in after["processes"].items():
        earlier = before["processes"].get(pid)
        spent = ticks - (earlier[1] if earlier and earlier[0] == role else 0)
        roles[role] = roles.get(role, 0.0) + spent / seconds
    machine = {
        state: (after["machine"][state] - before["machine"][state]) / seconds for state in STATES
    }
    return {
        "seconds": round(after["time"] - before["time"], 1),
        "cores_by_role": {
            role: round(cores, 2)
            for role, cores in sorted(roles.items(), key=lambda item: -item[1])
            if cores >= 0.005
        },
        "cores_by_state": {state: round(cores, 2) for state, cores in machine.items()},
    }


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(json.dumps(snapshot()))
