"""Measure search relevance on real Stack Exchange dumps.

``manage.py search_eval DIR… [--compare]`` imports each dump with the Stack
Exchange importer into a database of its own (var/eval/eval.sqlite3, made
afresh; the site's database is never touched), indexes its questions through
the outbox like any change, then searches each duplicate's title and reports
where the original ranks (recall@1, recall@5, MRR@10) and the search latency.
``--compare`` also runs Meilisearch's default settings and a BM25 baseline
(SQLite FTS5) on the same documents and queries.

A local Meilisearch with a throw-away data directory is started unless
``MEILISEARCH_URL`` names a server.
"""

import importlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from argparse import SUPPRESS
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from qa.models import Post, PostLink, PostType
from search import evaluation, sync
from search.documents import question_documents
from search.engine import LocalServer
from search.indexing import index_setup

SYSTEMS = ("ours", "defaults", "bm25")


class Command(BaseCommand):
    help = "Search relevance on Stack Exchange dumps: recall@1, recall@5, MRR, latency."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dirs", nargs="+", type=Path, help="dump folders (Posts.xml, …)")
        parser.add_argument(
            "--compare", action="store_true", help="also run Meilisearch defaults and BM25"
        )
        parser.add_argument("--inner", action="store_true", help=SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        folders = [folder.resolve() for folder in options["dirs"]]
        missing = [str(f) for f in folders if not (f / "Posts.xml").is_file()]
        if missing:
            raise CommandError(f"Not a dump folder (no Posts.xml): {', '.join(missing)}")
        _importer()  # fail early, before anything starts
        if options["inner"]:
            self._run(folders, compare=options["compare"])
            return
        database = settings.VAR_DIR / "eval" / "eval.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        for stale in database.parent.glob("eval.sqlite3*"):
            stale.unlink()
        command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "search_eval", "--inner"]
        command += [str(f) for f in folders] + (["--compare"] if options["compare"] else [])
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "LOG_LEVEL": "WARNING"}
        if subprocess.run(command, env=env, check=False).returncode:
            raise CommandError("The evaluation failed.")

    def _log(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _run(self, folders: list[Path], *, compare: bool) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        server = None
        if not os.environ.get("MEILISEARCH_URL"):
            data = Path(tempfile.mkdtemp(prefix="meili-eval-", dir=settings.VAR_DIR / "eval"))
            server = LocalServer(data_dir=data, key=secrets.token_hex(16))
            server.start()
            settings.SEARCH.update(URL=server.url, API_KEY=server.key)
        try:
            report = [self._site(folder, compare=compare) for folder in folders]
        finally:
            if server is not None:
                server.stop()
                subprocess.run(["rm", "-rf", str(server.data_dir)], check=False)
        totals = {name: evaluation.Scores() for name in SYSTEMS}
        for site in report:
            for name, scores in site.pop("_scores").items():
                totals[name].add(scores)
        overall = {name: s.as_dict() for name, s in totals.items() if s.ranks}
        self._log("\nAll sites (" + str(len(totals["ours"].ranks)) + " duplicate pairs):")
        self._log(_table(overall))
        result: dict[str, Any] = {"sites": report, "overall": overall}
        if compare:
            gain = {
                metric: round(
                    overall["ours"][metric]
                    - max(overall["defaults"][metric], overall["bm25"][metric]),
                    3,
                )
                for metric in ("recall_at_5", "mrr")
            }
            result["gain_over_best_baseline"] = gain
            self._log(
                f"\nours minus the better baseline: recall@5 {gain['recall_at_5']:+.3f}, "
                f"MRR {gain['mrr']:+.3f}"
            )
        path = settings.VAR_DIR / "eval" / "report.json"
        path.write_text(json.dumps(result, indent=2))
        self._log(f"Report: {path}")

    def _site(self, folder: Path, *, compare: bool) -> dict[str, Any]:
        import_dump = _importer().import_dump
        imported_posts = importlib.import_module("imports.models").ImportedPost.objects
        name = folder.name
        settings.SEARCH["INDEX"] = "eval_" + slugify(name).replace("-", "_")
        index_setup()
        self._log(f"\n{name}: importing…")
        started = time.perf_counter()
        import_dump(folder, site_name=name)
        imported = time.perf_counter() - started
        started = time.perf_counter()
        pushed = sync.drain()
        indexed = time.perf_counter() - started
        ids = set(
            imported_posts.filter(
                site__name=name, post__post_type=PostType.QUESTION, post__deleted_at=None
            ).values_list("post_id", flat=True)
        )
        titles = dict(Post.objects.filter(pk__in=ids).values_list("pk", "title"))
        pairs = [
            evaluation.Pair(duplicate_id=dup, original_id=original, query=titles[dup])
            for dup, original in PostLink.objects.filter(
                link_type=PostLink.LinkType.DUPLICATE, from_post__in=ids, to_post__in=ids
            )
            .order_by("id")
            .values_list("from_post_id", "to_post_id")
        ]
        self._log(
            f"  {len(ids)} questions imported in {imported:.1f} s, indexed through the outbox "
            f"in {indexed:.1f} s ({pushed.upserted} documents); {len(pairs)} duplicate pairs"
        )
        scores = {"ours": evaluation.evaluate(pairs, evaluation.ours())}
        if compare:
            documents = list(question_documents(ids).values())
            scores["defaults"] = evaluation.evaluate(
                pairs, evaluation.meilisearch_defaults(documents)
            )
            scores["bm25"] = evaluation.evaluate(pairs, evaluation.bm25(documents))
        summary = {system: s.as_dict() for system, s in scores.items()}
        self._log(_table(summary))
        return {
            "site": name,
            "questions": len(ids),
            "import_seconds": round(imported, 1),
            "index_seconds": round(indexed, 1),
            "results": summary,
            "_scores": scores,
        }


def _importer() -> Any:
    """The Stack Exchange importer's services (issue: Stack Exchange import)."""
    try:
        return importlib.import_module("imports.services")
    except ImportError as error:
        raise CommandError(
            "search_eval imports dumps with the Stack Exchange importer (the imports app), "
            "which this installation does not have yet."
        ) from error


def _table(rows: dict[str, dict[str, Any]]) -> str:
    lines = [
        f"  {'system':<9} {'pairs':>5} {'R@1':>6} {'R@5':>6} {'MRR':>6} {'p50 ms':>7} {'p95 ms':>7}"
    ]
    for system, row in rows.items():
        lines.append(
            f"  {system:<9} {row['pairs']:>5} {row['recall_at_1']:>6.3f} {row['recall_at_5']:>6.3f}"
            f" {row['mrr']:>6.3f} {row['latency_p50_ms']:>7.2f} {row['latency_p95_ms']:>7.2f}"
        )
    return "\n".join(lines)
