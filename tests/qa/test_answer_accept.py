import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entraide.errors import ApplicationError
from qa import services
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_asker_accepts_and_changing_moves_the_mark() -> None:
    question = QuestionFactory()
    first, second = AnswerFactory(parent=question), AnswerFactory(parent=question)
    assert services.answer_accept(user=question.author, answer=first).accepted_answer == first
    assert services.answer_accept(user=question.author, answer=second).accepted_answer == second
    question.refresh_from_db()
    assert question.accepted_answer == second


def test_only_the_asker_or_staff_accepts() -> None:
    question = QuestionFactory()
    answer = AnswerFactory(parent=question)
    with pytest.raises(PermissionDenied, match="Only the person who asked"):
        services.answer_accept(user=UserFactory(), answer=answer)
    staff = UserFactory(is_staff=True)
    assert services.answer_accept(user=staff, answer=answer).accepted_answer == answer


def test_accepting_twice_is_refused() -> None:
    answer = AnswerFactory()
    services.answer_accept(user=answer.parent.author, answer=answer)
    with pytest.raises(ApplicationError, match="already accepted"):
        services.answer_accept(user=answer.parent.author, answer=answer)


def test_unaccept_clears_the_mark() -> None:
    answer = AnswerFactory()
    services.answer_accept(user=answer.parent.author, answer=answer)
    assert (
        services.answer_unaccept(user=answer.parent.author, answer=answer).accepted_answer is None
    )
    with pytest.raises(ApplicationError, match="not the accepted"):
        services.answer_unaccept(user=answer.parent.author, answer=answer)


def test_a_question_cannot_be_accepted() -> None:
    question = QuestionFactory()
    with pytest.raises(ValidationError, match="Only answers"):
        services.answer_accept(user=question.author, answer=question)


def test_a_deleted_answer_cannot_be_accepted() -> None:
    answer = AnswerFactory()
    services.post_delete(user=answer.author, post=answer)
    with pytest.raises(ApplicationError, match="deleted"):
        services.answer_accept(user=answer.parent.author, answer=answer)
