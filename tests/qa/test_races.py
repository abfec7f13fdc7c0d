"""Races on PostgreSQL with real threads, each on its own connection."""

import pytest
from django.db.models import Sum

from qa import services
from qa.models import Comment, Post, Vote
from tests.concurrency import run_at_once
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_fifty_voters_at_once_leave_score_equal_to_sum_of_votes() -> None:
    answer = AnswerFactory()
    voters = [UserFactory() for _ in range(50)]
    values = [1 if n % 5 else -1 for n in range(50)]
    actions = [
        (lambda v=voter, value=value: services.vote_cast(voter=v, post=answer, value=value))
        for voter, value in zip(voters, values, strict=True)
    ]
    assert run_at_once(actions) == []
    answer.refresh_from_db()
    assert answer.score == sum(values) == Vote.objects.aggregate(s=Sum("value"))["s"]


def test_one_voter_double_clicking_counts_once() -> None:
    question = QuestionFactory()
    voter = UserFactory()
    errors = run_at_once(
        [lambda: services.vote_cast(voter=voter, post=question, value=1) for _ in range(8)]
    )
    assert len(errors) == 7 and all("already voted" in str(e) for e in errors)
    question.refresh_from_db()
    assert question.score == 1 and Vote.objects.count() == 1


def test_racing_accepts_leave_exactly_one_accepted_answer() -> None:
    question = QuestionFactory()
    answers = [AnswerFactory(parent=question) for _ in range(6)]
    actions = [
        (lambda a=a: services.answer_accept(user=question.author, answer=a)) for a in answers
    ]
    assert run_at_once(actions) == []
    question.refresh_from_db()
    assert question.accepted_answer in answers


def test_racing_answers_are_all_counted() -> None:
    question = QuestionFactory()
    body = "Restart the hub, then pair the bulb again from the app."
    authors = [UserFactory() for _ in range(20)]
    actions = [
        (lambda u=u: services.answer_post(author=u, question=question, body=body)) for u in authors
    ]
    assert run_at_once(actions) == []
    question.refresh_from_db()
    assert question.answer_count == 20 == Post.objects.filter(parent=question).count()


def test_racing_comments_and_replies_keep_every_tree_valid() -> None:
    question = QuestionFactory()
    root = services.comment_add(author=UserFactory(), post=question, body="The root of the thread.")
    users = [UserFactory() for _ in range(16)]
    actions = [
        (
            lambda u=u, n=n: services.comment_add(
                author=u,
                post=question,
                body=f"Comment number {n} in the race.",
                parent=root if n % 2 else None,
            )
        )
        for n, u in enumerate(users)
    ]
    assert run_at_once(actions) == []
    comments = Comment.objects.filter(post=question)
    assert comments.count() == 17
    trees = comments.values_list("tree_id", flat=True).distinct().count()
    assert trees == 1 + 8  # the root's thread plus eight new top-level comments
    root.refresh_from_db()
    assert root.get_descendant_count() == 8
    assert (root.rght - root.lft - 1) // 2 == 8
    question.refresh_from_db()
    assert question.comment_count == 17


def test_fifty_upvoters_at_once_give_exact_reputation() -> None:
    from reputation.services import reputation_audit

    author = UserFactory(reputation=1)
    question = QuestionFactory(author=author)
    voters = [UserFactory() for _ in range(50)]
    actions = [(lambda v=v: services.vote_cast(voter=v, post=question, value=1)) for v in voters]
    assert run_at_once(actions) == []
    author.refresh_from_db()
    question.refresh_from_db()
    assert question.score == 50
    assert author.reputation == 201  # 50 x 10, capped at +200 a day
    assert reputation_audit() == []


def test_voters_voting_on_each_other_at_once_never_deadlock() -> None:
    from reputation.services import reputation_audit

    users = [UserFactory() for _ in range(10)]
    answers = [AnswerFactory(author=user) for user in users]
    actions = [
        (lambda v=voter, a=answer: services.vote_cast(voter=v, post=a, value=-1))
        for voter in users
        for answer in answers
        if answer.author_id != voter.pk
    ]
    assert run_at_once(actions) == []
    assert reputation_audit() == []
