"""Record that a search document may have changed, inside the caller's transaction.

Services call these explicitly (bulk ``update()`` skips signals, so signals
would miss changes). The row commits or rolls back with the change itself.
"""

from collections.abc import Iterable

from django.db import transaction

from .models import DocumentKind, IndexOperation


def enqueue(kind: str, object_ids: Iterable[int]) -> None:
    """Queue the documents of ``kind`` with these ids for re-indexing."""
    if not transaction.get_connection().in_atomic_block:
        # A row written outside the change's transaction could commit without it.
        raise RuntimeError("search.outbox.enqueue must run inside the changing transaction")
    IndexOperation.objects.bulk_create(
        IndexOperation(kind=kind, object_id=object_id) for object_id in set(object_ids)
    )


def enqueue_question(question_id: int) -> None:
    """A question's document holds its answers, so any post change re-indexes the question."""
    enqueue(DocumentKind.QUESTION, [question_id])
