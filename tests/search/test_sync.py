"""The outbox worker against a real Meilisearch: the index converges to the database."""

import secrets

import pytest
from django.db import connection
from django.test import override_settings

from qa import services
from qa.models import Post
from search import sync
from search.engine import LocalServer, find_binary
from search.indexing import index_setup
from search.models import DocumentKind, IndexOperation
from search.outbox import enqueue
from tests.concurrency import run_at_once
from tests.factories import TagFactory, UserFactory
from tests.search.helpers import expected, indexed, pending

pytestmark = pytest.mark.django_db


def ask(author, title: str) -> Post:
    TagFactory(name="lamp")
    body = f"{title} The lamp blinks twice and then nothing happens."
    return services.question_ask(author=author, title=title, body=body, tags="lamp")


def test_the_worker_indexes_a_thread_and_removes_the_rows_once_done(search_index) -> None:
    asker, helper = UserFactory.create_batch(2)
    question = ask(asker, "How do I pair the lamp with my phone?")
    answer = services.answer_post(
        author=helper, question=question, body="Hold the button for ten seconds, then retry."
    )
    services.answer_accept(user=asker, answer=answer)
    assert pending() == 3

    result = sync.drain()

    assert pending() == 0 and result.upserted == 1
    doc = indexed()[f"question-{question.pk}"]
    assert doc["title"] == "How do I pair the lamp with my phone?"
    assert doc["accepted_answer"] == "Hold the button for ten seconds, then retry."
    assert doc["has_accepted"] is True and doc["answer_count"] == 1
    assert doc["best_answer_id"] == answer.pk
    assert doc["url"] == question.get_absolute_url()
    assert doc["status"] == "open" and doc["language"] == "en"


def test_deleted_and_spam_content_never_stays_in_the_index(search_index) -> None:
    asker, helper, staff = UserFactory.create_batch(3)
    staff.is_staff = True
    staff.save()
    kept = ask(asker, "Why does the lamp forget its colour?")
    spam = ask(asker, "Cheap watches, visit my shop today please")
    answer = services.answer_post(
        author=helper, question=kept, body="Buy our miracle pills at the shop, best prices."
    )
    sync.drain()
    assert set(indexed()) == {f"question-{kept.pk}", f"question-{spam.pk}"}

    services.post_delete(user=staff, post=spam, as_spam=True)
    services.post_delete(user=staff, post=answer)
    sync.drain()

    assert set(indexed()) == {f"question-{kept.pk}"}
    assert indexed()[f"question-{kept.pk}"]["answers"] == []


def test_a_closed_duplicate_is_indexed_with_its_status(search_index) -> None:
    asker = UserFactory()
    original = ask(asker, "How do I reset the lamp to factory settings?")
    duplicate = ask(asker, "Factory reset of the lamp, how to do it?")
    Post.objects.filter(pk=duplicate.pk).update(
        closed_at=duplicate.created_at, close_reason="duplicate", duplicate_of=original
    )
    sync.drain()
    assert indexed()[f"question-{duplicate.pk}"]["status"] == "duplicate"
    assert indexed()[f"question-{original.pk}"]["status"] == "open"


@override_settings()
def test_rows_stay_and_record_the_error_while_the_engine_is_unreachable(settings) -> None:
    settings.SEARCH = {**settings.SEARCH, "URL": "http://127.0.0.1:9"}  # nothing listens
    question = ask(UserFactory(), "Is the lamp compatible with my hub?")

    with pytest.raises(sync.EngineUnavailable):
        sync.drain()

    row = IndexOperation.objects.get()
    assert (row.kind, row.object_id, row.attempts) == ("question", question.pk, 1)
    assert row.leased_until is None and "Connection refused" in row.last_error


@pytest.fixture
def own_server(tmp_path, settings):
    """A Meilisearch this test may stop and start again (same port, same data)."""
    if find_binary() is None:
        pytest.skip("no Meilisearch binary (make test installs it)")
    server = LocalServer(data_dir=tmp_path / "meili", key=secrets.token_hex(16))
    server.start()
    settings.SEARCH = {**settings.SEARCH, "URL": server.url, "API_KEY": server.key}
    yield server
    server.stop()


def test_nothing_is_lost_while_the_engine_is_down(own_server) -> None:
    """Stop the engine, make 100 changes, start it, run the worker: index == database."""
    index_setup()
    asker, helper, voter = UserFactory.create_batch(3)
    staff = UserFactory(is_staff=True)
    questions = [ask(asker, f"How do I configure lamp scene number {n}?") for n in range(10)]
    sync.drain()
    own_server.stop()

    changes = 0
    answers = []
    for n, question in enumerate(questions):
        answers.append(
            services.answer_post(
                author=helper, question=question, body=f"Open the app, choose scene {n}, save it."
            )
        )
        changes += 1
    for answer in answers:
        services.vote_cast(voter=voter, post=answer, value=1)
        services.answer_accept(user=asker, answer=answer)
        changes += 2
    for n, question in enumerate(questions):
        services.post_edit(
            editor=asker,
            post=question,
            title=f"How do I set up lamp scene number {n} quickly?",
            body=f"Scene {n} resets every night and the lamp goes back to white.",
            tags="lamp",
        )
        changes += 1
    new = [ask(asker, f"Does the lamp support the colour preset {n}?") for n in range(40)]
    changes += 40
    for question in new[:20]:
        services.vote_cast(voter=voter, post=question, value=1)
        changes += 1
    for question in [*new[30:], *questions[:3]]:
        services.post_delete(user=staff, post=question)
        changes += 1
    assert changes >= 100
    with pytest.raises(sync.EngineUnavailable):
        sync.drain()  # the site keeps working; the rows wait
    assert pending() == changes

    own_server.start()
    sync.drain()

    assert pending() == 0
    all_ids = list(Post.objects.questions().values_list("pk", flat=True))
    assert indexed() == expected(all_ids)
    assert len(indexed()) == 10 + 40 - 10 - 3


def test_a_document_changed_during_a_push_is_pushed_again(search_index) -> None:
    question = ask(UserFactory(), "Why is the lamp so dim in the evening?")
    rows = sync.claim(100)
    # A change commits while the worker pushes the older row.
    services.vote_cast(voter=UserFactory(), post=question, value=1)
    sync.push(rows)
    assert pending() == 1
    sync.drain()
    assert indexed()[f"question-{question.pk}"]["score"] == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_push_the_same_row(search_index, postgres_only) -> None:
    from django.db import transaction

    asker = UserFactory()
    ids = [ask(asker, f"Lamp firmware question number {n} about updates").pk for n in range(60)]
    with transaction.atomic():
        for _ in range(3):  # several rows per document, as busy threads produce
            enqueue(DocumentKind.QUESTION, ids)
    results: list[sync.SyncResult] = []

    def worker() -> None:
        results.append(sync.drain(batch=25))

    assert run_at_once([worker, worker, worker]) == []
    # A worker leaves documents another one holds; its next poll takes them.
    results.append(sync.drain())
    pushed = [row_id for result in results for row_id in result.row_ids]
    assert len(pushed) == len(set(pushed)) == 60 * 4
    assert sum(1 for r in results if r.rows) >= 2, "the work was shared"
    assert pending() == 0
    assert indexed() == expected(ids)
    connection.close()
