import os
import resource
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.importer import DEFAULT_BATCH_SIZE
from imports.report import FileReport, ImportSummary
from imports.services import import_dump

# Bad rows printed one by one; past this, only counted in the summary.
MAX_PROBLEM_LINES = 200


class Command(BaseCommand):
    help = (
        "Import a Stack Exchange data dump folder (Posts.xml, Users.xml, …). "
        "Safe to run again: imported rows are updated, not duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="the dump folder")
        parser.add_argument("--site-name", help="the community's name (default: the folder's name)")
        parser.add_argument("--site-url", default="", help="the original site, for attribution")
        parser.add_argument(
            "--limit", type=int, help="import at most N questions (with their answers)"
        )
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="worker processes rendering texts while the importer writes (1: none)",
        )
        parser.add_argument(
            "--profile",
            action="store_true",
            help="print rates and the process's peak memory (resident set) at the end",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # With DEBUG on, Django keeps (and on SQLite quotes, with an extra
        # query) every statement for the debug log: as costly as the INSERTs
        # themselves, for a log an import never reads.
        settings.DEBUG = False
        self.problems_shown = 0
        self.last_progress = 0.0
        self.finished = ""
        self.peak_anonymous = 0
        started_cpu = time.process_time()
        self.interactive = self.stderr.isatty()
        try:
            summary = import_dump(
                options["folder"],
                site_name=options["site_name"],
                site_url=options["site_url"],
                limit=options["limit"],
                batch_size=options["batch_size"],
                on_progress=self.progress,
                on_problem=self.problem,
                jobs=options["jobs"],
            )
        except (FileNotFoundError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.print_summary(summary)
        if options["profile"]:
            self.print_profile(summary, time.process_time() - started_cpu)

    def progress(self, report: FileReport, position: int, size: int) -> None:
        self.peak_anonymous = max(self.peak_anonymous, _anonymous_memory())
        now = time.monotonic()
        done = position >= size
        if done and report.name == self.finished:
            return
        if not done and now - self.last_progress < (0.2 if self.interactive else 5):
            return
        if done:
            self.finished = report.name
        self.last_progress = now
        width = 30
        filled = int(width * position / size) if size else width
        unit = _unit(report)
        line = (
            f"{report.name:<16} [{'#' * filled}{'.' * (width - filled)}] "
            f"{100 * position / max(size, 1):5.1f}%  {report.read:,} {unit}  "
            f"{report.rate:,.0f} {unit}/s  imported {report.imported:,}  updated {report.updated:,}"
            f"  unchanged {report.unchanged:,}  skipped {report.skipped_total:,}"
        )
        if self.interactive:
            self.stderr.write("\r" + line, ending="\n" if done else "")
        else:
            self.stderr.write(line)
        self.stderr.flush()

    def problem(self, message: str) -> None:
        self.problems_shown += 1
        if self.problems_shown <= MAX_PROBLEM_LINES:
            clear = "\r\033[K" if self.interactive else ""  # a progress line in the way
            self.stderr.write(f"{clear}skipped: {message}")

    def print_summary(self, summary: ImportSummary) -> None:
        write = self.stdout.write
        write(f"\nImported {summary.site} in {summary.seconds:.1f} s")
        for warning in summary.warnings:
            write(self.style.WARNING(f"  {warning}"))
        write(
            f"  {'file':<16} {'read':>9} {'imported':>9} {'updated':>9} "
            f"{'unchanged':>9} {'skipped':>9} {'rows/s':>9}"
        )
        for report in summary.files.values():
            write(
                f"  {report.name:<16} {report.read:>9,} {report.imported:>9,} "
                f"{report.updated:>9,} {report.unchanged:>9,} {report.skipped_total:>9,} "
                f"{report.rate:>9,.0f}"
            )
            for reason, count in report.skipped.most_common():
                examples = ", ".join(report.examples.get(reason, []))
                write(f"      {count:>7,} {reason} (e.g. {examples})")
        if summary.problems:
            hidden = len(summary.problems) - MAX_PROBLEM_LINES
            more = f"; {hidden:,} not printed above" if hidden > 0 else ""
            write(self.style.WARNING(f"  {len(summary.problems):,} bad rows skipped{more}."))
        else:
            write(self.style.SUCCESS("  No bad rows."))

    def print_profile(self, summary: ImportSummary, cpu_seconds: float) -> None:
        posts = summary.files.get("Posts.xml")
        own = resource.getrusage(resource.RUSAGE_SELF)
        workers = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.stdout.write(
            f"profile: peak memory: max RSS {own.ru_maxrss / 1024:.1f} MiB, of which anonymous "
            f"(the importer's own, without the database file SQLite maps) at most "
            f"{self.peak_anonymous / 1024:.1f} MiB; each rendering worker at most "
            f"{workers.ru_maxrss / 1024:.1f} MiB"
        )
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        self.stdout.write(
            f"profile: CPU {cpu_seconds:.2f} s in the importer, "
            f"{workers.ru_utime + workers.ru_stime:.2f} s in its workers; load average {load}"
        )
        for report in summary.files.values():
            self.stdout.write(
                f"profile: {report.name:<16} CPU {report.cpu_seconds:.2f} s in the importer "
                f"+ {report.worker_cpu_seconds:.2f} s in the workers"
            )
        if posts and posts.seconds:
            written = posts.imported + posts.updated
            cpu = posts.cpu_seconds + posts.worker_cpu_seconds
            self.stdout.write(
                f"profile: Posts.xml {posts.read:,} posts in {posts.seconds:.2f} s = "
                f"{posts.read / posts.seconds:,.0f} posts/s (wall clock, load {load}); "
                f"{written:,} questions and answers written = {written / posts.seconds:,.0f} "
                f"posts/s; CPU {posts.cpu_seconds:.2f} s in the importer + "
                f"{posts.worker_cpu_seconds:.2f} s in the workers = "
                f"{posts.read / max(cpu, 1e-9):,.0f} posts per CPU second"
            )
        total = sum(report.read for report in summary.files.values())
        self.stdout.write(
            f"profile: {total:,} rows in {summary.seconds:.2f} s = "
            f"{total / max(summary.seconds, 1e-9):,.0f} rows/s overall"
        )


def _unit(report: FileReport) -> str:
    return "posts" if report.name == "Posts.xml" else "rows"


def _anonymous_memory() -> int:
    """The process's resident anonymous memory in KiB (Linux), 0 elsewhere."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
