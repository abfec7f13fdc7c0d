"""Review queues: what enters them, who reviews, when a task is settled."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from entraide.errors import ApplicationError
from moderation import services
from moderation.models import (
    ActionType,
    Flag,
    FlagStatus,
    ModerationAction,
    ReviewQueue,
    ReviewTask,
)
from qa import services as qa_services
from qa.models import Post
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory

from .helpers import closers, flaggers, fresh, reviewers, staff

pytestmark = pytest.mark.django_db

BODY = "Hold the reset button for ten seconds and log in again."


def _ask(author) -> Post:
    TagFactory(name="router")
    return qa_services.question_ask(
        author=author, title="Why does my router keep rebooting?", body=BODY, tags="router"
    )


def test_first_question_and_first_answer_go_to_first_posts_but_not_the_second() -> None:
    author = UserFactory()
    first = _ask(author)
    answer = qa_services.answer_post(author=author, question=QuestionFactory(), body=BODY + " Ok.")
    second = qa_services.question_ask(
        author=author, title="And why is the light orange?", body=BODY + " Again.", tags="router"
    )
    tasks = set(ReviewTask.objects.values_list("queue", "post_id"))
    assert tasks == {(ReviewQueue.FIRST_POSTS, first.pk), (ReviewQueue.FIRST_POSTS, answer.pk)}
    assert second.pk not in {post_id for _, post_id in tasks}


def test_an_answer_long_after_its_question_goes_to_late_answers(settings) -> None:
    author = UserFactory()
    qa_services.answer_post(author=author, question=QuestionFactory(), body=BODY)
    old = QuestionFactory(created_at=timezone.now() - timedelta(days=31))
    late = qa_services.answer_post(author=author, question=old, body=BODY + " Still true.")
    assert ReviewTask.objects.filter(queue=ReviewQueue.LATE_ANSWERS, post=late).exists()


def test_reviewers_need_the_privilege_and_never_get_their_own_posts() -> None:
    (reviewer,) = reviewers(1)
    _ask(reviewer)
    with pytest.raises(PermissionDenied, match="review queues"):
        services.review_next(reviewer=UserFactory(reputation=499), queue="first_posts")
    assert services.review_next(reviewer=reviewer, queue="first_posts") is None
    task = ReviewTask.objects.get()
    with pytest.raises(PermissionDenied, match="own post"):
        services.review_decide(reviewer=reviewer, task=task, action="looks_ok")


def test_close_queues_need_the_close_privilege() -> None:
    with pytest.raises(PermissionDenied, match="close and reopen"):
        services.review_next(reviewer=UserFactory(reputation=600), queue="close_votes")
    assert services.review_next(reviewer=closers(1)[0], queue="close_votes") is None


def test_a_task_is_handed_to_one_reviewer_at_a_time() -> None:
    question = _ask(UserFactory())
    first, second, third = reviewers(3)
    task = services.review_next(reviewer=first, queue="first_posts")
    assert task is not None
    assert task.post_id == question.pk
    assert services.review_next(reviewer=first, queue="first_posts") == task  # a reload
    assert services.review_next(reviewer=second, queue="first_posts") is None
    with pytest.raises(ApplicationError, match="Another reviewer"):
        services.review_decide(reviewer=second, task=task, action="looks_ok")
    services.review_decide(reviewer=first, task=task, action="looks_ok")
    # Released by the verdict: the next reviewer gets it; the first never again.
    assert services.review_next(reviewer=second, queue="first_posts") == task
    assert services.review_next(reviewer=first, queue="first_posts") is None
    assert services.review_next(reviewer=third, queue="first_posts") is None


def test_an_expired_claim_frees_the_task() -> None:
    _ask(UserFactory())
    first, second = reviewers(2)
    task = services.review_next(reviewer=first, queue="first_posts")
    assert task is not None
    ReviewTask.objects.filter(pk=task.pk).update(claimed_until=timezone.now() - timedelta(1))
    assert services.review_next(reviewer=second, queue="first_posts") == task


def test_three_matching_verdicts_settle_a_task_and_reviews_are_one_each() -> None:
    question = _ask(UserFactory())
    task = ReviewTask.objects.get()
    members = reviewers(4)
    services.review_decide(reviewer=members[0], task=task, action="looks_ok")
    with pytest.raises(ApplicationError, match="already"):
        services.review_decide(reviewer=members[0], task=task, action="delete")
    services.review_decide(reviewer=members[1], task=task, action="delete")
    services.review_decide(reviewer=members[2], task=task, action="looks_ok")
    assert fresh_task(task).status == "pending"
    services.review_decide(reviewer=members[3], task=task, action="looks_ok")
    settled = fresh_task(task)
    assert (settled.status, settled.outcome) == ("completed", "looks_ok")
    assert not fresh(question).is_deleted
    assert ModerationAction.objects.filter(
        action=ActionType.REVIEW_COMPLETED, actor__isnull=True
    ).exists()
    with pytest.raises(ApplicationError, match="finished"):
        services.review_decide(reviewer=reviewers(1)[0], task=task, action="delete")


def fresh_task(task: ReviewTask) -> ReviewTask:
    return ReviewTask.objects.get(pk=task.pk)


def test_skipping_does_not_count_and_hides_the_task_from_the_skipper() -> None:
    _ask(UserFactory())
    (reviewer,) = reviewers(1)
    task = services.review_next(reviewer=reviewer, queue="first_posts")
    assert task is not None
    services.review_decide(reviewer=reviewer, task=task, action="skip")
    assert services.review_next(reviewer=reviewer, queue="first_posts") is None
    assert fresh_task(task).status == "pending"


def test_deletion_verdicts_delete_the_post_and_make_spam_flags_helpful() -> None:
    question = QuestionFactory()
    (flagger,) = flaggers(1)
    services.flag_create(flagger=flagger, post=question, reason="spam")
    task = ReviewTask.objects.get(queue=ReviewQueue.FLAGGED_POSTS)
    for reviewer in reviewers(3):
        services.review_decide(reviewer=reviewer, task=task, action="delete")
    assert fresh(question).is_deleted
    assert fresh_task(task).outcome == "deleted"
    assert Flag.objects.get().status == FlagStatus.HELPFUL


def test_looks_ok_on_flagged_post_declines_its_flags() -> None:
    question = QuestionFactory()
    (flagger,) = flaggers(1)
    services.flag_create(flagger=flagger, post=question, reason="rude")
    task = ReviewTask.objects.get()
    services.review_decide(reviewer=staff(), task=task, action="looks_ok")  # staff settle alone
    assert fresh_task(task).outcome == "looks_ok"
    assert Flag.objects.get().status == FlagStatus.DECLINED


def test_close_verdicts_are_close_votes() -> None:
    question = QuestionFactory()
    voters = closers(5)
    services.close_vote_cast(voter=voters[0], question=question, reason="off_topic")
    task = ReviewTask.objects.get(queue=ReviewQueue.CLOSE_VOTES)
    for voter in voters[1:]:
        services.review_decide(reviewer=voter, task=task, action="close", reason="off_topic")
    assert fresh(question).is_closed
    assert fresh_task(task).outcome == "closed"


def test_leave_open_verdicts_retire_the_close_votes() -> None:
    question = QuestionFactory()
    voters = closers(4)
    services.close_vote_cast(voter=voters[0], question=question, reason="off_topic")
    task = ReviewTask.objects.get(queue=ReviewQueue.CLOSE_VOTES)
    for voter in voters[1:]:
        services.review_decide(reviewer=voter, task=task, action="leave_open")
    assert fresh_task(task).outcome == "leave_open"
    assert not question.close_votes.filter(is_active=True).exists()


def test_a_choice_from_another_queue_is_refused() -> None:
    _ask(UserFactory())
    task = ReviewTask.objects.get()
    with pytest.raises(ValidationError):
        services.review_decide(reviewer=reviewers(1)[0], task=task, action="reopen")


def test_suggested_edits_are_listed_with_the_queues_and_reviewed_on_their_own_page(client):
    from qa import editing

    answer = AnswerFactory()
    editing.suggested_edit_create(
        author=UserFactory(reputation=50), post=answer, body=BODY + " Then wait.", summary="x"
    )
    client.force_login(UserFactory(reputation=2000))
    index = client.get("/review/").content.decode()
    assert 'data-queue="suggested_edits">1<' in index
    assert 'href="/review/suggested-edits/"' in index
    assert client.get("/review/suggested-edits/").status_code == 200
    with pytest.raises(ValidationError):
        services.review_next(reviewer=staff(), queue="suggested_edits")


def test_a_locked_post_takes_no_suggested_edit() -> None:
    from qa import editing

    answer = AnswerFactory()
    services.post_lock(moderator=staff(), post=answer, kind="content_dispute", reason="Dispute")
    with pytest.raises(PermissionDenied, match="locked"):
        editing.suggested_edit_create(
            author=UserFactory(reputation=50), post=answer, body=BODY + " More.", summary="x"
        )
