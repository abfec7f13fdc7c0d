"""Serial voting: a voter's many votes on one author's posts are reversed."""

import io
from collections.abc import Callable, Sequence
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from accounts.models import User
from qa import services
from qa.models import Post, Vote
from reputation.models import Reason, ReputationEvent
from reputation.serial_voting import serial_votes_reverse
from reputation.services import reputation_audit
from tests.concurrency import run_at_once
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def rep(user: User) -> int:
    user.refresh_from_db(fields=["reputation"])
    return user.reputation


def _votes(voter: User, posts: Sequence[Post], value: int = 1) -> None:
    for post in posts:
        services.vote_cast(voter=voter, post=post, value=value)


def _scores(posts: Sequence[Post]) -> list[int]:
    return list(
        Post.objects.filter(pk__in=[p.pk for p in posts])
        .order_by("pk")
        .values_list("score", flat=True)
    )


def test_ten_upvotes_on_one_authors_posts_within_a_day_are_reversed_as_serial_voting() -> None:
    author, voter = UserFactory(reputation=1), UserFactory()
    posts = [AnswerFactory(author=author) for _ in range(5)]
    posts += [QuestionFactory(author=author) for _ in range(5)]
    _votes(voter, posts)
    assert rep(author) == 101
    result = serial_votes_reverse()
    assert (result.votes, result.reversals) == (10, 10)
    [pair] = result.pairs
    assert (pair.voter_id, pair.author_id) == (voter.pk, author.pk)
    assert rep(author) == 1
    reversals = ReputationEvent.objects.filter(reverses__isnull=False)
    assert set(reversals.values_list("reason", flat=True)) == {Reason.SERIAL_VOTING}
    assert not Vote.objects.exists() and _scores(posts) == [0] * 10
    assert reputation_audit() == []


def test_serial_downvotes_are_reversed_with_the_voters_cost() -> None:
    author, voter = UserFactory(reputation=100), UserFactory(reputation=200)
    answers = [AnswerFactory(author=author) for _ in range(10)]
    _votes(voter, answers, value=-1)
    assert rep(author) == 80 and rep(voter) == 190
    assert serial_votes_reverse().reversals == 20  # the author's -2 and the voter's -1
    assert rep(author) == 100 and rep(voter) == 200
    assert _scores(answers) == [0] * 10
    assert reputation_audit() == []


def test_nine_votes_are_below_the_threshold_and_untouched() -> None:
    author, voter = UserFactory(reputation=1), UserFactory()
    answers = [AnswerFactory(author=author) for _ in range(9)]
    _votes(voter, answers)
    result = serial_votes_reverse()
    assert result.pairs == [] and result.votes == 0
    assert rep(author) == 91 and Vote.objects.count() == 9 and _scores(answers) == [1] * 9
    assert not ReputationEvent.objects.filter(reason=Reason.SERIAL_VOTING).exists()


def test_votes_older_than_the_window_do_not_count() -> None:
    author, voter = UserFactory(reputation=1), UserFactory()
    answers = [AnswerFactory(author=author) for _ in range(10)]
    _votes(voter, answers)
    Vote.objects.filter(post=answers[0]).update(created_at=timezone.now() - timedelta(hours=25))
    assert serial_votes_reverse().pairs == []
    assert rep(author) == 101


def test_the_window_ends_at_now_given() -> None:
    author, voter = UserFactory(reputation=1), UserFactory()
    _votes(voter, [AnswerFactory(author=author) for _ in range(10)])
    assert serial_votes_reverse(now=timezone.now() + timedelta(hours=25)).pairs == []
    assert serial_votes_reverse(now=timezone.now() + timedelta(hours=23)).votes == 10


def test_threshold_and_window_come_from_the_settings(settings) -> None:
    settings.REPUTATION = {**settings.REPUTATION, "SERIAL_VOTES_THRESHOLD": 3}
    author, voter = UserFactory(reputation=1), UserFactory()
    _votes(voter, [AnswerFactory(author=author) for _ in range(3)])
    assert serial_votes_reverse().votes == 3


def test_running_twice_reverses_nothing_new() -> None:
    author, voter = UserFactory(reputation=1), UserFactory()
    _votes(voter, [AnswerFactory(author=author) for _ in range(12)])
    assert serial_votes_reverse().votes == 12
    rows = ReputationEvent.objects.count()
    second = serial_votes_reverse()
    assert (second.votes, second.reversals) == (0, 0)
    assert ReputationEvent.objects.count() == rows and rep(author) == 1
    assert reputation_audit() == []


def test_only_the_serial_pairs_votes_are_invalidated() -> None:
    author, voter, bystander = UserFactory(reputation=1), UserFactory(), UserFactory()
    answers = [AnswerFactory(author=author) for _ in range(10)]
    elsewhere = AnswerFactory(author=UserFactory(reputation=1))
    _votes(voter, [*answers, elsewhere])
    _votes(bystander, answers[:4])
    serial_votes_reverse()
    # The bystander's four upvotes and the voter's vote on another author remain.
    assert rep(author) == 41 and rep(elsewhere.author) == 11
    assert _scores(answers) == [1] * 4 + [0] * 6
    assert Vote.objects.filter(user=bystander).count() == 4
    assert Vote.objects.filter(user=voter).get().post_id == elsewhere.pk
    assert (
        Post.objects.aggregate(total=Sum("score"))["total"]
        == Vote.objects.aggregate(total=Sum("value"))["total"]
    )
    assert reputation_audit() == []


def test_a_vote_retracted_earlier_is_already_undone_and_not_counted() -> None:
    author, voter = UserFactory(reputation=1), UserFactory()
    answers = [AnswerFactory(author=author) for _ in range(10)]
    _votes(voter, answers)
    services.vote_cast(voter=voter, post=answers[0], value=0)
    assert serial_votes_reverse().pairs == []  # nine votes left
    assert rep(author) == 91


def test_command_prints_what_it_reversed() -> None:
    author, voter = UserFactory(reputation=1), UserFactory()
    _votes(voter, [AnswerFactory(author=author) for _ in range(10)])
    out = io.StringIO()
    call_command("reputation_serial_votes", stdout=out)
    text = out.getvalue()
    assert (
        f"{voter.username} (#{voter.pk}) on the posts of {author.username} (#{author.pk})" in text
    )
    assert "10 vote(s) invalidated, 10 ledger row(s) reversed." in text
    out = io.StringIO()
    call_command("reputation_serial_votes", stdout=out)
    assert "0 vote(s) invalidated, 0 ledger row(s) reversed." in out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgres_only")
def test_reversal_racing_new_votes_and_retractions_keeps_scores_and_ledger_exact() -> None:
    author, voter = UserFactory(reputation=1), UserFactory()
    answers = [AnswerFactory(author=author) for _ in range(14)]
    _votes(voter, answers[:12])
    others = [UserFactory() for _ in range(6)]
    actions: list[Callable[[], object]] = [
        serial_votes_reverse,
        *[(lambda a=a: services.vote_cast(voter=voter, post=a, value=0)) for a in answers[:2]],
        *[
            (lambda u=u, a=a: services.vote_cast(voter=u, post=a, value=1))
            for u, a in zip(others, answers[6:], strict=False)
        ],
    ]
    errors = run_at_once(actions)
    # A retraction that lost the race finds its vote already invalidated.
    assert all("not voted" in str(e) for e in errors)
    for answer in answers:
        answer.refresh_from_db()
        assert answer.score == sum(Vote.objects.filter(post=answer).values_list("value", flat=True))
    assert not Vote.objects.filter(user=voter).exists()  # at least ten always remained
    assert reputation_audit() == []
