"""The search engine refuses work: its data disk is full (a small tmpfs),
or, where this machine cannot mount one, its index has the wrong primary key."""

import contextlib
import html
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import close_old_connections

from search.client import admin_client, index_name
from search.indexing import wait
from search.models import IndexOperation
from tests.factories import UserFactory
from tests.faults.processes import (
    Member,
    ask_questions,
    outbox_drained,
    wait_until,
)
from tests.search.helpers import expected, indexed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def engine_dir(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB tmpfs for the engine's data when mounting works (root), else a plain dir."""
    path = tmp_path / "meilisearch"
    path.mkdir()
    mounted = (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(path)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    yield path
    if mounted:
        # The engine fixture (which depends on this one) has stopped the server.
        subprocess.run(["umount", str(path)], check=True)


def _is_tmpfs(path: Path) -> bool:
    with open("/proc/mounts") as mounts:
        return any(line.split()[1] == str(path) for line in mounts)


def _fill(path: Path) -> Path:
    """Take every free byte of the filesystem holding ``path``."""
    filler = path / "filler"
    # Unbuffered writes, so closing the file has nothing left to flush.
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    assert os.statvfs(path).f_bavail == 0
    return filler


def test_a_refused_task_is_logged_kept_and_shown_to_staff(engine_dir, site_and_worker) -> None:
    site, worker = site_and_worker
    (question,) = ask_questions(
        1,
        tag="sensor",
        title="The motion sensor triggers when nobody is in the room",
        body="The hallway motion sensor turns the lights on at night with nobody there.",
    )
    helper = UserFactory(username="helper")
    staff = UserFactory(username="operator", is_staff=True)
    disk_full = _is_tmpfs(engine_dir)
    wait_until(outbox_drained, 60, "no first sync", logs=(worker,))
    if disk_full:
        filler = _fill(engine_dir)
    else:
        client = admin_client()
        wait(client, client.delete_index(index_name()))
        wait(client, client.create_index(index_name(), {"primaryKey": "uid"}))

    # Members keep writing: the database takes it, the outbox remembers it.
    answer = Member(site.url, helper).post(
        f"/questions/{question.pk}/answers/",
        {"body": "Lower its sensitivity in the app and point it away from the radiator."},
    )
    assert answer.status_code == 302

    def failed_once() -> bool:
        close_old_connections()
        return IndexOperation.objects.exclude(last_error="").exists()

    wait_until(failed_once, 60, "the worker never tried the refused task", logs=(worker,))
    row = IndexOperation.objects.get()
    assert row.object_id == question.pk and row.attempts >= 1 and row.leased_until is None
    assert worker.is_alive
    assert "row(s) retried later" in worker.log()

    health = Member(site.url, staff).get("/staff/dashboard/health/")
    assert health.status_code == 200
    assert 'data-figure="pending">1<' in health.text
    assert 'data-figure="failing">1<' in health.text
    assert "Something needs attention" in health.text
    assert html.escape(row.last_error[:80]) in health.text

    # Repaired: space freed (or the index rebuilt); the pending row goes through.
    if disk_full:
        filler.unlink()
    else:
        wait(admin_client(), admin_client().delete_index(index_name()))
        call_command("search_reindex")
    wait_until(outbox_drained, 60, "the outbox did not drain", logs=(worker,))
    assert indexed() == expected([question.pk])
    assert "Lower its sensitivity" in indexed()[f"question-{question.pk}"]["answers"][0]
