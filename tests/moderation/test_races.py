"""Races on PostgreSQL with real threads: queue hand-out, thresholds, close votes."""

from collections.abc import Callable

import pytest

from accounts.models import User
from moderation import services
from moderation.models import ModerationAction, ReviewQueue, ReviewTask
from reputation.models import Reason, ReputationEvent
from tests.concurrency import run_at_once
from tests.factories import QuestionFactory, UserFactory

from .helpers import closers, flaggers, fresh, reviewers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_reviewers_asking_at_once_never_get_the_same_task() -> None:
    posts = [QuestionFactory() for _ in range(3)]
    for post in posts:
        ReviewTask.objects.create(queue=ReviewQueue.FIRST_POSTS, post=post)
    members = reviewers(6)
    handed: dict[int, int | None] = {}

    def taker(reviewer: User) -> Callable[[], None]:
        def take() -> None:
            task = services.review_next(reviewer=reviewer, queue="first_posts")
            handed[reviewer.pk] = task.pk if task else None

        return take

    assert run_at_once([taker(member) for member in members]) == []
    given = [task_id for task_id in handed.values() if task_id is not None]
    # Three tasks for six reviewers: each handed out once, three reviewers get none.
    assert sorted(given) == sorted(ReviewTask.objects.values_list("pk", flat=True))
    assert list(handed.values()).count(None) == 3


def test_six_flaggers_at_once_hide_the_post_once() -> None:
    question = QuestionFactory(author=UserFactory(reputation=500))
    members = flaggers(6)
    actions = [
        lambda f=f: services.flag_create(flagger=f, post=question, reason="spam") for f in members
    ]
    assert run_at_once(actions) == []
    assert fresh(question).is_deleted
    assert ReputationEvent.objects.filter(reason=Reason.SPAM_PENALTY).count() == 1
    assert ModerationAction.objects.filter(action="post_hidden").count() == 1


def test_five_close_votes_at_once_close_the_question_once() -> None:
    question = QuestionFactory()
    voters = closers(5)
    actions = [
        lambda v=v: services.close_vote_cast(voter=v, question=question, reason="off_topic")
        for v in voters
    ]
    assert run_at_once(actions) == []
    assert fresh(question).is_closed
    assert ModerationAction.objects.filter(action="question_closed").count() == 1
