import pytest
from django.core.exceptions import PermissionDenied

from qa import selectors, services
from qa.models import Tag
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_deleting_a_question_is_soft_and_hides_it_from_lists() -> None:
    question = QuestionFactory(tags=["hub"])
    services.post_delete(user=question.author, post=question)
    question.refresh_from_db()
    assert question.deleted_at is not None and question.deleted_by == question.author
    assert list(selectors.question_list().object_list) == []
    assert Tag.objects.get(name="hub").usage_count == 0


def test_deleting_the_accepted_answer_unaccepts_it_and_uncounts_it() -> None:
    answer = AnswerFactory()
    question = answer.parent
    services.answer_accept(user=question.author, answer=answer)
    services.post_delete(user=answer.author, post=answer)
    question.refresh_from_db()
    assert question.accepted_answer is None
    assert question.answer_count == 0


def test_only_the_author_or_staff_deletes() -> None:
    answer = AnswerFactory()
    with pytest.raises(PermissionDenied, match="your own posts"):
        services.post_delete(user=UserFactory(), post=answer)
    services.post_delete(user=UserFactory(is_staff=True), post=answer)


def test_a_deleted_post_cannot_be_deleted_again() -> None:
    question = QuestionFactory()
    services.post_delete(user=question.author, post=question)
    with pytest.raises(PermissionDenied, match="deleted"):
        services.post_delete(user=question.author, post=question)
