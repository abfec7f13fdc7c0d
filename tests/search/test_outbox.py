"""The outbox row is written in the same transaction as the change it reports."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from qa import services
from qa.models import CloseReason, Post, PostLink
from search.models import DocumentKind, IndexOperation
from search.outbox import enqueue
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def queued() -> list[tuple[str, int]]:
    return list(IndexOperation.objects.order_by("id").values_list("kind", "object_id"))


def test_every_change_to_a_thread_queues_its_question() -> None:
    asker, helper, voter = UserFactory.create_batch(3)
    TagFactory(name="pairing")
    question = services.question_ask(
        author=asker,
        title="How do I pair the lamp with my phone?",
        body="The lamp blinks twice and then nothing happens in the app.",
        tags="pairing",
    )
    answer = services.answer_post(
        author=helper, question=question, body="Hold the button for ten seconds, then retry."
    )
    services.vote_cast(voter=voter, post=answer, value=1)
    services.answer_accept(user=asker, answer=answer)
    services.answer_unaccept(user=asker, answer=answer)
    services.post_edit(
        editor=helper, post=answer, body="Hold the button for ten seconds, then pair again."
    )
    services.post_delete(user=helper, post=answer)
    assert queued() == [(DocumentKind.QUESTION, question.pk)] * 7


def test_a_rolled_back_change_leaves_no_outbox_row() -> None:
    asker = UserFactory()
    TagFactory(name="app")
    with pytest.raises(RuntimeError), transaction.atomic():
        services.question_ask(
            author=asker,
            title="Why does the app forget my lamp?",
            body="Every morning the lamp has to be added to the app again.",
            tags="app",
        )
        raise RuntimeError("crash after the service, before commit")
    assert queued() == []
    assert not Post.objects.exists()


def test_refused_change_queues_nothing() -> None:
    answer = AnswerFactory()
    with pytest.raises(PermissionDenied):
        services.vote_cast(voter=answer.author, post=answer, value=1)
    assert queued() == []


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        enqueue(DocumentKind.QUESTION, [1])


def test_a_closed_question_must_say_why_and_only_duplicates_point_at_an_original() -> None:
    question, original = QuestionFactory.create_batch(2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=question.pk).update(closed_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Post.objects.filter(pk=question.pk).update(
            closed_at=timezone.now(), close_reason=CloseReason.OFF_TOPIC, duplicate_of=original
        )
    Post.objects.filter(pk=question.pk).update(
        closed_at=timezone.now(), close_reason=CloseReason.DUPLICATE, duplicate_of=original
    )
    question.refresh_from_db()
    assert question.is_closed and question.duplicate_of == original


def test_a_question_cannot_link_to_itself_or_twice() -> None:
    question, other = QuestionFactory.create_batch(2)
    with pytest.raises(IntegrityError), transaction.atomic():
        PostLink.objects.create(from_post=question, to_post=question, link_type="linked")
    PostLink.objects.create(from_post=question, to_post=other, link_type="linked")
    with pytest.raises(IntegrityError), transaction.atomic():
        PostLink.objects.create(from_post=question, to_post=other, link_type="linked")
