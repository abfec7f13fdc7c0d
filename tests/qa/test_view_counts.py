"""Question views buffered in Redis and written by the scheduler (entraide.counter_buffer).

Runs against the machine's Redis (REDIS_URL, or 127.0.0.1:6379) under a key
prefix of its own, removed afterwards.
"""

import pytest

from entraide.counter_buffer import BATCH
from qa import services
from qa.models import Post
from tests.concurrency import run_at_once
from tests.factories import QuestionFactory


def _views(question: Post) -> int:
    return Post.objects.values_list("view_count", flat=True).get(pk=question.pk)


@pytest.mark.django_db
def test_views_wait_in_redis_until_the_flush_adds_them(buffered, client) -> None:
    question = QuestionFactory()
    for _ in range(3):
        assert client.get(question.get_absolute_url()).status_code == 200
    assert _views(question) == 0 and services.VIEWS.pending_count(question.pk) == 3
    assert services.question_views_flush() == 1
    assert _views(question) == 3 and services.VIEWS.pending_count(question.pk) == 0
    assert services.question_views_flush() == 0


@pytest.mark.django_db
def test_a_flush_that_died_is_finished_by_the_next_one(buffered) -> None:
    first, second = QuestionFactory(), QuestionFactory()
    for _ in range(2):
        services.question_view_record(question_id=first.pk)
    with services.VIEWS.flushing() as pending:  # a flusher takes the counts, then dies
        assert pending == {first.pk: 2}
    services.question_view_record(question_id=second.pk)
    assert services.question_views_flush() == 1  # what the dead one left, first
    assert services.question_views_flush() == 1
    assert (_views(first), _views(second)) == (2, 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_and_flushes_lose_nothing(buffered) -> None:
    question = QuestionFactory()

    def view_ten_times() -> None:
        for _ in range(10):
            services.question_view_record(question_id=question.pk)

    errors = run_at_once([view_ten_times] * 4 + [services.question_views_flush] * 2)
    assert errors == []
    services.question_views_flush()
    services.question_views_flush()
    assert _views(question) == 40


@pytest.mark.django_db
def test_a_flush_writes_many_questions_a_batch_per_statement(
    buffered, django_assert_max_num_queries
) -> None:
    # A statement per question kept the scheduler and PostgreSQL busy for
    # seconds every ten seconds on the load run's 850 questions.
    questions = QuestionFactory.create_batch(3)
    many = {question.pk: views for views, question in enumerate(questions, start=1)}
    many.update({10_000_000 + n: 1 for n in range(BATCH)})  # gone meanwhile: no row
    for question_id, views in many.items():
        services.VIEWS.add(question_id, views)
    # Two batches: for each, a savepoint, the row locks and the UPDATE.
    with django_assert_max_num_queries(8):
        assert services.question_views_flush() == len(many)
    assert [_views(question) for question in questions] == [1, 2, 3]
    assert services.question_views_flush() == 0
