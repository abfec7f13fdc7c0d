import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qa import services
from qa.models import Post
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Unplug the hub for ten seconds, then plug it back in and wait."


def test_answering_counts_the_answer_and_bumps_activity() -> None:
    question = QuestionFactory()
    before = question.last_activity_at
    answer = services.answer_post(author=UserFactory(), question=question, body=BODY)
    question.refresh_from_db()
    assert answer.parent == question and answer.title == ""
    assert question.answer_count == 1
    assert question.last_activity_at > before


def test_an_answer_cannot_be_answered() -> None:
    answer = AnswerFactory()
    with pytest.raises(ValidationError, match="only be posted to questions"):
        services.answer_post(author=UserFactory(), question=answer, body=BODY)


def test_a_deleted_question_takes_no_answers() -> None:
    question = QuestionFactory()
    services.post_delete(user=question.author, post=question)
    with pytest.raises(PermissionDenied, match="deleted"):
        services.answer_post(author=UserFactory(), question=question, body=BODY)


def test_a_too_short_answer_is_refused_and_nothing_changes() -> None:
    question = QuestionFactory()
    with pytest.raises(ValidationError) as error:
        services.answer_post(author=UserFactory(), question=question, body="Try again")
    assert "body" in error.value.message_dict
    question.refresh_from_db()
    assert question.answer_count == 0
    assert Post.objects.answers().count() == 0
