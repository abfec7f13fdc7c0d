"""The reputation rules, each through the Q&A service that triggers it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from entraide.errors import ApplicationError
from qa import services
from reputation.models import Reason, ReputationEvent
from reputation.services import reputation_audit, reputation_credit
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def rep(user: User) -> int:
    user.refresh_from_db(fields=["reputation"])
    return user.reputation


def newcomer() -> User:
    return UserFactory(reputation=1)


def test_upvotes_give_ten_to_question_and_answer_authors() -> None:
    question = QuestionFactory(author=newcomer())
    answer = AnswerFactory(parent=question, author=newcomer())
    services.vote_cast(voter=UserFactory(), post=question, value=1)
    services.vote_cast(voter=UserFactory(), post=answer, value=1)
    assert rep(question.author) == 11 and rep(answer.author) == 11
    reasons = set(ReputationEvent.objects.values_list("reason", flat=True))
    assert {Reason.QUESTION_UPVOTED, Reason.ANSWER_UPVOTED} <= reasons


def test_downvote_on_an_answer_costs_author_two_and_voter_one() -> None:
    answer = AnswerFactory(author=UserFactory(reputation=50))
    voter = UserFactory(reputation=200)
    services.vote_cast(voter=voter, post=answer, value=-1)
    assert rep(answer.author) == 48 and rep(voter) == 199


def test_downvote_on_a_question_costs_only_the_author() -> None:
    question = QuestionFactory(author=UserFactory(reputation=50))
    voter = UserFactory(reputation=200)
    services.vote_cast(voter=voter, post=question, value=-1)
    assert rep(question.author) == 48 and rep(voter) == 200


def test_retracting_or_changing_a_vote_reverses_exactly_what_it_gave() -> None:
    answer = AnswerFactory(author=UserFactory(reputation=50))
    voter = UserFactory(reputation=200)
    services.vote_cast(voter=voter, post=answer, value=1)
    assert rep(answer.author) == 60
    services.vote_cast(voter=voter, post=answer, value=-1)  # changed: +10 undone, -2 applied
    assert rep(answer.author) == 48 and rep(voter) == 199
    services.vote_cast(voter=voter, post=answer, value=0)  # retracted
    assert rep(answer.author) == 50 and rep(voter) == 200
    reversals = ReputationEvent.objects.filter(reverses__isnull=False)
    assert reversals.count() == 3 and set(reversals.values_list("reason", flat=True)) == {
        Reason.UNDONE
    }


def test_reputation_never_goes_below_one_and_a_reversal_gives_back_what_was_taken() -> None:
    answer = AnswerFactory(author=UserFactory(reputation=2))
    voter = UserFactory(reputation=200)
    services.vote_cast(voter=voter, post=answer, value=-1)
    assert rep(answer.author) == 1
    assert ReputationEvent.objects.get(reason=Reason.POST_DOWNVOTED).amount == -1  # not -2
    services.vote_cast(voter=voter, post=answer, value=0)
    assert rep(answer.author) == 2


def test_acceptance_gives_fifteen_and_two_and_moving_it_moves_the_reputation() -> None:
    asker = newcomer()
    question = QuestionFactory(author=asker)
    first = AnswerFactory(parent=question, author=newcomer())
    second = AnswerFactory(parent=question, author=newcomer())
    services.answer_accept(user=asker, answer=first)
    assert rep(first.author) == 16 and rep(asker) == 3
    services.answer_accept(user=asker, answer=second)
    assert rep(first.author) == 1 and rep(second.author) == 16 and rep(asker) == 3
    services.answer_unaccept(user=asker, answer=second)
    assert rep(second.author) == 1 and rep(asker) == 1


def test_accepting_ones_own_answer_gives_the_accepter_nothing() -> None:
    asker = newcomer()
    answer = AnswerFactory(parent=QuestionFactory(author=asker), author=asker)
    services.answer_accept(user=asker, answer=answer)
    assert rep(asker) == 16


def test_accepting_the_same_answer_again_later_counts_again_once() -> None:
    asker = newcomer()
    answer = AnswerFactory(parent=QuestionFactory(author=asker), author=newcomer())
    services.answer_accept(user=asker, answer=answer)
    services.answer_unaccept(user=asker, answer=answer)
    services.answer_accept(user=asker, answer=answer)
    assert rep(answer.author) == 16 and rep(asker) == 3


def test_daily_cap_of_200_from_votes_but_not_from_acceptance() -> None:
    author = newcomer()
    answers = [AnswerFactory(author=author) for _ in range(22)]
    for answer in answers:
        services.vote_cast(voter=UserFactory(), post=answer, value=1)
    assert rep(author) == 201  # 22 upvotes, capped at +200
    assert ReputationEvent.objects.filter(user=author, amount=0).count() == 2
    services.answer_accept(user=answers[0].parent.author, answer=answers[0])
    assert rep(author) == 216  # acceptance is not capped


def test_cap_counts_the_users_day_only() -> None:
    author = newcomer()
    yesterday = timezone.now() - timedelta(days=1)
    event = reputation_credit(
        user_id=author.pk, amount=200, reason=Reason.ANSWER_UPVOTED, key="old", capped=True
    )
    assert event is not None
    ReputationEvent.objects.filter(pk=event.pk).update(created_at=yesterday)
    services.vote_cast(voter=UserFactory(), post=AnswerFactory(author=author), value=1)
    assert rep(author) == 211


def test_community_wiki_posts_earn_nothing() -> None:
    answer = AnswerFactory(author=newcomer(), is_community_wiki=True)
    services.vote_cast(voter=UserFactory(), post=answer, value=1)
    assert (
        rep(answer.author) == 1 and not ReputationEvent.objects.filter(user=answer.author).exists()
    )


def test_deleting_a_post_reverses_what_it_earned() -> None:
    asker = newcomer()
    answer = AnswerFactory(parent=QuestionFactory(author=asker), author=newcomer())
    services.vote_cast(voter=UserFactory(), post=answer, value=1)
    services.answer_accept(user=asker, answer=answer)
    assert rep(answer.author) == 26 and rep(asker) == 3
    services.post_delete(user=answer.author, post=answer)
    assert rep(answer.author) == 1 and rep(asker) == 1
    assert ReputationEvent.objects.filter(reason=Reason.POST_DELETED).count() == 3


def test_staff_deleting_as_spam_costs_the_author_100_once() -> None:
    author = UserFactory(reputation=500)
    question = QuestionFactory(author=author)
    with pytest.raises(PermissionDenied):
        services.post_delete(user=author, post=question, as_spam=True)
    services.post_delete(user=UserFactory(is_staff=True), post=question, as_spam=True)
    assert rep(author) == 400
    assert ReputationEvent.objects.filter(reason=Reason.SPAM_PENALTY).count() == 1


def test_undeleting_a_post_gives_back_what_its_votes_earned_but_not_its_acceptance() -> None:
    asker = newcomer()
    answer = AnswerFactory(parent=QuestionFactory(author=asker), author=newcomer())
    voter = UserFactory(reputation=200)
    services.vote_cast(voter=voter, post=answer, value=1)
    services.answer_accept(user=asker, answer=answer)
    moderator = UserFactory(is_staff=True)
    services.post_delete(user=moderator, post=answer)
    assert rep(answer.author) == 1
    services.post_undelete(user=moderator, post=answer)
    # The upvote counts again; the acceptance left with the deletion.
    assert rep(answer.author) == 11 and rep(asker) == 1
    assert ReputationEvent.objects.filter(reason=Reason.POST_UNDELETED).count() == 1
    # Deleting again reverses the restored credit; retracting the vote after
    # another undeletion reverses it once, and the ledger stays the truth.
    services.post_delete(user=moderator, post=answer)
    assert rep(answer.author) == 1
    services.post_undelete(user=moderator, post=answer)
    assert rep(answer.author) == 11
    services.vote_cast(voter=voter, post=answer, value=0)
    assert rep(answer.author) == 1
    assert reputation_audit() == []


def test_undeleting_a_spam_deletion_lifts_the_penalty_and_a_second_one_costs_again() -> None:
    author = UserFactory(reputation=500)
    question = QuestionFactory(author=author)
    moderator = UserFactory(is_staff=True)
    services.post_delete(user=moderator, post=question, as_spam=True)
    assert rep(author) == 400
    services.post_undelete(user=moderator, post=question)
    assert rep(author) == 500
    services.post_delete(user=moderator, post=question, as_spam=True)
    assert rep(author) == 400
    assert reputation_audit() == []


def test_the_same_event_is_refused_by_the_database_not_just_the_code() -> None:
    user = newcomer()
    ReputationEvent.objects.create(user=user, amount=10, reason=Reason.ANSWER_UPVOTED, key="vote:1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReputationEvent.objects.create(
            user=user, amount=10, reason=Reason.ANSWER_UPVOTED, key="vote:1"
        )


def test_a_credit_is_reversed_at_most_once() -> None:
    user = newcomer()
    credit = ReputationEvent.objects.create(
        user=user, amount=10, reason=Reason.ANSWER_UPVOTED, key="vote:1"
    )
    ReputationEvent.objects.create(
        user=user, amount=-10, reason=Reason.UNDONE, key="vote:1", reverses=credit
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReputationEvent.objects.create(
            user=user, amount=-10, reason=Reason.UNDONE, key="vote:1", reverses=credit
        )


def test_a_voter_casts_at_most_40_votes_a_day(settings) -> None:
    settings.REPUTATION = {**settings.REPUTATION, "DAILY_VOTE_LIMIT": 3}
    voter = UserFactory()
    posts = [QuestionFactory() for _ in range(4)]
    for post in posts[:3]:
        services.vote_cast(voter=voter, post=post, value=1)
    with pytest.raises(ApplicationError, match="3 votes for today"):
        services.vote_cast(voter=voter, post=posts[3], value=1)
    services.vote_cast(voter=voter, post=posts[0], value=0)  # retracting is always allowed


def test_audit_finds_and_fixes_a_drifted_total() -> None:
    user = UserFactory(reputation=50)
    assert reputation_audit() == []
    User.objects.filter(pk=user.pk).update(reputation=999)
    [difference] = reputation_audit()
    assert (difference.cached, difference.ledger) == (999, 50)
    reputation_audit(fix=True)
    assert rep(user) == 50 and reputation_audit() == []


def test_an_approved_suggested_edit_gives_two_up_to_1000_in_all() -> None:
    from reputation.services import reputation_credit_edit_approval

    suggester, reviewer = newcomer(), UserFactory()
    post = QuestionFactory()
    reputation_credit_edit_approval(suggester=suggester, key="edit:1", post=post, reviewer=reviewer)
    reputation_credit_edit_approval(suggester=suggester, key="edit:1", post=post, reviewer=reviewer)
    assert rep(suggester) == 3  # the same approval counts once
    ReputationEvent.objects.create(  # earlier approvals, before today's cap
        user=suggester,
        amount=997,
        reason=Reason.EDIT_APPROVED,
        key="earlier",
        created_at=timezone.now() - timedelta(days=30),
    )
    User.objects.filter(pk=suggester.pk).update(reputation=1000)
    reputation_credit_edit_approval(suggester=suggester, key="edit:2", post=post, reviewer=reviewer)
    assert rep(suggester) == 1001  # only 1 left under the 1,000 ceiling
    reputation_credit_edit_approval(suggester=suggester, key="edit:3", post=post, reviewer=reviewer)
    assert rep(suggester) == 1001
    assert reputation_audit() == []
