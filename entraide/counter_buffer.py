"""Counts kept in Redis, waiting to be added to the database.

Counting a question's views or an API key's requests with an UPDATE per
request costs a write, a row lock and WAL traffic on every page or call;
here it is one HINCRBY in a hash of pending counts, and the scheduler adds
them to the database every few seconds, a batch of rows per statement
(``add_counts``): a busy site has views of thousands of questions to write
every ten seconds, and a statement per row kept PostgreSQL and the
scheduler busy for seconds each time.

``add`` is one HINCRBY. ``flushing`` hands the pending counts to one flusher
at a time: it renames the hash (atomic, so counts added meanwhile start a
new hash) and keeps it until every count in it was written; a flusher that
died leaves it behind and the next one finishes it first. A count written
but not yet removed when a flusher dies is added twice: a count may run a
little high, never low.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, Value, When

LOCK_SECONDS = 120
# Rows per UPDATE of a flush: one statement, one transaction, one HDEL each.
BATCH = 500

# {object id: amount to add}
Counts = dict[int, int]


def add_counts(model: type[models.Model], field: str, counts: Counts, **also: Any) -> None:
    """Add each amount to its row's ``field`` in one UPDATE (and set ``also``).

    The rows are locked first, in id order (as serial voting's reversal
    locks its posts), and held for the milliseconds of one statement. The
    services lock one question (or key) at a time, so they and a batch may
    wait for each other but never in a cycle. A batch that fails leaves its
    counts in the buffer for the next flush.
    """
    rows = model._default_manager.filter(pk__in=counts)
    if len(counts) == 1:  # one row (no Redis: a count at a time): its UPDATE's lock only
        [amount] = counts.values()
        rows.update(**{field: F(field) + amount}, **also)
        return
    with transaction.atomic():
        list(rows.order_by("pk").select_for_update(no_key=True).values_list("pk", flat=True))
        amounts = Case(*(When(pk=pk, then=Value(n)) for pk, n in counts.items()), default=0)
        rows.update(**{field: F(field) + amounts}, **also)


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    # One connection pool per process (redis-py opens a new one after a fork).
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def client() -> redis.Redis:
    return _client(settings.REDIS_URL)


class CounterBuffer:
    """Pending counts per object id under ``name`` (``qa:views``, say), added
    to the database by ``write({object_id: count, ...})``: at once without
    Redis (development, tests), by ``flush`` with it."""

    def __init__(self, name: str, write: Callable[[Counts], None]) -> None:
        self.name = name
        self.write = write

    def keys(self) -> tuple[str, str, str]:
        # The cache's key prefix separates sites (and load runs) sharing a Redis.
        prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
        base = f"{prefix}:{self.name}"
        return f"{base}:pending", f"{base}:flushing", f"{base}:lock"

    def add(self, object_id: int, amount: int = 1) -> None:
        if not settings.REDIS_URL:
            self.write({object_id: amount})
            return
        pending, _flushing, _lock = self.keys()
        client().hincrby(pending, str(object_id), amount)

    def pending_count(self, object_id: int) -> int:
        """Counted but not yet in the database (both hashes)."""
        pending, flushing, _lock = self.keys()
        return sum(int(client().hget(key, str(object_id)) or 0) for key in (pending, flushing))

    @contextmanager
    def flushing(self) -> Iterator[dict[int, int]]:
        """The counts to write now, or nothing when another flusher holds them."""
        pending, flushing_key, lock = self.keys()
        redis_client = client()
        if not redis_client.set(lock, "1", nx=True, ex=LOCK_SECONDS):
            yield {}
            return
        try:
            if not redis_client.exists(flushing_key):
                try:
                    redis_client.rename(pending, flushing_key)
                except redis.ResponseError:  # nothing pending at all
                    yield {}
                    return
            counts = redis_client.hgetall(flushing_key)
            yield {int(key): int(value) for key, value in counts.items()}
        finally:
            redis_client.delete(lock)

    def done(self, object_ids: Iterable[int]) -> None:
        _pending, flushing_key, _lock = self.keys()
        client().hdel(flushing_key, *map(str, object_ids))

    def flush(self) -> int:
        """Write the pending counts, ``BATCH`` objects per transaction in id
        order, dropping each batch once written; return how many objects
        moved."""
        if not settings.REDIS_URL:
            return 0  # nothing waits: ``add`` wrote it
        moved = 0
        with self.flushing() as pending:
            ids = sorted(pending)
            for start in range(0, len(ids), BATCH):
                batch = {pk: pending[pk] for pk in ids[start : start + BATCH]}
                self.write(batch)
                self.done(batch)
                moved += len(batch)
        return moved
