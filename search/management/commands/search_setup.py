"""Create the index and apply the settings declared in ``search.schema`` (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from meilisearch.errors import MeilisearchCommunicationError

from search.client import index_name
from search.indexing import index_setup


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = index_setup()
        except MeilisearchCommunicationError as error:
            raise CommandError(f"Meilisearch is unreachable: {error}") from error
        state = "created" if result.created else "exists"
        changed = ", ".join(result.changed) if result.changed else "none (already up to date)"
        self.stdout.write(f"index {index_name()} {state}; settings changed: {changed}")
