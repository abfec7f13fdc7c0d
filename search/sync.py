"""The outbox worker: push pending index operations to Meilisearch.

``drain()`` claims due rows in batches, builds the current documents from
the database, sends one upsert and one delete task, waits until Meilisearch
has *finished* them successfully and only then deletes the rows. If the
engine is unreachable the rows stay (attempts and error recorded) and
``EngineUnavailable`` tells the caller to back off; if a task fails, its rows
are retried later with exponential back-off.

Several workers may run at once. A claim takes due rows with ``SELECT … FOR
UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises writers anyway) and
leases them; a document whose rows another worker has leased is left alone,
so two workers never push two states of one document out of order. On
PostgreSQL a per-document advisory lock makes that check race-free between
concurrent claims.
"""

import hashlib
import logging
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)
from meilisearch.models.task import TaskInfo

from .client import admin_client, index_name
from .documents import BUILDERS, document_id
from .indexing import TaskFailed, current_settings, index_exists, rebuild_name, wait
from .models import DocumentKind, IndexOperation

logger = logging.getLogger("search.sync")

UNREACHABLE = (MeilisearchCommunicationError, MeilisearchTimeoutError)


class EngineUnavailable(RuntimeError):
    pass


@dataclass
class SyncResult:
    rows: int = 0
    upserted: int = 0
    deleted: int = 0
    settings_pushed: int = 0
    failed: int = 0
    # Ids of the rows this call pushed (tests check two workers never share one).
    row_ids: list[int] = field(default_factory=list)

    def add(self, other: "SyncResult") -> None:
        self.rows += other.rows
        self.upserted += other.upserted
        self.deleted += other.deleted
        self.settings_pushed += other.settings_pushed
        self.failed += other.failed
        self.row_ids += other.row_ids


def _advisory_key(kind: str, object_id: int) -> int:
    digest = hashlib.blake2b(f"search:{kind}:{object_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _due() -> Q:
    now = timezone.now()
    return Q(next_attempt_at__lte=now) & (Q(leased_until__isnull=True) | Q(leased_until__lte=now))


def claim(batch: int) -> list[IndexOperation]:
    """Lease up to ``batch`` due rows, leaving documents another worker is pushing."""
    lease = timedelta(seconds=settings.SEARCH["SYNC_LEASE_SECONDS"])
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        due = IndexOperation.objects.filter(_due()).order_by("id")
        if postgres:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:batch])
        if not rows:
            return []
        keys = sorted({(row.kind, row.object_id) for row in rows})
        if postgres:
            # Serialise claims of one document; taken in a fixed order, so no deadlock.
            with connection.cursor() as cursor:
                for kind, object_id in keys:
                    cursor.execute(
                        "SELECT pg_advisory_xact_lock(%s)", [_advisory_key(kind, object_id)]
                    )
        busy = set(
            IndexOperation.objects.filter(
                leased_until__gt=timezone.now(), object_id__in={k[1] for k in keys}
            ).values_list("kind", "object_id")
        )
        rows = [row for row in rows if (row.kind, row.object_id) not in busy]
        IndexOperation.objects.filter(pk__in=[row.pk for row in rows]).update(
            leased_until=timezone.now() + lease
        )
    return rows


def _release(rows: list[IndexOperation], error: Exception, *, back_off: bool) -> None:
    """Give rows back after a failed push, recording why."""
    now = timezone.now()
    cap = int(settings.SEARCH["SYNC_MAX_BACKOFF_SECONDS"])
    for row in rows:
        row.attempts += 1
        delay = min(2 ** min(row.attempts, 16), cap) if back_off else 0
        IndexOperation.objects.filter(pk=row.pk).update(
            attempts=row.attempts,
            leased_until=None,
            last_error=str(error)[:2000],
            next_attempt_at=now + timedelta(seconds=delay),
        )


def _targets(client: Any) -> list[str]:
    """The live index, and the one being rebuilt beside it if a reindex runs."""
    live = index_name()
    building = rebuild_name(live)
    return [live, building] if index_exists(client, building) else [live]


def _delete_documents(index: Any, ids: list[str]) -> TaskInfo:
    # The documented delete-by-ids endpoint; the client wraps it only behind a
    # deprecation warning (it prefers filters, which would make ids filterable).
    response = index.http.post(f"indexes/{index.uid}/documents/delete-batch", ids)
    return TaskInfo(**response)


