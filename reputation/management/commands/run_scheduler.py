"""A small scheduler for the periodic jobs (serial voting, bounty expiry, view counts and
badges, notification e-mail).

Runs each job in turn when it is due, sleeping in between; a job that raises
is logged and the loop carries on. SIGTERM or SIGINT stops it after the job
in progress. ``--once`` runs every job once and exits (cron, tests).
"""

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection

from api import services as api_services
from dashboard.refresh import dashboard_refresh
from notifications import mail
from privacy.jobs import privacy_jobs
from qa import services as qa_services
from reputation import badges, bounties, serial_voting
from search import services as search_services

logger = logging.getLogger("reputation.scheduler")


def _serial_votes() -> str:
    result = serial_voting.serial_votes_reverse()
    return (
        f"{len(result.pairs)} pair(s), {result.votes} vote(s) invalidated, "
        f"{result.reversals} ledger row(s) reversed"
    )


def _bounties_expire() -> str:
    return f"{bounties.bounties_expire().count} bounty(ies) expired"


def _view_counts() -> str:
    return f"views of {qa_services.question_views_flush()} question(s) written"


def _api_key_uses() -> str:
    return f"requests of {api_services.api_key_uses_flush()} API key(s) written"


def _view_badges() -> str:
    return f"{badges.badges_award_view_badges()} view badge(s) awarded"


def _support_visits() -> str:
    settled = search_services.visits_settle()
    undelivered = search_services.contact_requests_deliver()
    return f"{settled} support visit(s) settled, {undelivered} contact request(s) undelivered"


def _notifications_send() -> str:
    return mail.mail_send_due().summary()


def _dashboard_refresh() -> str:
    return dashboard_refresh().summary()


def _dashboard_refresh_full() -> str:
    return dashboard_refresh(full=True).summary()


@dataclass
class Job:
    name: str
    interval: float  # seconds
    run: Callable[[], str]
    due: float = 0.0  # time.monotonic() of the next run


def _drop_stale_connections() -> None:
    # Django drops broken or aged connections per request; a long-running
    # process must do it itself, but never under a caller's transaction.
    if not connection.in_atomic_block:
        close_old_connections()


def run_job(job: Job) -> bool:
    """Run ``job`` once, logging how it went; return whether it succeeded."""
    _drop_stale_connections()
    started = time.monotonic()
    try:
        summary = job.run()
    except Exception:
        logger.exception("job %s failed; the scheduler carries on", job.name)
        return False
    finally:
        _drop_stale_connections()
    logger.info("job %s done in %.2f s: %s", job.name, time.monotonic() - started, summary)
    return True


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM or SIGINT; restore the previous handlers after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may install handlers
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        logger.info("scheduler received %s; stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (serial votes, bounties, view badges, support visits, "
        "notification e-mail, dashboard rollups) until stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--serial-votes-every",
            type=float,
            default=15.0,
            metavar="MINUTES",
            help="how often to reverse serial voting (default 15 minutes)",
        )
        parser.add_argument(
            "--bounties-every",
            type=float,
            default=60.0,
            metavar="MINUTES",
            help="how often to expire ended bounties (default 60 minutes)",
        )
        parser.add_argument(
            "--view-badges-every",
            type=float,
            default=5.0,
            metavar="MINUTES",
            help="how often to award the question-view badges (default 5 minutes)",
        )
        parser.add_argument(
            "--mail-every",
            type=float,
            default=1.0,
            metavar="MINUTES",
            help="how often to send notification e-mail and due digests (default 1 minute)",
        )
        parser.add_argument(
            "--privacy-every",
            type=float,
            default=15.0,
            metavar="MINUTES",
            help="how often to build exports, carry out due erasures and purge old logs",
        )
        parser.add_argument("--once", action="store_true", help="run every job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = [
            Job("serial_votes", options["serial_votes_every"] * 60, _serial_votes),
            Job("bounties_expire", options["bounties_every"] * 60, _bounties_expire),
            Job("view_badges", options["view_badges_every"] * 60, _view_badges),
            # Views buffered in Redis (production); nothing to do without it.
            Job("view_counts", 10, _view_counts),
            Job("api_key_uses", 10, _api_key_uses),
            # Implicit deflections: visits quiet for 30 minutes end here.
            Job("support_visits", 5 * 60, _support_visits),
            Job("notifications_send", options["mail_every"] * 60, _notifications_send),
            Job("dashboard_refresh", 10 * 60, _dashboard_refresh),
            Job("dashboard_refresh_full", 24 * 3600, _dashboard_refresh_full),
            Job("privacy", options["privacy_every"] * 60, privacy_jobs),
        ]
        if options["once"]:
            for job in jobs:
                run_job(job)
            return
        stop = threading.Event()
        with _stop_on_signals(stop):
            logger.info(
                "scheduler started: %s",
                ", ".join(f"{job.name} every {job.interval / 60:g} min" for job in jobs),
            )
            self.loop(jobs, stop)
        logger.info("scheduler stopped")

    @staticmethod
    def loop(jobs: list[Job], stop: threading.Event) -> None:
        """Run due jobs in turn, then sleep until the next is due or ``stop`` is set."""
        for job in jobs:
            job.due = time.monotonic()
        while not stop.is_set():
            for job in jobs:
                if stop.is_set():
                    break
                started = time.monotonic()
                if started >= job.due:
                    run_job(job)
                    job.due = started + job.interval
            stop.wait(max(0.0, min(job.due for job in jobs) - time.monotonic()))
