"""Revisions and diffs, suggested edits and flags through the API."""

import pytest

from moderation.models import Flag
from qa import services as qa_services
from qa.models import SuggestedEdit
from tests.factories import CommentFactory, TagFactory, UserFactory

from .conftest import pointers, problem

pytestmark = pytest.mark.django_db

BODY = "My lamp blinks twice and then stays off, whatever I try with the app."


@pytest.fixture
def question():
    TagFactory(name="router")
    return qa_services.question_ask(
        author=UserFactory(), title="Why does my lamp blink twice?", body=BODY, tags=["router"]
    )


def test_revisions_list_and_diff_follow_edits(client_api, question):
    qa_services.post_edit(
        editor=question.author,
        post=question,
        title="Why does my lamp blink twice after the update?",
        body=BODY + " It started after the firmware update.",
        tags=["router"],
        summary="Say when it started",
    )
    listing = client_api.get(f"/api/v1/posts/{question.pk}/revisions/")
    assert listing.status_code == 200 and listing["Last-Modified"]
    revisions = listing.json()["results"]
    assert [r["number"] for r in revisions] == [2, 1]
    assert revisions[0]["summary"] == "Say when it started"
    assert revisions[1]["title"] == "Why does my lamp blink twice?"
    one = client_api.get(f"/api/v1/posts/{question.pk}/revisions/1/").json()
    assert one["body_markdown"] == BODY
    diff = client_api.get(f"/api/v1/posts/{question.pk}/diff/?from=1&to=2").json()
    assert (diff["from_revision"], diff["to_revision"]) == (1, 2)
    changed = {field["name"] for field in diff["fields"]}
    assert changed == {"title", "body_source"}
    assert any("<ins>" in row["inline_html"] for row in diff["fields"][0]["rows"])
    problem(client_api.get(f"/api/v1/posts/{question.pk}/revisions/9/"), 404)
    body = problem(client_api.get(f"/api/v1/posts/{question.pk}/diff/?from=x"), 400)
    assert "#/from" in pointers(body)


def test_a_newcomer_suggests_an_edit_instead_of_editing(token_client, question):
    client = token_client(UserFactory(reputation=1))
    refused = client.patch(
        f"/api/v1/questions/{question.pk}/", {"body": BODY + " More."}, format="json"
    )
    problem(refused, 403)
    response = client.post(
        f"/api/v1/posts/{question.pk}/suggested-edits/",
        {"body": BODY + " It began after the update.", "summary": "Add when it began"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    assert SuggestedEdit.objects.get().summary == "Add when it began"
    again = client.post(
        f"/api/v1/posts/{question.pk}/suggested-edits/",
        {"body": BODY + " Another idea.", "summary": "Again"},
        format="json",
    )
    assert problem(again, 409)["code"] == "edit_pending"
    missing = client.post(
        f"/api/v1/posts/{question.pk}/suggested-edits/", {"body": BODY}, format="json"
    )
    assert "#/summary" in pointers(problem(missing, 400))


def test_flags_follow_the_site_rules(token_client, question):
    flagger = UserFactory(reputation=100)
    client = token_client(flagger)
    response = client.post(f"/api/v1/posts/{question.pk}/flags/", {"reason": "spam"}, format="json")
    assert response.status_code == 201, response.content
    assert Flag.objects.get().reason == "spam"
    assert (
        problem(
            client.post(f"/api/v1/posts/{question.pk}/flags/", {"reason": "spam"}, format="json"),
            409,
        )["code"]
        == "already_flagged"
    )
    comment = CommentFactory(post=question)
    assert (
        client.post(
            f"/api/v1/comments/{comment.pk}/flags/", {"reason": "rude"}, format="json"
        ).status_code
        == 201
    )
    own = token_client(question.author).post(
        f"/api/v1/posts/{question.pk}/flags/", {"reason": "spam"}, format="json"
    )
    assert "your own" in problem(own, 403)["detail"]
    bad = token_client(UserFactory(reputation=100)).post(
        f"/api/v1/comments/{comment.pk}/flags/", {"reason": "boring"}, format="json"
    )
    assert pointers(problem(bad, 400))["#/reason"] == "Choose what is wrong."
