"""The honeypot and the minimum fill time on sign-up and posting forms."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import User
from moderation import antispam
from qa.models import Post
from tests.factories import TagFactory, UserFactory

pytestmark = pytest.mark.django_db

QUESTION = {
    "title": "Why does my lamp blink twice?",
    "body": "The lamp blinks twice and then nothing happens in the app.",
    "tags": "lamp",
}
SIGNUP = {
    "username": "newbie",
    "email": "newbie@example.com",
    "password1": "a-long-and-unusual-passphrase",
    "password2": "a-long-and-unusual-passphrase",
    "accept_policies": "on",
}


@pytest.fixture
def min_fill(settings) -> None:
    settings.MODERATION = {**settings.MODERATION, "FORM_MIN_FILL_SECONDS": 3}


def test_token_younger_than_the_minimum_is_refused(min_fill) -> None:
    token = antispam.form_token(now=1000.0)
    with pytest.raises(ValidationError, match="very fast"):
        antispam.check_human(honeypot="", token=token, now=1002.0)
    antispam.check_human(honeypot="", token=token, now=1003.5)


def test_forged_or_missing_token_and_filled_honeypot_are_refused(min_fill) -> None:
    with pytest.raises(ValidationError, match="expired or was changed"):
        antispam.check_human(honeypot="", token="1000.0")
    with pytest.raises(ValidationError, match="expired or was changed"):
        antispam.check_human(honeypot="", token="")
    with pytest.raises(ValidationError):
        antispam.check_human(honeypot="http://spam.example", token=antispam.form_token(0))


def test_sign_up_filled_by_a_bot_is_refused_with_a_message(client, min_fill) -> None:
    page = client.get("/accounts/signup/").content.decode()
    assert 'name="website"' in page and 'name="form_token"' in page
    quick = {**SIGNUP, "form_token": antispam.form_token()}
    response = client.post("/accounts/signup/", quick)
    assert response.status_code == 400 and "very fast" in response.content.decode()
    honeypot = {**SIGNUP, "form_token": antispam.form_token(0), "website": "x"}
    assert client.post("/accounts/signup/", honeypot).status_code == 400
    assert not User.objects.exists()
    human = {**SIGNUP, "form_token": antispam.form_token(0)}
    assert client.post("/accounts/signup/", human).status_code == 302
    assert User.objects.filter(username="newbie").exists()


def test_question_form_checks_too_and_keeps_the_first_token_when_reshown(client, min_fill):
    TagFactory(name="lamp")
    client.force_login(UserFactory())
    first = antispam.form_token()
    response = client.post("/questions/ask/", {**QUESTION, "form_token": first})
    assert response.status_code == 400 and "very fast" in response.content.decode()
    assert first in response.content.decode()  # the clock is not reset by the refusal
    assert not Post.objects.exists()
    ok = client.post("/questions/ask/", {**QUESTION, "form_token": antispam.form_token(0)})
    assert ok.status_code == 302 and Post.objects.count() == 1


def test_a_comment_with_the_honeypot_filled_is_refused(client) -> None:
    from tests.factories import QuestionFactory

    question = QuestionFactory()
    client.force_login(question.author)
    response = client.post(
        f"/posts/{question.pk}/comments/",
        {"body": "Which firmware version is it?", "website": "spam"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "could not be sent" in response.json()["detail"]
