"""Flags: who may flag, one per member per item, thresholds, resolution."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from entraide.errors import ApplicationError
from moderation import services
from moderation.models import (
    ActionType,
    Flag,
    FlagReason,
    FlagStatus,
    ModerationAction,
    ReviewQueue,
    ReviewTask,
)
from moderation.selectors import flagger_accuracy
from qa import services as qa_services
from qa.models import Comment
from reputation.models import Reason, ReputationEvent
from search.models import IndexOperation
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

from .helpers import flaggers, fresh, queued_questions, staff

pytestmark = pytest.mark.django_db


def test_member_without_the_flag_privilege_cannot_flag() -> None:
    with pytest.raises(PermissionDenied, match="flag posts"):
        services.flag_create(
            flagger=UserFactory(reputation=1), post=QuestionFactory(), reason="spam"
        )


def test_nobody_flags_their_own_post() -> None:
    question = QuestionFactory()
    with pytest.raises(PermissionDenied, match="your own"):
        services.flag_create(flagger=question.author, post=question, reason="spam")


def test_one_flag_per_member_per_item_is_refused_then_held_by_the_database() -> None:
    question = QuestionFactory()
    (flagger,) = flaggers(1)
    services.flag_create(flagger=flagger, post=question, reason="spam")
    with pytest.raises(ApplicationError, match="already flagged"):
        services.flag_create(flagger=flagger, post=question, reason="low_quality")
    with pytest.raises(IntegrityError), transaction.atomic():
        Flag.objects.create(flagger=flagger, post=question, reason="rude")
    assert Flag.objects.count() == 1


def test_needs_attention_needs_text_and_duplicate_needs_an_original() -> None:
    question, other = QuestionFactory(), QuestionFactory()
    a, b, c = flaggers(3)
    with pytest.raises(ValidationError) as error:
        services.flag_create(flagger=a, post=question, reason="needs_attention", text="  ")
    assert "text" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.flag_create(flagger=a, post=question, reason="duplicate")
    assert "duplicate_of" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.flag_create(flagger=a, post=question, reason="duplicate", duplicate_of=question)
    services.flag_create(flagger=a, post=question, reason="needs_attention", text="Copied text")
    flag = services.flag_create(flagger=b, post=question, reason="duplicate", duplicate_of=other)
    assert flag.duplicate_of == other
    # A duplicate flag asks close voters to look.
    assert ReviewTask.objects.filter(queue=ReviewQueue.CLOSE_VOTES, post=question).exists()
    with pytest.raises(ValidationError):
        services.flag_create(
            flagger=c, post=AnswerFactory(), reason="duplicate", duplicate_of=other
        )


def test_six_spam_flags_from_distinct_members_hide_the_post_and_cost_its_author_100() -> None:
    answer = AnswerFactory(author=UserFactory(reputation=500))
    members = flaggers(6)
    for flagger in members[:5]:
        services.flag_create(flagger=flagger, post=answer, reason="spam")
    assert not fresh(answer).is_deleted
    IndexOperation.objects.all().delete()
    services.flag_create(flagger=members[5], post=answer, reason="rude")
    hidden = fresh(answer)
    assert hidden.is_deleted and hidden.deleted_by is None
    assert "6 members" in hidden.deletion_reason
    penalty = ReputationEvent.objects.get(reason=Reason.SPAM_PENALTY)
    assert (penalty.user_id, penalty.amount) == (answer.author_id, -100)
    answer.author.refresh_from_db()
    assert answer.author.reputation == 400
    assert set(Flag.objects.values_list("status", flat=True)) == {FlagStatus.HELPFUL}
    logged = ModerationAction.objects.get(action=ActionType.POST_HIDDEN)
    assert logged.actor is None and logged.target_post_id == answer.pk
    assert queued_questions() == [answer.parent_id]
    answer.parent.refresh_from_db()
    assert answer.parent.answer_count == 0


def test_low_quality_and_declined_flags_do_not_count_towards_hiding() -> None:
    question = QuestionFactory()
    members = flaggers(6)
    for flagger in members[:3]:
        services.flag_create(flagger=flagger, post=question, reason="spam")
    services.flags_resolve(moderator=staff(), post=question, helpful=False, note="Not spam")
    for flagger in members[3:]:
        services.flag_create(flagger=flagger, post=question, reason="spam")
    services.flag_create(flagger=UserFactory(reputation=20), post=question, reason="low_quality")
    assert not fresh(question).is_deleted


def test_spam_flags_send_the_post_to_the_flagged_queue_and_low_quality_to_its_own() -> None:
    question, answer = QuestionFactory(), AnswerFactory()
    a, b = flaggers(2)
    services.flag_create(flagger=a, post=question, reason="spam")
    services.flag_create(flagger=b, post=answer, reason="low_quality")
    assert set(ReviewTask.objects.values_list("queue", "post_id")) == {
        (ReviewQueue.FLAGGED_POSTS, question.pk),
        (ReviewQueue.LOW_QUALITY, answer.pk),
    }


def test_three_flags_hide_a_comment() -> None:
    question = QuestionFactory()
    comment = qa_services.comment_add(
        author=question.author, post=question, body="Which firmware version is it?"
    )
    members = flaggers(3)
    services.flag_create(flagger=members[0], comment=comment, reason="rude")
    services.flag_create(flagger=members[1], comment=comment, reason="spam")
    assert not Comment.objects.get(pk=comment.pk).is_deleted
    services.flag_create(flagger=members[2], comment=comment, reason="low_quality")
    assert Comment.objects.get(pk=comment.pk).is_deleted
    assert fresh(question).comment_count == 0
    assert ModerationAction.objects.filter(
        action=ActionType.COMMENT_HIDDEN, target_comment=comment, actor__isnull=True
    ).exists()


def test_thresholds_come_from_settings(settings) -> None:
    settings.MODERATION = {**settings.MODERATION, "POST_SPAM_FLAGS_TO_HIDE": 2}
    question = QuestionFactory()
    a, b = flaggers(2)
    services.flag_create(flagger=a, post=question, reason="spam")
    services.flag_create(flagger=b, post=question, reason="spam")
    assert fresh(question).is_deleted


def test_declining_needs_a_reason_and_only_moderators_resolve() -> None:
    question = QuestionFactory()
    (flagger,) = flaggers(1)
    services.flag_create(flagger=flagger, post=question, reason="spam")
    with pytest.raises(PermissionDenied):
        services.flags_resolve(moderator=UserFactory(), post=question, helpful=True)
    with pytest.raises(ValidationError) as error:
        services.flags_resolve(moderator=staff(), post=question, helpful=False, note="")
    assert "note" in error.value.message_dict
    moderator = staff()
    assert services.flags_resolve(moderator=moderator, post=question, helpful=False, note="Fine")
    flag = Flag.objects.get()
    assert (flag.status, flag.resolved_by, flag.resolution_note) == ("declined", moderator, "Fine")
    assert flag.resolved_at is not None
    assert ModerationAction.objects.filter(
        action=ActionType.FLAG_DECLINED, actor=moderator, reason="Fine"
    ).exists()
    with pytest.raises(ApplicationError, match="no pending flags"):
        services.flags_resolve(moderator=moderator, post=question, helpful=True)


def test_helpful_and_delete_removes_the_post_and_logs_both() -> None:
    question = QuestionFactory()
    (flagger,) = flaggers(1)
    services.flag_create(flagger=flagger, post=question, reason="needs_attention", text="Rude")
    services.flags_resolve(
        moderator=staff(), post=question, helpful=True, note="Abusive", delete=True
    )
    assert fresh(question).is_deleted
    assert set(ModerationAction.objects.values_list("action", flat=True)) == {
        ActionType.FLAG_HELPFUL,
        ActionType.POST_DELETED,
    }


def test_flagging_accuracy_counts_helpful_and_declined() -> None:
    (flagger,) = flaggers(1)
    moderator = staff()
    questions = [QuestionFactory() for _ in range(4)]
    for question in questions:
        services.flag_create(flagger=flagger, post=question, reason="spam")
    for question in questions[:3]:
        services.flags_resolve(moderator=moderator, post=question, helpful=True)
    services.flags_resolve(moderator=moderator, post=questions[3], helpful=False, note="No")
    accuracy = flagger_accuracy([flagger.pk])[flagger.pk]
    assert (accuracy.helpful, accuracy.declined, accuracy.percent) == (3, 1, 75)


def test_flag_reasons_are_the_five_of_the_issue() -> None:
    assert set(FlagReason.values) == {"spam", "rude", "low_quality", "needs_attention", "duplicate"}


def test_staff_delete_a_flagged_post_as_spam_from_the_flag_list(client) -> None:
    answer = AnswerFactory(author=UserFactory(reputation=300))
    (flagger,) = flaggers(1)
    services.flag_create(flagger=flagger, post=answer, reason="spam")
    client.force_login(staff())
    response = client.post(
        f"/moderation/flags/post/{answer.pk}/resolve/", {"decision": "spam", "note": "Ads"}
    )
    assert response.status_code == 302
    assert fresh(answer).is_deleted
    answer.author.refresh_from_db()
    assert answer.author.reputation == 200
    assert Flag.objects.get().status == FlagStatus.HELPFUL
