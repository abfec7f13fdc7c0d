"""Moderation through the REST API: hidden content never appears, and its
refusals (suspension, rate limits) arrive as problem documents."""

import pytest
from rest_framework.test import APIClient

from api import services as api_services
from moderation import services
from qa import services as qa_services
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

from .helpers import flaggers, staff

pytestmark = pytest.mark.django_db

BODY = "Hold the reset button for ten seconds and log in again."


def _client(user) -> APIClient:
    created = api_services.token_create(user=user, name="script", can_write=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    return client


def _hide(post) -> None:
    for flagger in flaggers(6):
        services.flag_create(flagger=flagger, post=post, reason="spam")


def test_hidden_question_and_answer_never_appear_in_the_api() -> None:
    hidden = QuestionFactory(title="Cheap watches SPAMMY here")
    question = QuestionFactory()
    spam = AnswerFactory(parent=question, body_html="<p>SPAMMY answer</p>")
    _hide(hidden)
    _hide(spam)
    client = APIClient()
    listing = client.get("/api/v1/questions/")
    assert listing.status_code == 200 and b"SPAMMY" not in listing.content
    assert client.get(f"/api/v1/questions/{hidden.pk}/").status_code == 404
    detail = client.get(f"/api/v1/questions/{question.pk}/")
    assert detail.status_code == 200 and b"SPAMMY" not in detail.content
    assert client.get(f"/api/v1/answers/{spam.pk}/").status_code == 404


def test_hidden_comment_keeps_its_place_without_text_in_the_api() -> None:
    question = QuestionFactory()
    comment = qa_services.comment_add(
        author=UserFactory(), post=question, body="Visit SPAMMY for deals now"
    )
    for flagger in flaggers(3):
        services.flag_create(flagger=flagger, comment=comment, reason="spam")
    response = APIClient().get(f"/api/v1/posts/{question.pk}/comments/")
    assert response.status_code == 200 and b"SPAMMY" not in response.content


def test_a_suspended_member_is_refused_by_the_api_with_the_reason() -> None:
    member = UserFactory()
    services.user_suspend(moderator=staff(), user=member, days=2, reason="Spam links.")
    member.refresh_from_db()
    client = _client(member)
    question = QuestionFactory()
    for method, url, data in [
        (client.post, f"/api/v1/questions/{question.pk}/answers/", {"body": BODY}),
        (client.put, f"/api/v1/posts/{question.pk}/vote/", {"value": 1}),
        (client.post, f"/api/v1/posts/{question.pk}/comments/", {"body": "A comment, long enough"}),
    ]:
        response = method(url, data, format="json")
        assert response.status_code == 403, url
        assert (
            "suspended until" in response.json()["detail"]
            and "Spam links." in (response.json()["detail"])
        )


def test_rate_limit_answers_429_with_when_to_come_back() -> None:
    newcomer = UserFactory(reputation=1)
    client = _client(newcomer)
    for n in range(3):
        qa_services.answer_post(author=newcomer, question=QuestionFactory(), body=f"{BODY} {n}")
    response = client.post(
        f"/api/v1/questions/{QuestionFactory().pk}/answers/", {"body": BODY}, format="json"
    )
    assert response.status_code == 429
    assert "You can answer again in" in response.json()["detail"]


def test_closed_question_refuses_answers_through_the_api() -> None:
    question = QuestionFactory()
    services.close_vote_cast(voter=staff(), question=question, reason="off_topic")
    response = _client(UserFactory()).post(
        f"/api/v1/questions/{question.pk}/answers/", {"body": BODY}, format="json"
    )
    assert response.status_code == 403 and "closed" in response.json()["detail"]
