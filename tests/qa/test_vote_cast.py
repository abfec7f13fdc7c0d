import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from entraide.errors import ApplicationError
from qa import services
from qa.models import Post, Vote
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _score(post: Post) -> int:
    post.refresh_from_db()
    return post.score


def _sum_of_votes(post: Post) -> int:
    return Vote.objects.filter(post=post).aggregate(total=Sum("value"))["total"] or 0


def test_up_down_change_and_retract_keep_score_equal_to_sum_of_votes() -> None:
    answer = AnswerFactory()
    alice, bob = UserFactory(), UserFactory()
    assert services.vote_cast(voter=alice, post=answer, value=1).score == 1
    assert services.vote_cast(voter=bob, post=answer, value=-1).score == 0
    assert services.vote_cast(voter=bob, post=answer, value=1).score == 2  # changed: -1 to +1
    result = services.vote_cast(voter=alice, post=answer, value=0)  # retracted
    assert (result.score, result.value) == (1, 0)
    assert _score(answer) == _sum_of_votes(answer) == 1


def test_voting_the_same_way_twice_is_refused() -> None:
    question = QuestionFactory()
    voter = UserFactory()
    services.vote_cast(voter=voter, post=question, value=1)
    with pytest.raises(ApplicationError, match="already voted this post up"):
        services.vote_cast(voter=voter, post=question, value=1)
    assert _score(question) == 1 and Vote.objects.count() == 1


def test_retracting_without_a_vote_is_refused() -> None:
    with pytest.raises(ApplicationError, match="not voted"):
        services.vote_cast(voter=UserFactory(), post=QuestionFactory(), value=0)


def test_voter_cannot_vote_on_own_post() -> None:
    question = QuestionFactory()
    with pytest.raises(PermissionDenied, match="your own post"):
        services.vote_cast(voter=question.author, post=question, value=1)
    assert not Vote.objects.exists()


@pytest.mark.parametrize("value", [2, -5, 100])
def test_a_vote_is_plus_or_minus_one(value: int) -> None:
    with pytest.raises(ValidationError):
        services.vote_cast(voter=UserFactory(), post=QuestionFactory(), value=value)


def test_no_votes_on_deleted_posts() -> None:
    question = QuestionFactory()
    services.post_delete(user=question.author, post=question)
    with pytest.raises(PermissionDenied, match="deleted"):
        services.vote_cast(voter=UserFactory(), post=question, value=1)


def test_the_database_refuses_a_second_vote_row() -> None:
    from django.db import IntegrityError, transaction

    question = QuestionFactory()
    voter = UserFactory()
    Vote.objects.create(user=voter, post=question, value=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(user=voter, post=question, value=-1)
