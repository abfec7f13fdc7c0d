"""The search worker dies (SIGKILL) in the middle of a batch."""

import time
from datetime import UTC, datetime

import pytest
from django.db import close_old_connections
from django.utils import timezone

from qa import services as qa
from search.client import admin_client, index_name
from search.indexing import index_setup
from search.models import IndexOperation
from tests.factories import CategoryFactory, TagFactory, UserFactory
from tests.faults.processes import LEASE_SECONDS, process_env, search_worker, wait_until
from tests.search.helpers import expected, indexed, pending

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = 240
BATCH = 8


def _documents_sent_since(moment: datetime) -> int:
    """Documents the engine received in upsert tasks enqueued after ``moment``."""
    tasks = admin_client().get_tasks(
        {
            "indexUids": [index_name()],
            "types": ["documentAdditionOrUpdate"],
            "afterEnqueuedAt": moment.isoformat().replace("+00:00", "Z"),
            "limit": 1000,
        }
    )
    return sum(int((task.details or {}).get("receivedDocuments", 0)) for task in tasks.results)


def test_a_killed_worker_loses_no_operation_and_repeats_none(engine, tmp_path) -> None:
    category = CategoryFactory(name="Lamps", slug="lamps")
    TagFactory(name="bulb")
    asker = UserFactory(username="asker")
    ids = [
        qa.question_ask(
            author=asker,
            title=f"Smart bulb number {n} loses its schedule",
            body=f"Bulb {n} forgets its schedule every night after a power cut.",
            tags="bulb",
            category=category,
        ).pk
        for n in range(QUESTIONS)
    ]
    # One pending row per question, so counting documents counts operations.
    assert pending() == QUESTIONS
    index_setup()
    env = process_env(var_dir=tmp_path, engine=engine, SEARCH_SYNC_BATCH=str(BATCH))
    first = search_worker(env, tmp_path, name="first")
    first.start()
    try:

        def mid_way() -> bool:
            close_old_connections()
            return pending() <= QUESTIONS * 2 // 3

        wait_until(mid_way, 60, "the first worker pushed nothing", interval=0.01)
        first.kill()
    finally:
        first.stop()
    killed_at = datetime.now(UTC)
    close_old_connections()
    left = list(IndexOperation.objects.values_list("object_id", "leased_until"))
    in_flight = [object_id for object_id, leased in left if leased and leased > timezone.now()]
    assert 0 < len(left) < QUESTIONS, "killed before it started or after it finished"
    assert in_flight, "killed between two batches, not in the middle of one"

    second = search_worker(env, tmp_path, name="second")
    second.start()
    try:
        started = time.monotonic()
        wait_until(
            lambda: (close_old_connections(), pending() == 0)[1],
            LEASE_SECONDS + 60,
            "the second worker did not take over",
        )
        # It waited for the dead worker's lease before touching its rows.
        assert time.monotonic() - started >= LEASE_SECONDS - 1
        assert indexed() == expected(ids)
        # Exactly the operations the dead worker had not confirmed, each once:
        # nothing it had confirmed is sent again, nothing pending is skipped.
        assert _documents_sent_since(killed_at) == len(left)
        assert second.is_alive
    finally:
        second.stop()
