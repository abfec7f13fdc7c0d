"""Rebuild the index from the database beside the live one, then swap them atomically.

Search keeps answering from the old index until the swap.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from meilisearch.errors import MeilisearchCommunicationError

from search.indexing import reindex


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="documents per task")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(kind: str, done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            self.stdout.write(f"\r{kind}: {done:,}/{total:,} ({percent}%)", ending="")
            self.stdout.flush()

        try:
            count = reindex(batch=options["batch"], progress=progress)
        except MeilisearchCommunicationError as error:
            raise CommandError(f"Meilisearch is unreachable: {error}") from error
        elapsed = time.monotonic() - started
        self.stdout.write(f"\nindexed {count:,} documents and swapped in ({elapsed:.1f} s)")
