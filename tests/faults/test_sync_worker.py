"""The search worker dies (SIGKILL) in the middle of a batch."""

import pytest
from django.db import close_old_connections
from django.utils import timezone

from search.client import admin_client, index_name
from search.documents import document_id
from search.indexing import index_setup, wait
from search.models import IndexOperation
from search.sync import _delete_documents
from tests.faults.processes import (
    LEASE_SECONDS,
    ask_questions,
    outbox_drained,
    process_env,
    search_worker,
    wait_until,
)
from tests.search.helpers import expected, indexed, pending

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = 240
BATCH = 8


def _engine_idle() -> bool:
    busy = admin_client().get_tasks({"statuses": ["enqueued", "processing"], "limit": 1})
    return not busy.results


def test_a_killed_worker_loses_no_operation_and_repeats_none(engine, tmp_path) -> None:
    questions = ask_questions(
        QUESTIONS,
        tag="bulb",
        title="Smart bulb number {n} loses its schedule",
        body="Bulb {n} forgets its schedule every night after a power cut.",
    )
    ids = [q.pk for q in questions]
    # One pending row per question: the index tells which operations were applied.
    assert pending() == QUESTIONS
    index_setup()
    env = process_env(var_dir=tmp_path, engine=engine, SEARCH_SYNC_BATCH=str(BATCH))
    first = search_worker(env, tmp_path, name="first")
    first.start()
    try:

        def mid_way() -> bool:
            close_old_connections()
            return pending() <= QUESTIONS * 2 // 3

        wait_until(mid_way, 180, "the first worker pushed nothing", 0.01, logs=(first,))
        first.kill()
    finally:
        first.stop()
    close_old_connections()
    left = list(IndexOperation.objects.values_list("object_id", "leased_until"))
    in_flight = [object_id for object_id, leased in left if leased and leased > timezone.now()]
    assert 0 < len(left) < QUESTIONS, "killed before it started or after it finished"
    assert in_flight, "killed between two batches, not in the middle of one"

    # Whatever the dead worker had sent is registered and done; then the
    # documents it had confirmed leave the index, so the index shows what the
    # second worker sends.
    wait_until(_engine_idle, 60, "the engine kept working on the dead worker's tasks")
    pending_ids = {object_id for object_id, _ in left}
    confirmed = [document_id("question", pk) for pk in ids if pk not in pending_ids]
    client = admin_client()
    wait(client, _delete_documents(client.index(index_name()), confirmed))
    second = search_worker(env, tmp_path, name="second")
    second.start()
    try:
        # It takes the dead worker's rows once their lease has passed.
        wait_until(outbox_drained, LEASE_SECONDS + 90, "no take-over", logs=(second,))
        # Every operation the dead worker had not confirmed is in the index, as
        # the database has it now; none it had confirmed was sent again.
        assert indexed() == expected(sorted(pending_ids))
        assert second.is_alive
    finally:
        second.stop()
