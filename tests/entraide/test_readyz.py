import time
from collections.abc import Iterator

import pytest
from django.db import connections

from entraide import health
from search.engine import free_port


@pytest.fixture
def broken_database_alias() -> Iterator[str]:
    """A second database alias that cannot be reached (a closed port, a missing file)."""
    config = {**connections.settings["default"]}
    if config["ENGINE"].endswith("sqlite3"):
        config["NAME"] = "/nonexistent-dir/entraide.sqlite3"
    else:
        config.update(HOST="127.0.0.1", PORT=str(free_port()))
        config["OPTIONS"] = {**config.get("OPTIONS", {}), "connect_timeout": 2}
    connections.settings["broken"] = config
    yield "broken"
    connections["broken"].close()
    del connections.settings["broken"]
    del connections["broken"]


# /readyz probes every alias, also the suite's replica mirror (tests/conftest.py), which
# shares the test database only outside a test transaction.
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_readyz_is_ok_when_database_cache_and_search_answer(client) -> None:
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "database_replica", "cache", "search"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_readyz_names_the_search_engine_and_cache_when_they_are_down(client, settings) -> None:
    settings.SEARCH = {**settings.SEARCH, "URL": f"http://127.0.0.1:{free_port()}"}
    settings.CACHES = {
        "default": {
            "BACKEND": "entraide.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    started = time.monotonic()
    response = client.get("/readyz")
    assert time.monotonic() - started < 3  # a refused part fails at once, never hangs
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["failing"] == ["cache", "search"]
    assert body["checks"]["database"]["ok"] is True
    assert "ConnectionError" in body["checks"]["cache"]["detail"]


def test_an_unreachable_database_alias_fails_its_check(
    broken_database_alias, django_db_blocker
) -> None:
    # Outside a test transaction: the alias is added after pytest-django's set-up.
    assert "database_broken" in health.readiness_checks()
    with django_db_blocker.unblock():
        [result] = health.run_checks({"database_broken": health.database_check("broken")})
    assert result.ok is False
    assert "OperationalError" in result.detail


def test_run_checks_records_a_failure_with_its_reason_and_keeps_going() -> None:
    def failing() -> str:
        raise ValueError("backlog of 5000 rows")

    results = health.run_checks({"outbox": failing, "other": lambda: "fine"})
    assert [(r.name, r.ok, r.detail) for r in results] == [
        ("outbox", False, "ValueError: backlog of 5000 rows"),
        ("other", True, "fine"),
    ]
