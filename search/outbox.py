"""Record that a search document may have changed, inside the caller's transaction.

Services call these explicitly (bulk ``update()`` skips signals, so signals
would miss changes). The row commits or rolls back with the change itself.
On PostgreSQL the same transaction also sends a NOTIFY, which PostgreSQL
delivers only at commit: the worker wakes as soon as the rows are visible
(on SQLite it polls).
"""

from collections.abc import Iterable

from django.db import connection, transaction

from qa import page_cache

from .models import DocumentKind, IndexOperation

NOTIFY_CHANNEL = "entraide_search_outbox"


def enqueue(kind: str, object_ids: Iterable[int], *, score_only: bool = False) -> None:
    """Queue the documents of ``kind`` with these ids for re-indexing.

    ``score_only``: a vote, which moved nothing but a score; the questions'
    cached pages are rebuilt once a minute old rather than at once
    (``qa.page_cache.questions_voted``).
    """
    if not transaction.get_connection().in_atomic_block:
        # A row written outside the change's transaction could commit without it.
        raise RuntimeError("search.outbox.enqueue must run inside the changing transaction")
    ids = set(object_ids)
    IndexOperation.objects.bulk_create(IndexOperation(kind=kind, object_id=pk) for pk in ids)
    if kind == DocumentKind.QUESTION:
        # What changes a question's document changes its page too.
        if score_only:
            page_cache.questions_voted(ids)
        else:
            page_cache.questions_changed(ids)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {NOTIFY_CHANNEL}")


def enqueue_question(question_id: int, *, score_only: bool = False) -> None:
    """A question's document holds its answers, so any post change re-indexes the question."""
    enqueue(DocumentKind.QUESTION, [question_id], score_only=score_only)


def enqueue_settings() -> None:
    """The index settings (synonyms) changed: the worker pushes them."""
    enqueue(DocumentKind.SETTINGS, [0])
