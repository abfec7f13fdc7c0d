"""Gunicorn for Entraide: threaded workers sized to the machine, loopback only.

Every value comes from the environment, so one file serves this machine
(`make prod`) and a container (deploy/Dockerfile binds 0.0.0.0 behind its
load balancer). Defaults: one process per core plus one, four threads each
(a request waits on PostgreSQL, Redis or Meilisearch part of the time, and a
thread serves another meanwhile), and one JSON access-log line per request
with its X-Request-ID.
"""

import json
import os
from datetime import UTC, datetime

from gunicorn.glogging import Logger

_cores = os.cpu_count() or 1

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", str(_cores + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A process takes no more connections than it has threads: one whose threads
# are all busy stops accepting, and the next request waits in the kernel's
# queue for whichever process frees a thread first, not in this process's
# own queue behind requests still running (gunicorn's default is 1,000).
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", str(threads)))
# Load the application once and fork: workers share its memory pages.
preload_app = True
# Bounded memory: a worker is replaced after this many requests (spread out).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = max_requests // 10
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# No keep-alive by default: each process has its own GIL, and a kept-alive
# connection stays with the process that accepted it, so a few long-lived
# clients (a proxy's connection pool, a load balancer, a load tester) pile
# onto one process while the others idle. Closing after each response makes
# every request a new accept, won by whichever process is free. Measured
# with the load mix's 60 clients: 541 / 1,077 / 3,305 requests per process
# with 5 s keep-alive, 2,108 / 2,119 / 2,248 without (README, *Load*). TLS
# ends at the proxy in front, so a new connection here is a loopback or LAN
# handshake, not a TLS one.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "entraide-web"


class JsonAccessLogger(Logger):
    """Access lines as JSON objects, carrying the request id the site returned."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        headers = {name.lower(): value for name, value in resp.headers}
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "logger": "gunicorn.access",
            "request_id": headers.get("x-request-id", "-"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": resp.status_code,
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000, 1),
            # hit or miss for a visitor's cached page (qa.page_cache)
            "cache": headers.get("x-page-cache"),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(entry))


logger_class = JsonAccessLogger
pidfile = os.environ.get("GUNICORN_PID_FILE") or None
