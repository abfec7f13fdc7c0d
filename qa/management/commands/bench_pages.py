"""``make bench``: time the question page and the list pages on a large data set.

The bench never touches the developer's database. Settings read
``DATABASE_URL`` once, at start-up, and by the time a command runs they are
loaded; so this command starts itself again (``--inner``) with
``DATABASE_URL`` pointing at the bench database, var/bench.sqlite3 unless
``--database-url`` names another. The outer process never opens a connection.
"""

import os
import subprocess
import sys
from argparse import SUPPRESS
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from qa import benchmark


def _developer_database() -> Path:
    return (settings.VAR_DIR / "entraide.sqlite3").resolve()


def _is_developer_database(name: Any) -> bool:
    return (
        bool(name)
        and str(name) != ":memory:"
        and Path(str(name)).resolve() == _developer_database()
    )


class Command(BaseCommand):
    # What the inner process runs (bench_dashboard reuses this command's set-up).
    command_name = "bench_pages"
    help = (
        "Build a data set of 20,000+ questions in a database of its own, then report the "
        "median and p95 server time and SQL query counts of the question and list pages."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database-url",
            help="Bench database (default: sqlite:///<VAR_DIR>/bench.sqlite3). A PostgreSQL "
            "database is created if missing.",
        )
        parser.add_argument("--questions", type=int, default=benchmark.DatasetSpec.questions)
        parser.add_argument("--users", type=int, default=benchmark.DatasetSpec.users)
        parser.add_argument(
            "--samples",
            type=int,
            default=benchmark.MeasureOptions.question_samples,
            help="Question pages measured per viewer.",
        )
        parser.add_argument(
            "--list-repeats",
            type=int,
            default=benchmark.MeasureOptions.list_repeats,
            help="Passes over the list URLs per viewer.",
        )
        parser.add_argument("--rebuild", action="store_true", help="Rebuild the data set.")
        parser.add_argument(
            "--build-only",
            action="store_true",
            help="Build (or check) the data set and stop; measure nothing (make load).",
        )
        parser.add_argument("--inner", action="store_true", help=SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["inner"]:
            self._run(options)
        else:
            self._spawn(options)

    def _spawn(self, options: dict[str, Any]) -> None:
        url = options["database_url"] or f"sqlite:///{settings.VAR_DIR / 'bench.sqlite3'}"
        config = dj_database_url.parse(url)
        if _is_developer_database(config["NAME"]) or url == os.environ.get("DATABASE_URL"):
            raise CommandError("That is the site's own database; the bench needs its own.")
        if config["ENGINE"].endswith("postgresql"):
            benchmark.ensure_postgres_database(url)
        manage = str(settings.BASE_DIR / "manage.py")
        command = [sys.executable, manage, self.command_name, "--inner"]
        for name in ("questions", "users", "samples", "list_repeats"):
            command += [f"--{name.replace('_', '-')}", str(options[name])]
        for flag in ("rebuild", "build_only"):
            if options[flag]:
                command.append(f"--{flag.replace('_', '-')}")
        result = subprocess.run(command, env={**os.environ, "DATABASE_URL": url}, check=False)
        if result.returncode:
            raise CommandError(f"The bench failed (exit status {result.returncode}).")

    def _log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _run(self, options: dict[str, Any]) -> None:
        if _is_developer_database(connection.settings_dict["NAME"]):
            raise CommandError("Refusing to run on the site's own database.")
        self._log(f"Bench database: {connection.vendor} {connection.settings_dict['NAME']}")
        spec = benchmark.DatasetSpec(questions=options["questions"], users=options["users"])
        measure = benchmark.MeasureOptions(
            question_samples=options["samples"], list_repeats=options["list_repeats"]
        )
        try:
            benchmark.ensure_schema(log=self._log)
            dataset = benchmark.ensure_dataset(spec, rebuild=options["rebuild"], log=self._log)
            if options["build_only"]:
                self._log(f"Data set ready: {dataset}")
                return
            measured = benchmark.measure_pages(measure, log=self._log)
        except benchmark.BenchmarkError as error:
            raise CommandError(str(error)) from error
        report = benchmark.build_report(
            spec=spec, dataset=dataset, options=measure, measured=measured
        )
        path = benchmark.write_report(report, settings.VAR_DIR / "bench")
        self.stdout.write("")
        self.stdout.write(benchmark.format_report(report))
        self.stdout.write(f"\nReport: {path}")
