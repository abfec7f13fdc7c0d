"""Create, configure and rebuild the index (the admin side of the engine)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import meilisearch
from meilisearch.errors import MeilisearchApiError
from meilisearch.models.task import TaskInfo

from .client import admin_client, ensure_search_key, index_name
from .documents import BUILDERS, indexable_ids
from .models import Synonym
from .schema import index_settings

# Settings and swaps of a large index take a while on two cores.
TASK_TIMEOUT_MS = 600_000


class TaskFailed(RuntimeError):
    pass


def wait(client: meilisearch.Client, info: TaskInfo, timeout_ms: int = TASK_TIMEOUT_MS) -> None:
    """Wait for a task and raise unless it succeeded."""
    task = client.wait_for_task(info.task_uid, timeout_in_ms=timeout_ms, interval_in_ms=20)
    if task.status != "succeeded":
        raise TaskFailed(f"Meilisearch task {task.uid} ({task.type}) {task.status}: {task.error}")


def rebuild_name(name: str) -> str:
    return f"{name}__rebuild"


def staff_synonyms() -> list[list[str]]:
    return [synonym.term_list for synonym in Synonym.objects.order_by("id")]


def current_settings() -> dict[str, Any]:
    return index_settings(staff_synonyms())


def index_exists(client: meilisearch.Client, name: str) -> bool:
    try:
        client.get_raw_index(name)
    except MeilisearchApiError as error:
        if error.code == "index_not_found":
            return False
        raise
    return True


@dataclass
class SetupResult:
    created: bool
    changed: list[str]


def index_setup(
    name: str | None = None, *, client: meilisearch.Client | None = None
) -> SetupResult:
    """Create the index if missing and apply the declared settings (idempotent).

    Only settings that differ are sent, so a second run changes nothing.
    """
    client = client or admin_client(timeout=30)
    name = name or index_name()
    created = False
    if not index_exists(client, name):
        wait(client, client.create_index(name, {"primaryKey": "id"}))
        created = True
    index = client.index(name)
    wanted = current_settings()
    current = index.get_settings()
    changed = sorted(
        key for key, value in wanted.items() if not _same(key, current.get(key), value)
    )
    if changed:
        wait(client, index.update_settings({key: wanted[key] for key in changed}))
    ensure_search_key(client, index_name())
    return SetupResult(created=created, changed=changed)


# Sets the engine reports in its own order; the rest keeps the declared order.
_UNORDERED = {"filterableAttributes", "sortableAttributes", "stopWords"}
# Option groups the engine completes with defaults: compare the keys we declare.
_PARTIAL = {"typoTolerance", "faceting", "pagination"}


def _same(key: str, current: Any, wanted: Any) -> bool:
    """Whether the engine already has the declared value of setting ``key``."""
    if key in _UNORDERED:
        return sorted(current or []) == sorted(wanted)
    if key in _PARTIAL:
        return _includes(current or {}, wanted)
    return bool(current == wanted)


def _includes(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    return all(
        _includes(current.get(k) or {}, v) if isinstance(v, dict) else current.get(k) == v
        for k, v in wanted.items()
    )


def _chunks(ids: Iterator[int] | Any, size: int) -> Iterator[list[int]]:
    iterator = iter(ids)
    while chunk := list(islice(iterator, size)):
        yield chunk


def reindex(*, batch: int = 1000, progress: Callable[[str, int, int], None] | None = None) -> int:
    """Build a fresh index beside the live one and swap them atomically.

    Search keeps answering from the old index until the swap; the worker
    also writes into the new one while it is built (see ``search.sync``).
    Return the number of documents indexed.
    """
    client = admin_client(timeout=60)
    live = index_name()
    building = rebuild_name(live)
    if index_exists(client, building):
        wait(client, client.delete_index(building))
    index_setup(building, client=client)
    if not index_exists(client, live):
        index_setup(live, client=client)
    index = client.index(building)
    total = 0
    for kind, builder in BUILDERS.items():
        ids = list(indexable_ids(kind))
        done = 0
        pending: list[TaskInfo] = []
        for chunk in _chunks(ids, batch):
            documents = list(builder(chunk).values())
            if documents:
                pending.append(index.add_documents(documents, primary_key="id"))
            done += len(chunk)
            # Keep at most a few batches queued so progress means indexed.
            while len(pending) > 2:
                wait(client, pending.pop(0))
            if progress:
                progress(kind, done, len(ids))
        for info in pending:
            wait(client, info)
        total += done
    wait(client, client.swap_indexes([{"indexes": [live, building]}]))
    wait(client, client.delete_index(building))
    return total
