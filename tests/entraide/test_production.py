"""The production shape's own behaviour: 503 when the database is down, the
request id, JSON logs, a clean ``check --deploy`` with production settings,
and gunicorn spreading requests over its processes."""

import http.client
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.conf import settings
from django.db import connections
from django.db.utils import load_backend
from django.test import Client

from entraide.observability import JsonFormatter, RequestIdFilter
from search.engine import free_port
from tests.faults.processes import SiteServer


@pytest.fixture
def database_down() -> Iterator[None]:
    """The default alias pointed at a server that is not there (a stopped PostgreSQL)."""
    original = connections["default"]
    config = {**original.settings_dict}
    if original.vendor == "sqlite":
        config["NAME"] = "/nonexistent-dir/entraide.sqlite3"
    else:
        config.update(HOST="127.0.0.1", PORT=str(free_port()))
    broken = load_backend(config["ENGINE"]).DatabaseWrapper(config, "default")
    connections["default"] = broken
    try:
        yield
    finally:
        broken.close()
        connections["default"] = original


@pytest.mark.django_db
def test_a_page_answers_503_at_once_when_the_database_is_down(database_down) -> None:
    client = Client(raise_request_exception=False)
    client.get("/healthz")  # the URL configuration is loaded: time only the request
    started = time.monotonic()
    response = client.get("/questions/")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"briefly unavailable" in response.content
    assert response["X-Request-ID"]


@pytest.mark.django_db
def test_the_api_answers_a_503_problem_when_the_database_is_down(database_down) -> None:
    response = Client(raise_request_exception=False).get("/api/v1/questions/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "service-unavailable"


def test_a_request_id_is_made_returned_and_a_valid_one_honoured(client) -> None:
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234.abc")["X-Request-ID"] == "lb-1234.abc"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID='x" injected\nline')["X-Request-ID"]
    assert forged != 'x" injected\nline' and len(forged) == 32


def test_log_lines_are_json_with_the_request_id(client) -> None:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-42")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    line = json.loads(JsonFormatter().format(records[-1]))
    assert line["request_id"] == "req-42"
    assert line["level"] == "WARNING" and line["logger"] == "django.request"
    assert line["status_code"] == 404 and "/no-such-page/" in line["message"]


def _production_env(tmp_path, **overrides: str) -> dict[str, str]:
    """This environment with production settings for a child process."""
    # The browser tests allow async-unsafe calls in this process; a deployment never does.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DEBUG": "0",
        "SECRET_KEY": "prod-" + "k3y" * 20,
        "ENTRAIDE_VAR_DIR": str(tmp_path),
        **overrides,
    }


def test_check_deploy_is_clean_with_production_settings(tmp_path) -> None:
    env = _production_env(
        tmp_path,
        ALLOWED_HOSTS="help.example.com",
        DATABASE_URL="postgres://entraide@127.0.0.1:5432/entraide",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_gunicorn_closes_each_connection_so_requests_reach_every_process(tmp_path) -> None:
    """A kept-alive connection stays with the process that accepted it, so a
    few long-lived clients would pile onto one process (one GIL) while the
    others idle; deploy/gunicorn.conf.py closes every connection instead."""
    access_log = tmp_path / "access.log"
    env = _production_env(
        tmp_path,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="1",
        GUNICORN_ACCESS_LOG=str(access_log),
        GUNICORN_PID_FILE="",
    )
    for name in ("REDIS_URL", "GUNICORN_KEEPALIVE"):  # the defaults are under test
        env.pop(name, None)
    server = SiteServer(env, tmp_path, gunicorn=True)
    server.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        connection.request("GET", "/healthz", headers={"Connection": "keep-alive"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        assert response.getheader("Connection") == "close"
        connection.close()

        def client(_number: int) -> list[int]:
            # A client that would keep its connection: requests' pooled session.
            with requests.Session() as session:
                return [
                    session.get(f"{server.url}/healthz", timeout=5).status_code for _ in range(15)
                ]

        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = [status for batch in pool.map(client, range(6)) for status in batch]
        assert statuses == [200] * 90
        pids = {json.loads(line)["pid"] for line in access_log.read_text().splitlines()}
        assert len(pids) == 2
    finally:
        server.stop()
