"""Following questions, tags and categories; followers hear of new activity."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from notifications.follows import follow_add, follow_remove
from notifications.models import Follow, Notification
from qa import services
from qa.models import Category
from tests.factories import QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Hold the reset button for ten seconds, then log in again."
QUESTION_BODY = "My router stopped working after the update and I cannot log in at all."


def _ask(author=None, tags=("router",), category=None):
    for name in tags:
        TagFactory(name=name)
    return services.question_ask(
        author=author or UserFactory(),
        title="The router drops the connection every hour",
        body=QUESTION_BODY,
        tags=list(tags),
        category=category,
    )


def test_a_follow_names_exactly_one_target_in_the_database() -> None:
    user, question, tag = UserFactory(), QuestionFactory(), TagFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user, question=question, tag=tag)
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=user)


def test_following_twice_is_one_follow() -> None:
    user, tag = UserFactory(), TagFactory()
    assert follow_add(user=user, tag=tag) is True
    assert follow_add(user=user, tag=tag) is False
    assert Follow.objects.count() == 1
    assert follow_remove(user=user, tag=tag) is True
    assert follow_remove(user=user, tag=tag) is False


def test_a_deleted_question_cannot_be_followed() -> None:
    question = QuestionFactory()
    services.post_delete(user=question.author, post=question)
    question.refresh_from_db()
    with pytest.raises(ValidationError):
        follow_add(user=UserFactory(), question=question)


def test_the_asker_and_the_answerers_follow_the_question() -> None:
    question = _ask()
    answerer = UserFactory()
    services.answer_post(author=answerer, question=question, body=BODY)
    assert set(Follow.objects.values_list("user_id", flat=True)) == {
        question.author_id,
        answerer.pk,
    }


def test_followers_of_a_question_hear_of_new_answers_once() -> None:
    question = _ask()
    first, follower = UserFactory(), UserFactory()
    services.answer_post(author=first, question=question, body=BODY)
    follow_add(user=follower, question=question)
    second = UserFactory()
    services.answer_post(author=second, question=question, body=f"{BODY} Or update it.")
    told = Notification.objects.filter(actor=second)
    assert sorted(told.values_list("recipient_id", "kind")) == sorted(
        [
            (question.author_id, "answer"),
            (first.pk, "followed_answer"),
            (follower.pk, "followed_answer"),
        ]
    )


def test_followers_of_a_tag_or_a_category_above_hear_of_new_questions() -> None:
    devices = Category.objects.create(name="Devices", slug="devices")
    bulbs = Category.objects.create(name="Bulbs", slug="bulbs", parent=devices)
    by_tag, by_parent, by_both, unrelated = (UserFactory() for _ in range(4))
    follow_add(user=by_tag, tag=TagFactory(name="router"))
    follow_add(user=by_parent, category=devices)
    follow_add(user=by_both, tag=TagFactory(name="wifi"))
    follow_add(user=by_both, category=bulbs)
    follow_add(user=unrelated, tag=TagFactory(name="billing"))
    question = _ask(tags=("router", "wifi"), category=bulbs)
    told = Notification.objects.filter(kind="followed_question")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted(
        [by_tag.pk, by_parent.pk, by_both.pk]
    )
    assert {n.url for n in told} == {question.get_absolute_url()}


def test_the_asker_is_not_told_of_their_own_question() -> None:
    asker = UserFactory()
    follow_add(user=asker, tag=TagFactory(name="router"))
    _ask(author=asker)
    assert not Notification.objects.exists()


def test_follow_buttons_post_and_show_their_state(client, django_assert_num_queries) -> None:
    member = UserFactory()
    question = QuestionFactory(tags=["router"])
    category = Category.objects.create(name="Devices", slug="devices")
    client.force_login(member)
    for url, page in [
        (f"/notifications/follow/question/{question.pk}/", question.get_absolute_url()),
        ("/notifications/follow/tag/router/", "/questions/tagged/router/"),
        ("/notifications/follow/category/devices/", category.get_absolute_url()),
    ]:
        assert 'aria-pressed="false">Follow<' in client.get(page).content.decode()
        response = client.post(url, HTTP_ACCEPT="application/json")
        assert response.json() == {"following": True}
        assert 'aria-pressed="true">Following<' in client.get(page).content.decode()
        assert client.post(url, {"action": "unfollow"}).status_code == 302
    assert not Follow.objects.exists()


def test_following_needs_a_member_and_an_existing_target(client) -> None:
    question = QuestionFactory()
    response = client.post(f"/notifications/follow/question/{question.pk}/")
    assert response.status_code == 403
    client.force_login(UserFactory())
    assert client.post("/notifications/follow/tag/nope/").status_code == 404
    assert client.post("/notifications/follow/question/999999/").status_code == 404
    assert client.get(f"/notifications/follow/question/{question.pk}/").status_code == 405
