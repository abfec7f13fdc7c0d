"""Sample the resident memory of gunicorn's master and workers until stopped.

    python tests/load/sample_memory.py PIDFILE OUT.csv [INTERVAL]

Reads /proc (Linux): the master's pid from gunicorn's pid file, its workers
as its children. One CSV row per sample.
"""

import signal
import sys
import time
from pathlib import Path


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        children += [int(child) for child in text]
    return children


def main(pidfile: Path, out: Path, interval: float) -> None:
    running = True

    def stop(*_args: object) -> None:
        nonlocal running
        running = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = time.monotonic()
    with out.open("w") as handle:
        handle.write("seconds,workers,master_rss_mib,total_rss_mib,worker_rss_mib\n")
        while running:
            try:
                master = int(pidfile.read_text().strip())
                workers = _children(master)
                sizes = [_rss_kib(pid) for pid in workers]
                master_kib = _rss_kib(master)
            except (OSError, ValueError):
                time.sleep(interval)
                continue
            handle.write(
                f"{time.monotonic() - started:.1f},{len(workers)},{master_kib / 1024:.1f},"
                f"{(master_kib + sum(sizes)) / 1024:.1f},"
                f"{' '.join(f'{size / 1024:.1f}' for size in sizes)}\n"
            )
            handle.flush()
            time.sleep(interval)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 2.0)
