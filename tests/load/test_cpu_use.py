"""The load report's CPU accounting (tests/load/cpu_use.py)."""

import os

from tests.load.cpu_use import _role, snapshot, use


def _snapshot(at: float, processes: dict[str, list], **machine: int) -> dict:
    states = dict.fromkeys(
        ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"], 0
    )
    return {
        "time": at,
        "ticks_per_second": 100,
        "machine": states | machine,
        "processes": processes,
    }


def test_cores_by_role_count_a_process_started_meanwhile_whole() -> None:
    before = _snapshot(0.0, {"10": ["web", 500], "11": ["PostgreSQL", 40]}, user=1000, steal=10)
    after = _snapshot(
        10.0,
        {"10": ["web", 1700], "11": ["PostgreSQL", 140], "12": ["PostgreSQL", 50]},
        user=2500,
        steal=160,
    )
    measured = use(before, after)
    assert measured["seconds"] == 10.0
    assert measured["cores_by_role"] == {"web": 1.2, "PostgreSQL": 0.15}
    assert measured["cores_by_state"]["user"] == 1.5
    assert measured["cores_by_state"]["steal"] == 0.15


def test_a_snapshot_of_this_machine_holds_this_process_and_roles_come_from_command_lines() -> None:
    sum(range(2_000_000))  # some CPU time of our own
    taken = snapshot()
    assert taken["machine"]["user"] > 0
    assert taken["processes"][str(os.getpid())][1] > 0
    assert _role("gunicorn: worker [entraide-web]") == "web"
    assert _role("/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql") == "PostgreSQL"
    assert _role(".venv/bin/python manage.py search_sync") == "search worker"
    assert _role("/usr/bin/python3 -m pytest") == "other"
