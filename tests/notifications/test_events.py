"""The Q&A and reputation services notify the people concerned, once each."""

import pytest
from django.db import transaction

from notifications.models import Notification
from qa import services
from reputation.services import reputation_import
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Hold the reset button for ten seconds, then log in again."


def _kinds(user) -> list[str]:
    return sorted(
        Notification.objects.filter(recipient=user)
        .exclude(kind__in=["badge", "privilege"])
        .values_list("kind", flat=True)
    )


def test_an_answer_notifies_the_asker_with_a_link_to_it() -> None:
    question = QuestionFactory()
    answerer = UserFactory()
    answer = services.answer_post(author=answerer, question=question, body=BODY)
    notification = Notification.objects.get(recipient=question.author)
    assert (notification.kind, notification.actor) == ("answer", answerer)
    assert notification.title == question.title
    assert notification.url == f"{question.get_absolute_url()}#answer-{answer.pk}"


def test_answering_ones_own_question_notifies_nobody() -> None:
    question = QuestionFactory()
    services.answer_post(author=question.author, question=question, body=BODY)
    assert _kinds(question.author) == []


def test_a_comment_notifies_the_posts_author() -> None:
    answer = AnswerFactory()
    commenter = UserFactory()
    comment = services.comment_add(author=commenter, post=answer, body="Which firmware is that?")
    notification = Notification.objects.get(recipient=answer.author)
    assert notification.kind == "comment" and notification.actor == commenter
    assert notification.title == answer.parent.title
    assert notification.url.endswith(f"#comment-{comment.pk}")


def test_a_reply_notifies_the_comments_author_and_the_posts_author() -> None:
    question = QuestionFactory()
    first = UserFactory()
    root = services.comment_add(author=first, post=question, body="Which firmware is that?")
    services.comment_add(author=UserFactory(), post=question, body="Version 2.1 here.", parent=root)
    assert _kinds(first) == ["reply"]
    assert _kinds(question.author) == ["comment", "comment"]


def test_a_reply_to_the_posts_author_notifies_them_once() -> None:
    question = QuestionFactory()
    root = services.comment_add(author=question.author, post=question, body="More details here.")
    services.comment_add(
        author=UserFactory(), post=question, body="Thanks, that helps.", parent=root
    )
    assert _kinds(question.author) == ["reply"]


def test_a_mention_in_an_answer_notifies_the_member_but_the_asker_only_once() -> None:
    question = QuestionFactory(author=UserFactory(username="asker"))
    helper = UserFactory(username="helper")
    services.answer_post(
        author=UserFactory(), question=question, body=f"@helper knows this; @asker try it. {BODY}"
    )
    assert _kinds(helper) == ["mention"]
    assert _kinds(question.author) == ["answer"]


def test_a_mention_in_a_comment_or_a_question_notifies() -> None:
    helper = UserFactory(username="helper")
    TagFactory(name="router")
    question = services.question_ask(
        author=UserFactory(),
        title="Router keeps dropping the connection",
        body=f"Maybe @helper has seen this before? {BODY}",
        tags=["router"],
    )
    services.comment_add(author=UserFactory(), post=question, body="@helper what do you think?")
    assert _kinds(helper) == ["mention", "mention"]


def test_accepting_an_answer_notifies_its_author_but_not_the_self_accepter() -> None:
    answer = AnswerFactory()
    services.answer_accept(user=answer.parent.author, answer=answer)
    assert _kinds(answer.author) == ["accepted"]
    own = services.answer_post(author=answer.parent.author, question=answer.parent, body=BODY)
    services.answer_accept(user=answer.parent.author, answer=own)
    assert _kinds(answer.parent.author) == []


def test_an_edit_by_someone_else_notifies_the_author_and_new_mentions() -> None:
    UserFactory(username="helper")
    answer = AnswerFactory()
    services.post_edit(editor=answer.author, post=answer, body=f"{BODY} Edited by me.")
    assert _kinds(answer.author) == []
    editor = UserFactory(reputation=5000)  # may edit any post
    services.post_edit(editor=editor, post=answer, body=f"{BODY} Also ask @helper.")
    services.post_edit(editor=editor, post=answer, body=f"{BODY} Also ask @helper, really.")
    assert _kinds(answer.author) == ["edit", "edit"]
    assert Notification.objects.filter(recipient__username="helper", kind="mention").count() == 1


def test_earning_a_badge_notifies_with_a_link_to_the_badge() -> None:
    answer = AnswerFactory()
    services.post_edit(editor=answer.author, post=answer, body=f"{BODY} Edited by me.")
    badge = Notification.objects.get(recipient=answer.author, kind="badge")
    assert badge.title == "Editor" and badge.url == "/badges/editor/"


def test_crossing_a_privilege_threshold_notifies_each_privilege_once() -> None:
    author = UserFactory(reputation=10)
    question = QuestionFactory(author=author)
    services.vote_cast(voter=UserFactory(), post=question, value=1)  # 10 → 20
    titles = set(
        Notification.objects.filter(recipient=author, kind="privilege").values_list(
            "title", flat=True
        )
    )
    assert titles == {"vote up", "flag posts"}  # both at 15
    services.vote_cast(voter=UserFactory(), post=question, value=1)  # 20 → 30: nothing new
    assert Notification.objects.filter(recipient=author, kind="privilege").count() == 2


def test_imported_reputation_does_not_notify_privileges() -> None:
    user = UserFactory(reputation=1)
    with transaction.atomic():
        reputation_import(user_id=user.pk, reputation=5000, key="import")
    assert not Notification.objects.filter(recipient=user).exists()


def test_a_failed_action_leaves_no_notification() -> None:
    question = QuestionFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.answer_post(author=UserFactory(), question=question, body=BODY)
        raise RuntimeError("the request fails after the answer")
    assert not Notification.objects.exists()
