"""``make bench-search``: index 20,000 questions through the outbox, then time
the ask page's suggestions, the search page and the widgets' instant answers
(``--only "instant answers"`` times just those; ``make bench-instant``).

Uses the page benchmark's data set and database (var/bench.sqlite3, or
``--database-url``; never the site's own) and a local Meilisearch with a
throw-away data directory unless ``MEILISEARCH_URL`` names one. Like the
page benchmark it starts itself again with ``DATABASE_URL`` pointing at the
bench database, since settings read it once at start-up.
"""

import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from argparse import SUPPRESS
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client

from qa import benchmark
from qa.models import Post, PostType
from search import sync
from search.client import admin_client, admin_index, index_name
from search.engine import LocalServer
from search.indexing import index_exists, index_setup, wait
from search.models import IndexOperation
from search.outbox import enqueue


class Command(BaseCommand):
    help = "Index 20,000 questions through the outbox and time suggestions and search."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database-url", help="bench database (default var/bench.sqlite3)")
        parser.add_argument("--samples", type=int, default=300, help="requests per page kind")
        parser.add_argument(
            "--only", choices=sorted(KINDS), help="time one kind of request (default: all)"
        )
        parser.add_argument("--inner", action="store_true", help=SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["inner"]:
            self._run(options)
            return
        url = options["database_url"] or f"sqlite:///{settings.VAR_DIR / 'bench.sqlite3'}"
        name = Path(str(dj_database_url.parse(url)["NAME"]))
        if url == os.environ.get("DATABASE_URL") or name == settings.VAR_DIR / "entraide.sqlite3":
            raise CommandError("That is the site's own database; the bench needs its own.")
        if url.startswith("postgres"):
            benchmark.ensure_postgres_database(url)
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "search_bench", "--inner"]
        command += ["--samples", str(options["samples"])]
        if options["only"]:
            command += ["--only", options["only"]]
        env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
        if subprocess.run(command, env=env, check=False).returncode:
            raise CommandError("The search bench failed.")

    def _log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _run(self, options: dict[str, Any]) -> None:
        self._log(f"Bench database: {connection.vendor} {connection.settings_dict['NAME']}")
        benchmark.ensure_schema(log=self._log)
        benchmark.ensure_dataset(benchmark.DatasetSpec(), log=self._log)
        server = None
        if not os.environ.get("MEILISEARCH_URL"):
            data = Path(tempfile.mkdtemp(prefix="meili-bench-", dir=settings.VAR_DIR))
            server = LocalServer(data_dir=data, key=secrets.token_hex(16))
            server.start()
            settings.SEARCH.update(URL=server.url, API_KEY=server.key)
        settings.SEARCH["INDEX"] = "bench"
        try:
            report = {
                "indexing": self._index(),
                **self._pages(options["samples"], options["only"]),
            }
        finally:
            if server is not None:
                server.stop()
                shutil.rmtree(server.data_dir, ignore_errors=True)
        load = os.getloadavg()
        report["machine"] = {
            "cpus": os.cpu_count(),
            "database": connection.vendor,
            "load_average": [round(value, 2) for value in load],
        }
        self._log(
            f"Load average (1, 5, 15 min) at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        path = settings.VAR_DIR / "bench" / f"search-{connection.vendor}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2))
        self._log(f"Report: {path}")

    def _index(self) -> dict[str, Any]:
        client = admin_client(timeout=120)
        if index_exists(client, index_name()):
            wait(client, client.delete_index(index_name()))
        index_setup()
        IndexOperation.objects.all().delete()
        ids = list(
            Post.objects.filter(post_type=PostType.QUESTION, deleted_at=None).values_list(
                "pk", flat=True
            )
        )
        answers = Post.objects.filter(parent_id__in=ids, deleted_at=None).count()
        with transaction.atomic():
            enqueue("question", ids)
        self._log(f"Indexing {len(ids):,} questions with {answers:,} answers through the outbox…")
        started = time.perf_counter()
        result = sync.drain()
        seconds = time.perf_counter() - started
        indexed = admin_index().get_stats().number_of_documents
        if indexed != len(ids) or IndexOperation.objects.exists():
            raise CommandError(f"{indexed} documents indexed for {len(ids)} questions")
        self._log(
            f"  {indexed:,} documents in {seconds:.1f} s: {indexed / seconds:,.0f} questions/s "
            f"({result.rows:,} outbox rows, batches of {settings.SEARCH['SYNC_BATCH']})"
        )
        return {
            "questions": len(ids),
            "answers": answers,
            "seconds": round(seconds, 1),
            "questions_per_second": round(indexed / seconds),
        }

    def _pages(self, samples: int, only: str | None) -> dict[str, Any]:
        rng = random.Random(7)
        titles = list(
            Post.objects.filter(post_type=PostType.QUESTION, deleted_at=None).values_list(
                "title", flat=True
            )[:5000]
        )
        client = Client()
        headers = {"Authorization": f"Bearer {_bench_key()}"}
        self._log(f"Load average (1, 5, 15 min) at the start: {_load()}")
        report = {}
        for name, make_url in KINDS.items():
            if only and name != only:
                continue
            for title in rng.sample(titles, 20):
                client.get(make_url(title, rng), headers=headers)  # warm up
            times = []
            for title in rng.sample(titles, samples):
                url = make_url(title, rng)
                started = time.perf_counter()
                response = client.get(url, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            times.sort()
            row = {
                "samples": samples,
                "p50_ms": round(times[len(times) // 2], 1),
                "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            }
            self._log(f"  {name}: median {row['p50_ms']} ms, p95 {row['p95_ms']} ms")
            report[name] = row
        return report


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _bench_key() -> str:
    """A read key for the bench, with a limit no bench run reaches."""
    from accounts.models import User
    from api.services import api_key_create

    staff, _created = User.objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "email": "bench@example.com"}
    )
    return api_key_create(
        staff=staff, name="bench", allowed_origins=[], requests_per_minute=100_000
    ).secret


def _typed(title: str, rng: random.Random) -> str:
    """What a widget sends while a customer types: the first words, the last
    one often still being typed."""
    words = title.split()[: rng.randint(2, 6)]
    if len(words[-1]) > 3 and rng.random() < 0.5:
        words[-1] = words[-1][: rng.randint(2, len(words[-1]) - 1)]
    return quote(" ".join(words))


KINDS: dict[str, Callable[[str, random.Random], str]] = {
    # What the ask page sends while a title is typed: its first words.
    "suggestions": lambda t, rng: f"/search/suggest/?flow=ask&q={_words(t, rng, 3, 7)}",
    "search page": lambda t, rng: f"/search/?q={_words(t, rng, 1, 3)}",
    "instant answers": lambda t, rng: f"/api/v1/instant-answers/?q={_typed(t, rng)}",
}


def _words(title: str, rng: random.Random, low: int, high: int) -> str:
    return quote(" ".join(title.split()[: rng.randint(low, high)]))
