"""Every form and action answers bad input with a clear 4xx, never a 500."""

import json

import pytest

from qa.models import Comment, Post, Vote
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}
BODY = "The app crashes when I open the schedule screen on Android 14."


@pytest.fixture
def member(client):
    TagFactory(name="app")  # asking with existing tags needs no privilege
    user = UserFactory()
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "body": BODY, "tags": "app"}, "title", "required"),
        ({"title": "Too short", "body": BODY, "tags": "app"}, "title", "at least 15 characters"),
        ({"title": "x" * 151, "body": BODY, "tags": "app"}, "title", "at most 150 characters"),
        ({"title": "A long enough title", "body": BODY, "tags": "bad_tag"}, "tags", "may only use"),
        (
            {"title": "A long enough title", "body": BODY, "tags": "a b c d e f"},
            "tags",
            "at most 5",
        ),
        (
            {"title": "A long enough title", "body": "a" * 1_048_576, "tags": "app"},
            "body",
            "1,048,576",
        ),
        ({"title": "A long enough title", "body": "", "tags": "app"}, "body", "required"),
    ],
)
def test_ask_form_shows_the_error_next_to_the_field(client, member, data, field, message) -> None:
    response = client.post("/questions/ask/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert message.encode() in response.content
    assert not Post.objects.exists()


def test_html_in_every_text_field_is_escaped_or_sanitised(client, member) -> None:
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    response = client.post(
        "/questions/ask/",
        {"title": f"Title with {payload}", "body": f"{BODY} {payload}", "tags": "app"},
    )
    question = Post.objects.get()
    assert response.status_code == 302
    page = client.get(question.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "<img src=x onerror" not in page
    assert "&lt;script&gt;" in page  # the title is shown, escaped
    client.post(f"/posts/{question.pk}/comments/", {"body": f"Comment {payload} here"})
    assert "onerror=alert" not in Comment.objects.get().body_html


def test_answer_form_errors_rerender_the_question_with_400(client, member) -> None:
    question = QuestionFactory()
    response = client.post(f"/questions/{question.pk}/answers/", {"body": "short"})
    assert response.status_code == 400
    assert b"at least 30 characters" in response.content
    assert question.title.encode() in response.content


def test_voting_twice_answers_409_json(client, member) -> None:
    answer = AnswerFactory()
    url = f"/posts/{answer.pk}/vote/"
    first = client.post(url, {"value": "1"}, **JSON)
    assert first.status_code == 200 and first.json() == {"score": 1, "vote": 1}
    second = client.post(url, {"value": "1"}, **JSON)
    assert second.status_code == 409
    assert "already voted" in second.json()["detail"]
    assert Vote.objects.count() == 1


def test_voting_on_own_post_is_403_with_the_reason(client, member) -> None:
    answer = AnswerFactory(author=member)
    response = client.post(f"/posts/{answer.pk}/vote/", {"value": "1"}, **JSON)
    assert response.status_code == 403
    assert response.json()["detail"] == "You cannot vote on your own post."
    html = client.post(f"/posts/{answer.pk}/vote/", {"value": "1"})
    assert html.status_code == 403 and b"You cannot vote on your own post." in html.content


@pytest.mark.parametrize("value", ["2", "up", ""])
def test_malformed_vote_value_is_400(client, member, value) -> None:
    response = client.post(f"/posts/{QuestionFactory().pk}/vote/", {"value": value}, **JSON)
    assert response.status_code == 400
    assert "value" in response.json()["errors"]


def test_anonymous_vote_is_403_not_a_redirect_loop(client) -> None:
    response = client.post(f"/posts/{QuestionFactory().pk}/vote/", {"value": "1"}, **JSON)
    assert response.status_code == 403 and "log in" in response.json()["detail"]


def test_vote_on_missing_post_is_404(client, member) -> None:
    assert client.post("/posts/999999/vote/", {"value": "1"}, **JSON).status_code == 404


def test_accepting_on_someone_elses_question_is_403(client, member) -> None:
    answer = AnswerFactory()
    response = client.post(f"/answers/{answer.pk}/accept/", {}, **JSON)
    assert response.status_code == 403
    assert "Only the person who asked" in response.json()["detail"]


def test_accept_and_change_accepted_via_json(client) -> None:
    question = QuestionFactory()
    first, second = AnswerFactory(parent=question), AnswerFactory(parent=question)
    client.force_login(question.author)
    assert client.post(f"/answers/{first.pk}/accept/", {}, **JSON).json()["accepted"] is True
    assert client.post(f"/answers/{second.pk}/accept/", {}, **JSON).status_code == 200
    question.refresh_from_db()
    assert question.accepted_answer == second
    response = client.post(f"/answers/{second.pk}/accept/", {"action": "unaccept"}, **JSON)
    assert response.json()["accepted"] is False


def test_editing_someone_elses_post_is_403(client, member) -> None:
    answer = AnswerFactory()
    # The edit page offers to suggest an edit instead; saving is refused.
    assert client.get(f"/posts/{answer.pk}/edit/")["Location"] == (
        f"/posts/{answer.pk}/suggest-edit/"
    )
    response = client.post(f"/posts/{answer.pk}/edit/", {"body": BODY})
    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.body_source != BODY


def test_comment_reply_deeper_than_the_cap_is_400_with_a_message(client, member, settings) -> None:
    settings.QA = {**settings.QA, "COMMENT_MAX_DEPTH": 1}
    question = QuestionFactory()
    url = f"/posts/{question.pk}/comments/"
    client.post(url, {"body": "First comment, long enough."})
    root = Comment.objects.get()
    client.post(url, {"body": "A reply, long enough too.", "parent": root.pk})
    reply = Comment.objects.get(parent=root)
    response = client.post(url, {"body": "Too deep a reply, surely.", "parent": reply.pk}, **JSON)
    assert response.status_code == 400
    assert "levels deep" in json.dumps(response.json())
    html = client.post(url, {"body": "Too deep a reply, surely.", "parent": reply.pk})
    assert html.status_code == 400 and b"levels deep" in html.content
    assert Comment.objects.count() == 2


def test_comment_reply_to_a_missing_comment_is_400(client, member) -> None:
    question = QuestionFactory()
    response = client.post(
        f"/posts/{question.pk}/comments/",
        {"body": "Reply to nothing at all.", "parent": 424242},
        **JSON,
    )
    assert response.status_code == 400 and "does not exist" in response.json()["detail"]


def test_comment_created_via_json_returns_its_html(client, member) -> None:
    question = QuestionFactory()
    response = client.post(
        f"/posts/{question.pk}/comments/", {"body": "Is **this** a test?"}, **JSON
    )
    assert response.status_code == 201
    assert "<strong>this</strong>" in response.json()["html"]


def test_reply_form_page_works_without_javascript(client, member) -> None:
    question = QuestionFactory()
    client.post(f"/posts/{question.pk}/comments/", {"body": "First comment, long enough."})
    root = Comment.objects.get()
    page = client.get(f"/posts/{question.pk}/comments/?parent={root.pk}")
    assert page.status_code == 200 and f'value="{root.pk}"'.encode() in page.content
    assert client.get(f"/posts/{question.pk}/comments/?parent=abc").status_code == 200


def test_deleting_via_the_page(client, member) -> None:
    question = QuestionFactory(author=member)
    assert client.get(f"/posts/{question.pk}/delete/").status_code == 200
    assert client.post(f"/posts/{question.pk}/delete/").status_code == 302
    question.refresh_from_db()
    assert question.is_deleted
    assert client.post(f"/posts/{question.pk}/delete/").status_code == 403


def test_oversized_request_is_refused_cleanly(client, member) -> None:
    response = client.post(
        "/questions/ask/", {"title": "A long enough title", "body": "a" * 3_000_000, "tags": "app"}
    )
    assert response.status_code == 400
