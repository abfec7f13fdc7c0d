"""The Q&A resources through the API: same rules as the site, shaped for clients."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qa import services as qa_services
from qa.models import Post
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CommentFactory,
    QuestionFactory,
    TagFactory,
    UserFactory,
)

from .conftest import pointers, problem

pytestmark = pytest.mark.django_db

BODY = "My lamp blinks twice and then stays off, whatever I try with the app."


def test_list_sorts_filters_and_pages_with_a_cursor(client_api):
    asker = UserFactory()
    lighting = CategoryFactory(name="Lighting", slug="lighting")
    bulbs = CategoryFactory(name="Bulbs", slug="bulbs", parent=lighting)
    old = QuestionFactory(title="An older question about bulbs", category=bulbs, author=asker)
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2), score=5)
    new = QuestionFactory(title="A newer question about hubs", tags=["hub"])
    answer = AnswerFactory(parent=new)
    Post.objects.filter(pk=new.pk).update(accepted_answer=answer)

    newest = client_api.get("/api/v1/questions/?sort=newest").json()
    assert [q["id"] for q in newest["results"]] == [new.pk, old.pk]
    assert newest["results"][0]["url"] == new.get_absolute_url()
    votes = client_api.get("/api/v1/questions/?sort=votes").json()["results"]
    assert [q["id"] for q in votes] == [old.pk, new.pk]

    def ids(query: str) -> list[int]:
        return [q["id"] for q in client_api.get(f"/api/v1/questions/?{query}").json()["results"]]

    assert ids("tag=hub") == [new.pk]
    assert ids("category=lighting") == [old.pk]  # the subtree
    assert ids("answered=true") == [new.pk]
    assert ids("answered=false") == [old.pk]
    assert ids("accepted=true") == [new.pk]
    assert ids("accepted=false") == [old.pk]
    assert ids(f"user={asker.pk}") == [old.pk]
    assert ids("sort=unanswered") == [old.pk]

    first = client_api.get("/api/v1/questions/?sort=newest&page_size=1")
    assert [q["id"] for q in first.json()["results"]] == [new.pk]
    assert first["Link"].endswith('rel="next"')
    second = client_api.get(first.json()["next"]).json()
    assert [q["id"] for q in second["results"]] == [old.pk]
    assert second["next"] is None


def test_bad_filter_values_cursors_and_page_sizes_are_400_problems(client_api):
    body = problem(client_api.get("/api/v1/questions/?answered=maybe"), 400)
    assert "#/answered" in pointers(body)
    body = problem(client_api.get("/api/v1/questions/?sort=oldest"), 400)
    assert "#/sort" in pointers(body)
    for cursor in ("garbage!", "WyJub3QtYS1kYXRlIiwgMV0", "W10"):  # junk, wrong type, empty
        body = problem(client_api.get(f"/api/v1/questions/?cursor={cursor}"), 400)
        assert body["code"] == "invalid-cursor"
    body = problem(client_api.get("/api/v1/questions/?page_size=1000"), 400)
    assert "#/page_size" in pointers(body)


def test_detail_holds_answers_accepted_first_and_threaded_comments(client_api):
    question = QuestionFactory()
    plain = AnswerFactory(parent=question, score=9)
    accepted = AnswerFactory(parent=question, score=1)
    Post.objects.filter(pk=question.pk).update(accepted_answer=accepted)
    top = CommentFactory(post=question)
    reply = qa_services.comment_add(
        author=UserFactory(), post=question, body="A reply that is long enough.", parent=top
    )

    data = client_api.get(f"/api/v1/questions/{question.pk}/").json()
    assert [a["id"] for a in data["answers"]] == [accepted.pk, plain.pk]
    assert data["answers"][0]["is_accepted"] is True
    assert data["comments"][0]["replies"][0]["id"] == reply.pk
    assert data["moderation"] == {
        "is_closed": False,
        "close_reason": "",
        "duplicate_of_id": None,
        "is_locked": False,
    }
    answer = client_api.get(f"/api/v1/answers/{accepted.pk}/").json()
    assert answer["question_id"] == question.pk and answer["is_accepted"] is True


def test_a_deleted_question_is_404_to_others(client_api):
    question = QuestionFactory(deleted_at=timezone.now())
    body = problem(client_api.get(f"/api/v1/questions/{question.pk}/"), 404)
    assert body["code"] == "not-found"


def test_asking_follows_the_site_rules_and_answers_201(token_client):
    TagFactory(name="router")
    member = UserFactory()
    client = token_client(member)
    response = client.post(
        "/api/v1/questions/",
        {"title": "Why does my lamp blink twice?", "body": BODY, "tags": ["router"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    question = Post.objects.get(title="Why does my lamp blink twice?")
    assert response["Location"].endswith(f"/api/v1/questions/{question.pk}/")
    assert response.json()["tags"] == ["router"]

    # The service's rules, as field errors.
    short = client.post(
        "/api/v1/questions/", {"title": "Short", "body": "tiny", "tags": []}, format="json"
    )
    body = problem(short, 400)
    assert set(pointers(body)) == {"#/title", "#/body", "#/tags"}
    assert "at least 15 characters" in pointers(body)["#/title"]


def test_a_newcomer_cannot_create_tags_through_the_api_either(token_client):
    client = token_client(UserFactory(reputation=1))
    response = client.post(
        "/api/v1/questions/",
        {"title": "Why does my lamp blink twice?", "body": BODY, "tags": ["brand-new-tag"]},
        format="json",
    )
    body = problem(response, 400)
    assert "would be a new tag" in pointers(body)["#/tags"]


def test_wrong_types_and_unknown_fields_are_refused(token_client):
    client = token_client(UserFactory())
    response = client.post(
        "/api/v1/questions/",
        {"title": 42, "body": BODY, "tags": "router", "score": 100},
        format="json",
    )
    errors = pointers(problem(response, 400))
    assert errors["#/title"] == "Expected a string."
    assert "#/tags" in errors
    assert errors["#/score"] == "This field is not part of this request."
    assert not Post.objects.exists()


def test_malformed_json_huge_bodies_and_other_media_types(token_client, settings):
    client = token_client(UserFactory())
    body = problem(
        client.post("/api/v1/questions/", "{not json", content_type="application/json"), 400
    )
    assert body["code"] == "malformed-request" and "not valid JSON" in body["detail"]
    body = problem(
        client.post("/api/v1/questions/", "[1, NaN]", content_type="application/json"), 400
    )
    assert body["code"] == "malformed-request"
    settings.API = {**settings.API, "MAX_BODY_BYTES": 1000}
    huge = '{"title": "%s"}' % ("x" * 2000)
    body = problem(client.post("/api/v1/questions/", huge, content_type="application/json"), 413)
    assert "1,000 bytes" in body["detail"]
    body = problem(client.post("/api/v1/questions/", "title=x", content_type="text/plain"), 415)
    assert body["code"] == "unsupported-media-type"


def test_unknown_urls_and_methods_are_problems(client_api):
    body = problem(client_api.get("/api/v1/nothing-here/"), 404)
    assert body["instance"] == "/api/v1/nothing-here/"
    response = client_api.delete("/api/v1/tags/")
    problem(response, 405)
    assert "GET" in response["Allow"]


def test_answer_comment_vote_accept_and_edit(token_client):
    asker, answerer, voter = UserFactory(), UserFactory(), UserFactory()
    question = QuestionFactory(author=asker)
    answered = token_client(answerer).post(
        f"/api/v1/questions/{question.pk}/answers/", {"body": BODY}, format="json"
    )
    assert answered.status_code == 201
    answer_id = answered.json()["id"]

    voter_client = token_client(voter)
    vote = voter_client.put(f"/api/v1/posts/{answer_id}/vote/", {"value": 1}, format="json")
    assert vote.json() == {"score": 1, "value": 1}
    body = problem(
        voter_client.put(f"/api/v1/posts/{answer_id}/vote/", {"value": 1}, format="json"), 409
    )
    assert body["code"] == "already_voted"
    body = problem(
        voter_client.put(f"/api/v1/posts/{answer_id}/vote/", {"value": 5}, format="json"), 400
    )
    assert "#/value" in pointers(body)
    body = problem(
        voter_client.put(f"/api/v1/posts/{answer_id}/vote/", {"value": "1"}, format="json"), 400
    )
    assert pointers(body)["#/value"] == "Expected an integer."

    comment = voter_client.post(
        f"/api/v1/posts/{answer_id}/comments/",
        {"body": "Thanks, this fixed it for me."},
        format="json",
    )
    assert comment.status_code == 201
    reply = voter_client.post(
        f"/api/v1/posts/{answer_id}/comments/",
        {"body": "And the lamp keeps working.", "parent": comment.json()["id"]},
        format="json",
    )
    assert reply.json()["parent_id"] == comment.json()["id"]
    threads = voter_client.get(f"/api/v1/posts/{answer_id}/comments/").json()
    assert threads[0]["replies"][0]["id"] == reply.json()["id"]

    # Only the asker accepts.
    refused = problem(voter_client.post(f"/api/v1/answers/{answer_id}/accept/"), 403)
    assert "Only the person who asked" in refused["detail"]
    accepted = token_client(asker).post(f"/api/v1/answers/{answer_id}/accept/")
    assert accepted.json()["is_accepted"] is True

    edited = token_client(asker).patch(
        f"/api/v1/questions/{question.pk}/",
        {"title": "A clearer title for the lamp"},
        format="json",
    )
    assert edited.status_code == 200, edited.content
    question.refresh_from_db()
    assert question.title == "A clearer title for the lamp"
    assert question.tag_list == ["router"]  # left out, kept


def test_anonymous_writes_need_authentication(client_api):
    question = QuestionFactory()
    body = problem(
        client_api.post(f"/api/v1/questions/{question.pk}/answers/", {"body": BODY}, format="json"),
        401,
    )
    assert body["code"] == "not-authenticated"
