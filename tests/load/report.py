"""Summarise a `make load` run: locust's CSV statistics, gunicorn's memory,
the CPU by process and the load.

    python -m tests.load.report var/load

Prints a Markdown table and writes report.json beside the inputs. Exits 1
when any request failed (the mix must run without errors).
"""

import csv
import json
import sys
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.load.cpu_use import use as cpu_use

TARGET_RPS = 300
TARGET_P95_MS = 100


def _stats(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open() as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": round(float(row["Requests/s"]), 1),
                    "p50_ms": float(row["50%"] or 0),
                    "p95_ms": float(row["95%"] or 0),
                    "p99_ms": float(row["99%"] or 0),
                }
            )
    return rows


def _memory(path: Path) -> dict[str, Any]:
    samples = []
    with path.open() as handle:
        for row in csv.DictReader(handle):
            samples.append(
                (float(row["seconds"]), int(row["workers"]), float(row["total_rss_mib"]))
            )
    if not samples:
        return {}
    totals = [total for _t, _w, total in samples]
    step = max(1, len(samples) // 8)
    return {
        "samples": len(samples),
        "start_mib": totals[0],
        "max_mib": max(totals),
        "end_mib": totals[-1],
        "over_time": [
            {"seconds": t, "workers": w, "total_rss_mib": total} for t, w, total in samples[::step]
        ],
    }


def _per_process(path: Path) -> list[int]:
    """Requests each gunicorn process served (its access log's ``pid``), most first."""
    if not path.exists():
        return []
    counts: Counter[int] = Counter()
    with path.open() as handle:
        for line in handle:
            try:
                counts[json.loads(line)["pid"]] += 1
            except (ValueError, KeyError):
                continue  # not an access line
    return sorted(counts.values(), reverse=True)


def _measured(started: Path, settings: dict[str, Any]) -> tuple[datetime, datetime] | None:
    """The mix's measured minutes: from the end of its warm-up to its end
    (``started``: when run-load started the mix)."""
    if not started.exists():
        return None
    start = float(started.read_text()) + float(settings.get("LOAD_WARMUP_SECONDS", 0))
    end = start + float(settings["run_time"].rstrip("s"))
    return datetime.fromtimestamp(start).astimezone(), datetime.fromtimestamp(end).astimezone()


def _cache_hits(path: Path, window: tuple[datetime, datetime] | None) -> dict[str, dict[str, int]]:
    """Visitors' cached pages served and built in ``window`` (the measured
    minutes), from the access log's ``cache`` field: question pages apart,
    lists and search results together."""
    counts: dict[str, Counter[str]] = {"question pages": Counter(), "lists and searches": Counter()}
    if window is None or not path.exists():
        return {}
    with path.open() as handle:
        for line in handle:
            try:
                entry = json.loads(line)
                at = datetime.fromisoformat(entry["time"])
            except (ValueError, KeyError):
                continue
            if entry.get("cache") not in ("hit", "miss") or not window[0] <= at < window[1]:
                continue
            parts = entry["path"].split("/")
            question = len(parts) > 3 and parts[2].isdigit()
            kind = "question pages" if question else "lists and searches"
            counts[kind][entry["cache"]] += 1
    return {kind: dict(counter) for kind, counter in counts.items() if counter}


def _cpu(directory: Path) -> dict[str, Any]:
    """Cores by process role and by machine state in the measured minutes (cpu_use.py)."""
    start, end = directory / "cpu_start.json", directory / "cpu_end.json"
    if not (start.exists() and end.exists()):
        return {}
    return cpu_use(json.loads(start.read_text()), json.loads(end.read_text()))


def main(directory: Path) -> int:
    mix = _stats(directory / "mix_stats.csv")
    floor = (
        _stats(directory / "floor_stats.csv") if (directory / "floor_stats.csv").exists() else []
    )
    total = next(row for row in mix if row["name"] == "Aggregated")
    by_name = {row["name"]: row for row in floor}
    page, trivial = by_name.get("question page"), by_name.get("trivial view (/healthz)")
    settings = json.loads((directory / "settings.json").read_text())
    measured = _measured(directory / "mix_started.txt", settings)
    report = {
        "mix": mix,
        "floor": floor,
        "page_to_floor_ratio_p50": (
            round(page["p50_ms"] / trivial["p50_ms"], 1)
            if page and trivial and trivial["p50_ms"]
            else None
        ),
        "memory": _memory(directory / "memory.csv"),
        "requests_per_process": _per_process(directory / "access.log"),
        "cache_hits_measured": _cache_hits(directory / "access.log", measured),
        "cpu_measured": _cpu(directory),
        "load": (directory / "uptime.txt").read_text().strip().splitlines(),
        "settings": settings,
        "target_met": total["rps"] >= TARGET_RPS
        and total["p95_ms"] <= TARGET_P95_MS
        and total["failures"] == 0,
    }
    (directory / "report.json").write_text(json.dumps(report, indent=2))
    print("| request | count | errors | rps | p50 ms | p95 ms | p99 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in [*mix, *floor]:
        print(
            f"| {row['name']} | {row['requests']} | {row['failures']} | {row['rps']} | "
            f"{row['p50_ms']:g} | {row['p95_ms']:g} | {row['p99_ms']:g} |"
        )
    print(f"\nquestion page / trivial view, median: {report['page_to_floor_ratio_p50']}")
    memory = report["memory"]
    if memory:
        print(
            f"gunicorn RSS (master + workers): {memory['start_mib']:.0f} MiB at start, "
            f"{memory['max_mib']:.0f} max, {memory['end_mib']:.0f} at the end"
        )
        print(
            "  over time: "
            + ", ".join(
                f"{s['seconds']:.0f}s {s['total_rss_mib']:.0f}" for s in memory["over_time"]
            )
        )
    if report["requests_per_process"]:
        print(
            "requests per gunicorn process (whole run): "
            + " / ".join(f"{count:,}" for count in report["requests_per_process"])
        )
    for kind, counts in report["cache_hits_measured"].items():
        served = counts.get("hit", 0) + counts.get("miss", 0)
        print(
            f"visitors' {kind} from the cache (measured minutes): "
            f"{counts.get('hit', 0) / served:.0%} of {served:,}"
        )
    cpu = report["cpu_measured"]
    if cpu:
        print(
            f"cores used in the measured {cpu['seconds']:.0f} s: "
            + ", ".join(f"{role} {cores:.2f}" for role, cores in cpu["cores_by_role"].items())
        )
        print(
            "  by state: "
            + ", ".join(f"{state} {cores:.2f}" for state, cores in cpu["cores_by_state"].items())
        )
    print("load:", " | ".join(report["load"]))
    print(
        f"target (≥ {TARGET_RPS} rps, p95 ≤ {TARGET_P95_MS} ms, no error): "
        + ("met" if report["target_met"] else "NOT met")
    )
    return 1 if total["failures"] else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
