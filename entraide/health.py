"""Health checks: each part the site needs, probed cheaply and timed.

``/readyz`` runs :func:`readiness` (database, cache, search engine): a load
balancer takes a node out while one of them is unreachable. A staff health
page can run other checks (outbox backlog, last task error) through the same
:func:`run_checks`, by passing its own mapping of name to check.

A check is a callable that returns a short detail on success and raises on
failure; every exception counts as a failure, so a check never needs to know
how its part fails (refused connection, timeout, error answer).
"""

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connections

Check = Callable[[], str]

# A probe must answer well before a load balancer's own timeout (often 2-5 s).
SEARCH_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    ms: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_checks(checks: Mapping[str, Check]) -> list[CheckResult]:
    """Run each check in order; a failure is recorded, never raised."""
    results = []
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as error:  # any failure of the part is its answer
            detail, ok = f"{type(error).__name__}: {error}".strip()[:300], False
        results.append(
            CheckResult(name, ok, detail, round((time.perf_counter() - started) * 1000, 1))
        )
    return results


def database_check(alias: str) -> Check:
    def check() -> str:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return connections[alias].vendor

    return check


def cache_check() -> str:
    # A round trip that writes: a read-only probe passes on a replica that
    # refuses writes, and rate limits write to the cache on every API call.
    token = secrets.token_hex(8)
    cache.set("health:probe", token, timeout=10)
    if cache.get("health:probe") != token:
        raise RuntimeError("the cache did not return what was just stored")
    return str(settings.CACHES["default"]["BACKEND"]).rsplit(".", 1)[-1]


def search_check() -> str:
    from search.client import admin_client

    health = admin_client(timeout=SEARCH_TIMEOUT_SECONDS).health()
    if health.get("status") != "available":
        raise RuntimeError(f"the engine answered {health!r}")
    return "available"


def readiness_checks() -> dict[str, Check]:
    """What a node needs to serve pages: every database alias, the cache, the engine."""
    checks: dict[str, Check] = {
        ("database" if alias == "default" else f"database_{alias}"): database_check(alias)
        for alias in connections
    }
    checks["cache"] = cache_check
    checks["search"] = search_check
    return checks


def readiness() -> list[CheckResult]:
    return run_checks(readiness_checks())
