"""Close and reopen votes, locks, historical locks and protection."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entraide.errors import ApplicationError
from moderation import services
from moderation.models import ActionType, CloseVote, ModerationAction, ReviewQueue, ReviewTask
from qa import services as qa_services
from qa.models import CloseReason, LockKind, PostLink
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

from .helpers import closers, fresh, queued_questions, staff

pytestmark = pytest.mark.django_db

BODY = "Hold the reset button for ten seconds and log in again."


def test_five_close_votes_close_the_question_with_the_most_common_reason() -> None:
    question = QuestionFactory()
    voters = closers(5)
    reasons = ["opinion_based", "off_topic", "off_topic", "opinion_based", "off_topic"]
    for voter, reason in zip(voters[:4], reasons, strict=False):
        result = services.close_vote_cast(voter=voter, question=question, reason=reason)
        assert not result.acted
    assert result.votes == 4 and not fresh(question).is_closed
    assert ReviewTask.objects.filter(queue=ReviewQueue.CLOSE_VOTES, post=question).exists()
    result = services.close_vote_cast(voter=voters[4], question=question, reason=reasons[4])
    closed = fresh(question)
    assert result.acted and closed.is_closed
    assert (closed.close_reason, closed.closed_by) == (CloseReason.OFF_TOPIC, voters[4])
    assert not CloseVote.objects.filter(is_active=True).exists()
    task = ReviewTask.objects.get(queue=ReviewQueue.CLOSE_VOTES, post=question)
    assert (task.status, task.outcome) == ("completed", "closed")
    log = ModerationAction.objects.get(action=ActionType.QUESTION_CLOSED)
    assert all(voter.public_name in log.reason for voter in voters)


def test_member_without_the_privilege_cannot_vote_to_close() -> None:
    with pytest.raises(PermissionDenied, match="close and reopen"):
        services.close_vote_cast(
            voter=UserFactory(reputation=2999), question=QuestionFactory(), reason="off_topic"
        )


def test_one_live_close_vote_per_member() -> None:
    question = QuestionFactory()
    (voter,) = closers(1)
    services.close_vote_cast(voter=voter, question=question, reason="off_topic")
    with pytest.raises(ApplicationError, match="already voted"):
        services.close_vote_cast(voter=voter, question=question, reason="opinion_based")


@pytest.mark.parametrize("who", ["staff", "super_user"])
def test_staff_and_super_users_close_at_once(who) -> None:
    question = QuestionFactory()
    closer = staff() if who == "staff" else UserFactory(is_super_user=True, reputation=1)
    result = services.close_vote_cast(voter=closer, question=question, reason="needs_details")
    assert result.acted and fresh(question).close_reason == CloseReason.NEEDS_DETAILS


def test_duplicate_points_at_the_original_with_a_link_and_reindexes_both() -> None:
    original, question = QuestionFactory(), QuestionFactory()
    with pytest.raises(ValidationError):
        services.close_vote_cast(voter=staff(), question=question, reason="duplicate")
    services.close_vote_cast(
        voter=staff(), question=question, reason="duplicate", duplicate_of=original
    )
    closed = fresh(question)
    assert closed.duplicate_of == original
    assert PostLink.objects.filter(
        from_post=question, to_post=original, link_type=PostLink.LinkType.DUPLICATE
    ).exists()
    assert set(queued_questions()) == {question.pk, original.pk}


def test_community_duplicate_points_at_the_original_most_voters_named() -> None:
    first, second, question = QuestionFactory(), QuestionFactory(), QuestionFactory()
    voters = closers(5)
    targets = [first, second, second, first, first]
    for voter, target in zip(voters, targets, strict=True):
        services.close_vote_cast(
            voter=voter, question=question, reason="duplicate", duplicate_of=target
        )
    assert fresh(question).duplicate_of == first


def test_closed_question_takes_no_new_answers() -> None:
    question = QuestionFactory()
    services.close_vote_cast(voter=staff(), question=question, reason="off_topic")
    with pytest.raises(PermissionDenied, match="closed"):
        qa_services.answer_post(author=UserFactory(), question=question, body=BODY)


def test_five_reopen_votes_reopen_and_drop_the_duplicate_link() -> None:
    original, question = QuestionFactory(), QuestionFactory()
    services.close_vote_cast(
        voter=staff(), question=question, reason="duplicate", duplicate_of=original
    )
    voters = closers(5)
    for voter in voters[:4]:
        assert not services.reopen_vote_cast(voter=voter, question=question).acted
    assert ReviewTask.objects.filter(queue=ReviewQueue.REOPEN_VOTES, post=question).exists()
    assert services.reopen_vote_cast(voter=voters[4], question=question).acted
    reopened = fresh(question)
    assert not reopened.is_closed and reopened.duplicate_of is None
    assert not PostLink.objects.exists()
    qa_services.answer_post(author=UserFactory(), question=question, body=BODY)
    with pytest.raises(ApplicationError, match="open"):
        services.reopen_vote_cast(voter=staff(), question=question)


def test_a_locked_post_takes_no_change_at_all() -> None:
    question = QuestionFactory()
    answer = AnswerFactory(parent=question)
    moderator = staff()
    with pytest.raises(ValidationError):
        services.post_lock(moderator=moderator, post=question, kind="content_dispute", reason="")
    services.post_lock(
        moderator=moderator, post=question, kind=LockKind.CONTENT_DISPUTE, reason="Edit war"
    )
    member = UserFactory(reputation=5000)
    refused = [
        lambda: qa_services.answer_post(author=member, question=question, body=BODY),
        lambda: qa_services.post_edit(
            editor=question.author, post=question, body=BODY, title="A new title here", tags="x"
        ),
        lambda: qa_services.comment_add(author=member, post=question, body="A comment long enough"),
        lambda: qa_services.vote_cast(voter=member, post=question, value=1),
        lambda: qa_services.answer_accept(user=question.author, answer=answer),
        lambda: qa_services.post_delete(user=question.author, post=question),
        lambda: services.close_vote_cast(voter=member, question=question, reason="off_topic"),
    ]
    for action in refused:
        with pytest.raises(PermissionDenied, match="locked"):
            action()
    services.post_unlock(moderator=moderator, post=question)
    qa_services.vote_cast(voter=member, post=question, value=1)
    assert [a for a in ModerationAction.objects.values_list("action", flat=True)] == [
        ActionType.POST_LOCKED,
        ActionType.POST_UNLOCKED,
    ]


def test_historical_lock_is_a_lock_with_its_own_banner(client) -> None:
    question = QuestionFactory()
    services.post_lock(
        moderator=staff(), post=question, kind=LockKind.HISTORICAL, reason="Kept for its history"
    )
    locked = fresh(question)
    assert locked.is_locked and locked.is_historical
    page = client.get(question.get_absolute_url()).content.decode()
    assert "Historical lock" in page and "Kept for its history" in page


def test_only_moderators_lock() -> None:
    with pytest.raises(PermissionDenied):
        services.post_lock(
            moderator=UserFactory(reputation=9000),
            post=QuestionFactory(),
            kind="content_dispute",
            reason="x",
        )


def test_protected_question_takes_answers_only_from_members_with_reputation() -> None:
    question = QuestionFactory()
    with pytest.raises(PermissionDenied, match="protect questions"):
        services.question_protect(user=UserFactory(reputation=14_999), question=question)
    protector = UserFactory(reputation=15_000)
    services.question_protect(user=protector, question=question)
    with pytest.raises(PermissionDenied, match="protected"):
        qa_services.answer_post(author=UserFactory(reputation=9), question=question, body=BODY)
    qa_services.answer_post(author=UserFactory(reputation=10), question=question, body=BODY)
    services.question_unprotect(user=protector, question=question)
    qa_services.answer_post(
        author=UserFactory(reputation=1), question=question, body=BODY + " Indeed."
    )
    assert list(ModerationAction.objects.values_list("action", "actor")) == [
        (ActionType.QUESTION_PROTECTED, protector.pk),
        (ActionType.QUESTION_UNPROTECTED, protector.pk),
    ]


def test_closed_banner_names_who_when_why_and_links_the_original(
    client, django_assert_num_queries
) -> None:
    original, question = QuestionFactory(), QuestionFactory()
    closer = staff()
    services.close_vote_cast(
        voter=closer, question=question, reason="duplicate", duplicate_of=original
    )
    client.force_login(UserFactory())
    client.get(original.get_absolute_url())  # warm the session
    with CaptureQueriesContext(connection) as open_page:
        client.get(original.get_absolute_url())
    # As for an open question, plus one to name who closed it and one for the original.
    with django_assert_num_queries(len(open_page) + 2):
        page = client.get(question.get_absolute_url()).content.decode()
    assert "already has an answer here" in page
    assert original.get_absolute_url() in page and original.title in page
    assert closer.public_name in page
    assert "Post your answer" not in page and "closed: it takes no new answers" in page


def test_the_asker_is_notified_of_closing_and_reopening() -> None:
    from notifications.models import Notification

    question = QuestionFactory()
    moderator = staff()
    services.close_vote_cast(voter=moderator, question=question, reason="off_topic")
    services.reopen_vote_cast(voter=moderator, question=question)
    assert list(
        Notification.objects.filter(recipient=question.author)
        .order_by("pk")
        .values_list("kind", flat=True)
    ) == ["post_closed", "post_reopened"]


def test_an_imported_lock_without_a_kind_is_a_dispute_lock(client) -> None:
    from django.utils import timezone

    from qa.models import Post

    question = QuestionFactory()
    Post.objects.filter(pk=question.pk).update(locked_at=timezone.now(), lock_reason="")
    with pytest.raises(PermissionDenied, match="locked"):
        qa_services.vote_cast(voter=UserFactory(), post=fresh(question), value=1)
    page = client.get(question.get_absolute_url()).content.decode()
    assert "content dispute" in page
