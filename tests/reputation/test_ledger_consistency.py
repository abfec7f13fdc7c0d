"""The cached totals always equal the ledger, after any sequence of events."""

import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entraide.errors import ApplicationError
from qa import services
from qa.models import Post, Vote
from reputation.models import ReputationEvent
from reputation.services import reputation_audit
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_long_random_sequence_leaves_no_difference_between_totals_and_ledger() -> None:
    rng = random.Random(20261123)
    users = [UserFactory(reputation=rng.choice([1, 20, 150, 400])) for _ in range(12)]
    questions: list[Post] = [QuestionFactory(author=rng.choice(users)) for _ in range(6)]
    answers: list[Post] = [
        AnswerFactory(parent=rng.choice(questions), author=rng.choice(users)) for _ in range(14)
    ]
    for user in users:
        user.refresh_from_db()
    refused = 0
    for _ in range(600):
        action = rng.random()
        actor = rng.choice(users)
        try:
            if action < 0.6:
                post = rng.choice(questions + answers)
                services.vote_cast(voter=actor, post=post, value=rng.choice([1, 1, -1, 0]))
            elif action < 0.85:
                answer = rng.choice(answers)
                question = answer.parent
                assert question is not None
                if rng.random() < 0.7:
                    services.answer_accept(user=question.author, answer=answer)
                else:
                    services.answer_unaccept(user=question.author, answer=answer)
            elif action < 0.9:
                post = rng.choice(answers)
                services.post_delete(user=post.author, post=post)
            else:
                answers.append(
                    services.answer_post(
                        author=actor,
                        question=rng.choice(questions),
                        body="Another answer, long enough to be accepted by the rules.",
                    )
                )
        except (ValidationError, PermissionDenied, ApplicationError):
            refused += 1
        for user in users:  # what the next request would load
            user.refresh_from_db(fields=["reputation"])
    assert reputation_audit() == []
    assert ReputationEvent.objects.count() > 200 and refused < 500
    for post in Post.objects.all():
        assert post.score == sum(Vote.objects.filter(post=post).values_list("value", flat=True))
