"""The search outbox worker: push pending index operations to Meilisearch.

Runs until stopped (SIGTERM / Ctrl-C, after the batch in progress); several
may run at once. While the engine is unreachable it retries with back-off,
and the site keeps working. ``--once`` drains what is due and exits.
"""

import logging
import select
import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from search import sync
from search.client import admin_client, index_name
from search.indexing import index_exists, index_setup
from search.outbox import NOTIFY_CHANNEL

logger = logging.getLogger("search.sync")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="drain what is due, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            result = sync.drain()
            self.stdout.write(
                f"{result.rows} row(s): {result.upserted} upserted, {result.deleted} deleted, "
                f"{result.failed} failed"
            )
            return
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        self.run(poll=options["poll"])

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _prepare(self) -> None:
        """Apply the settings; on a fresh engine, queue every document."""
        is_new = not index_exists(admin_client(), index_name())
        index_setup()
        if is_new:
            count = sync.enqueue_everything()
            logger.info("new index %s: queued %d document(s)", index_name(), count)

    def run(self, *, poll: float) -> None:
        ready = False
        backoff = 1.0
        cap = float(settings.SEARCH["SYNC_MAX_BACKOFF_SECONDS"])
        listening_on: object = None
        while not self.stopping:
            close_old_connections()
            try:
                if not ready:
                    self._prepare()
                    ready = True
                result = sync.drain()
                backoff = 1.0
                if result.rows:
                    logger.info(
                        "pushed %d row(s): %d upserted, %d deleted, %d failed",
                        result.rows,
                        result.upserted,
                        result.deleted,
                        result.failed,
                    )
                listening_on = self._idle(poll, listening_on)
            except (sync.EngineUnavailable, *sync.UNREACHABLE) as error:
                logger.warning("Meilisearch unreachable, retrying in %.0f s: %s", backoff, error)
                self._sleep(backoff)
                backoff = min(backoff * 2, cap)
            except (OperationalError, InterfaceError) as error:
                # PostgreSQL restarting or failing over: rows stay in the
                # outbox (leased ones return when the lease ends), so wait and
                # reconnect rather than exit and leave the index behind.
                logger.warning("database unreachable, retrying in %.0f s: %s", backoff, error)
                connection.close()
                listening_on = None
                self._sleep(backoff)
                backoff = min(backoff * 2, cap)

    def _idle(self, poll: float, listening_on: object) -> object:
        """Wait for new rows; return the connection that LISTENs (PostgreSQL)."""
        if connection.vendor != "postgresql":
            self._sleep(poll)
            return None
        connection.ensure_connection()
        # A recycled connection (CONN_MAX_AGE) has forgotten the LISTEN.
        if connection.connection is not listening_on:
            with connection.cursor() as cursor:
                cursor.execute(f"LISTEN {NOTIFY_CHANNEL}")
            listening_on = connection.connection
        self._wait_for_notify(poll * 5)
        return listening_on

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))

    def _wait_for_notify(self, timeout: float) -> None:
        """Sleep until a transaction that queued rows commits (or the timeout passes)."""
        raw = connection.connection
        assert raw is not None
        deadline = time.monotonic() + timeout
        while not self.stopping and time.monotonic() < deadline:
            ready, _, _ = select.select([raw.fileno()], [], [], 0.5)
            if ready:
                # Consume every pending notification; one wake-up drains them all.
                for _notify in raw.notifies(timeout=0):
                    pass
                # A busy site queues rows several times a second; a moment's
                # wait sends them as one task, and the engine's cost is per
                # task far more than per document.
                self._sleep(float(settings.SEARCH["SYNC_GATHER_SECONDS"]))
                return
