"""Suspended members read but cannot write, and are told why and until when."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from entraide.errors import ApplicationError
from moderation import services
from moderation.models import ActionType, ModerationAction, ModeratorMessage, ReviewTask
from qa import services as qa_services
from reputation import bounties
from tests.factories import AnswerFactory, CommentFactory, QuestionFactory, UserFactory

from .helpers import staff

pytestmark = pytest.mark.django_db

BODY = "Hold the reset button for ten seconds and log in again."


def suspended(reputation: int = 20_000) -> User:
    member = UserFactory(reputation=reputation)
    services.user_suspend(moderator=staff(), user=member, days=7, reason="Repeated rudeness.")
    return User.objects.get(pk=member.pk)


def test_suspension_records_until_when_and_why_and_is_logged() -> None:
    member = suspended()
    assert member.is_suspended
    assert member.suspended_until is not None
    assert member.suspended_until - timezone.now() > timedelta(days=6, hours=23)
    assert member.suspension_reason == "Repeated rudeness."
    logged = ModerationAction.objects.get(action=ActionType.USER_SUSPENDED)
    assert logged.target_user == member and "Repeated rudeness." in logged.reason


def test_a_suspended_member_is_refused_everywhere_with_the_reason() -> None:
    member = suspended()
    own = QuestionFactory(author=member)
    own_answer = AnswerFactory(parent=own, author=UserFactory())
    other = QuestionFactory()
    answer = AnswerFactory(parent=other)
    ReviewTask.objects.create(queue="first_posts", post=other)
    actions = {
        "ask": lambda: qa_services.question_ask(
            author=member, title="A question while suspended", body=BODY, tags="router"
        ),
        "answer": lambda: qa_services.answer_post(author=member, question=other, body=BODY),
        "comment": lambda: qa_services.comment_add(author=member, post=own, body=BODY),
        "vote": lambda: qa_services.vote_cast(voter=member, post=answer, value=1),
        "edit": lambda: qa_services.post_edit(
            editor=member, post=own, body=BODY, title="A new title here", tags="router"
        ),
        "delete": lambda: qa_services.post_delete(user=member, post=own),
        "accept": lambda: qa_services.answer_accept(user=member, answer=own_answer),
        "flag": lambda: services.flag_create(flagger=member, post=other, reason="spam"),
        "flag comment": lambda: services.flag_create(
            flagger=member, comment=CommentFactory(post=other), reason="rude"
        ),
        "close": lambda: services.close_vote_cast(voter=member, question=other, reason="off_topic"),
        "protect": lambda: services.question_protect(user=member, question=other),
        "review": lambda: services.review_next(reviewer=member, queue="first_posts"),
        "bounty": lambda: bounties.bounty_offer(offerer=member, question=other, amount=50),
    }
    for name, action in actions.items():
        with pytest.raises(PermissionDenied) as error:
            action()
        message = str(error.value)
        assert "suspended until" in message and "Repeated rudeness." in message, name


def test_a_suspended_member_still_reads_and_sees_the_reason_on_every_page(client) -> None:
    member = suspended()
    question = QuestionFactory()
    client.force_login(member)
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Your account is suspended until" in text and "Repeated rudeness." in text
    assert "Post your answer" not in text
    response = client.post(
        f"/questions/{question.pk}/answers/", {"body": BODY}, HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 400 and "suspended" in response.content.decode()
    response = client.post(
        f"/posts/{question.pk}/vote/", {"value": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403 and "suspended" in response.json()["detail"]


def test_suspension_ends_by_itself_or_when_lifted() -> None:
    member = suspended()
    User.objects.filter(pk=member.pk).update(suspended_until=timezone.now() - timedelta(1))
    member.refresh_from_db()
    assert not member.is_suspended
    qa_services.vote_cast(voter=member, post=QuestionFactory(), value=1)
    member = suspended()
    moderator = staff()
    services.user_unsuspend(moderator=moderator, user=member)
    member.refresh_from_db()
    assert not member.is_suspended
    with pytest.raises(ApplicationError):
        services.user_unsuspend(moderator=moderator, user=member)


def test_only_staff_suspend_and_never_staff_or_forever() -> None:
    member = UserFactory()
    with pytest.raises(PermissionDenied):
        services.user_suspend(
            moderator=UserFactory(is_super_user=True), user=member, days=1, reason="x"
        )
    with pytest.raises(ValidationError) as error:
        services.user_suspend(moderator=staff(), user=member, days=0, reason="")
    assert set(error.value.message_dict) == {"days", "reason"}
    with pytest.raises(ValidationError):
        services.user_suspend(moderator=staff(), user=member, days=366, reason="x")
    with pytest.raises(ValidationError):
        services.user_suspend(moderator=staff(), user=staff(), days=1, reason="x")


def test_moderator_message_reaches_the_member_privately(client) -> None:
    member = UserFactory()
    moderator = UserFactory(is_super_user=True)
    message = services.moderator_message_send(
        moderator=moderator,
        recipient=member,
        subject="About your answers",
        body="Please stop posting links to **your shop**.",
    )
    member.refresh_from_db()
    assert member.unread_moderator_messages == 1
    notification = member.notifications.get()
    assert (notification.kind, notification.url) == (
        "moderator_message",
        f"/messages/{message.pk}/",
    )
    client.force_login(member)
    assert "Moderator message (1)" in client.get("/questions/").content.decode()
    page = client.get(f"/messages/{message.pk}/").content.decode()
    assert "<strong>your shop</strong>" in page
    member.refresh_from_db()
    assert member.unread_moderator_messages == 0
    client.get(f"/messages/{message.pk}/")
    member.refresh_from_db()
    assert member.unread_moderator_messages == 0
    client.force_login(UserFactory())
    assert client.get(f"/messages/{message.pk}/").status_code == 404
    assert ModeratorMessage.objects.get().read_at is not None
    with pytest.raises(PermissionDenied):
        services.moderator_message_send(
            moderator=UserFactory(), recipient=member, subject="Hi", body="Not a moderator here."
        )