@dataclass
class _Sent:
    """A batch whose tasks the engine has queued but not yet finished."""

    rows: list[IndexOperation]
    tasks: list[TaskInfo]
    result: SyncResult
    # The engine refused to queue a task (disk full, bad payload): the rows
    # were given back with back-off and there is nothing to wait for.
    is_rejected: bool = False


def _send(client: Any, rows: list[IndexOperation]) -> _Sent:
    """Build the rows' documents from the database and queue their tasks."""
    result = SyncResult(rows=len(rows), row_ids=[row.pk for row in rows])
    by_kind: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        by_kind[row.kind].add(row.object_id)
    documents: list[dict[str, Any]] = []
    gone: list[str] = []
    for kind, ids in by_kind.items():
        if kind == DocumentKind.SETTINGS:
            continue
        built = BUILDERS[kind](ids)
        documents += built.values()
        gone += [document_id(kind, object_id) for object_id in ids - built.keys()]
    tasks: list[TaskInfo] = []
    try:
        for name in _targets(client):
            index = client.index(name)
            if DocumentKind.SETTINGS in by_kind:
                tasks.append(index.update_settings(current_settings()))
            if documents:
                tasks.append(index.add_documents(documents, primary_key="id"))
            if gone:
                tasks.append(_delete_documents(index, gone))
    except UNREACHABLE as error:
        _release(rows, error, back_off=False)
        raise EngineUnavailable(str(error)) from error
    except MeilisearchApiError as error:
        # Answered but refused, e.g. "no space left" while storing the payload:
        # retrying at once would fail again, and the worker must keep running.
        logger.error("engine refused a task, %d row(s) retried later: %s", len(rows), error)
        _release(rows, error, back_off=True)
        failed = SyncResult(rows=len(rows), row_ids=result.row_ids, failed=len(rows))
        return _Sent(rows=rows, tasks=tasks, result=failed, is_rejected=True)
    result.upserted = len(documents)
    result.deleted = len(gone)
    result.settings_pushed = int(DocumentKind.SETTINGS in by_kind)
    return _Sent(rows=rows, tasks=tasks, result=result)


def _finish(client: Any, sent: _Sent) -> SyncResult:
    """Wait for a batch's tasks; delete its rows only if every one succeeded."""
    if sent.is_rejected:
        return sent.result
    try:
        for info in sent.tasks:
            wait(client, info, timeout_ms=int(settings.SEARCH["SYNC_LEASE_SECONDS"]) * 500)
    except UNREACHABLE as error:
        _release(sent.rows, error, back_off=False)
        raise EngineUnavailable(str(error)) from error
    except (TaskFailed, MeilisearchApiError) as error:
        logger.error("index task failed, %d row(s) retried later: %s", len(sent.rows), error)
        _release(sent.rows, error, back_off=True)
        return SyncResult(rows=len(sent.rows), row_ids=sent.result.row_ids, failed=len(sent.rows))
    IndexOperation.objects.filter(pk__in=sent.result.row_ids).delete()
    return sent.result


def push(rows: list[IndexOperation]) -> SyncResult:
    """Send the current state of the rows' documents; delete the rows once done."""
    client = admin_client()
    return _finish(client, _send(client, rows))


def drain(batch: int | None = None, *, depth: int = 2) -> SyncResult:
    """Push every due row; raise ``EngineUnavailable`` when the engine is unreachable.

    Up to ``depth`` batches are in flight: the next batch's documents are
    built while the engine indexes the previous one (they never share a
    document: a claim skips documents whose rows are leased).
    """
    total = SyncResult()
    size = batch or int(settings.SEARCH["SYNC_BATCH"])
    client = admin_client()
    in_flight: deque[_Sent] = deque()
    try:
        while True:
            rows = claim(size)
            if rows:
                in_flight.append(_send(client, rows))
            if in_flight and (len(in_flight) >= depth or not rows):
                total.add(_finish(client, in_flight.popleft()))
            if not rows and not in_flight:
                return total
    except EngineUnavailable:
        for sent in in_flight:
            _release(sent.rows, RuntimeError("engine unreachable"), back_off=False)
        raise


def pending_count() -> int:
    return IndexOperation.objects.count()


def enqueue_everything() -> int:
    """Queue every indexable document (the first start against an empty engine)."""
    from .documents import indexable_ids
    from .outbox import enqueue

    count = 0
    with transaction.atomic():
        for kind in BUILDERS:
            ids = list(indexable_ids(kind))
            enqueue(kind, ids)
            count += len(ids)
    return count
