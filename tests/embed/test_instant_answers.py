"""Instant answers for widgets, and "Was this helpful?" into the deflection ledger."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from api import services as api_services
from qa import services
from qa.models import Post
from search import sync
from search.models import Deflection, ItemKind, SupportVisit, VisitItem
from tests.api.conftest import pointers, problem
from tests.embed.conftest import ORIGIN, published_faq_entry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(community: tuple[Any, Any]) -> dict[str, Any]:
    """The shared community (a lamp question with an accepted answer, an
    unanswered one, an invoice one) plus a second answer to the lamp question
    and a FAQ entry promoted from the accepted answer, indexed."""
    blinking, accepted = community
    services.answer_post(
        author=UserFactory(username="other"),
        question=blinking,
        body="Mine stopped blinking after a factory reset, for what it is worth.",
    )
    published_faq_entry(
        question="Why does my lamp blink red?",
        slug="lamp-blinks-red",
        answer="Unplug it.",
        created_by=blinking.author,
        source_answer=accepted,
    )
    sync.drain()
    unanswered = Post.objects.get(title="Pairing the lamp with a new phone fails")
    return {
        "question": blinking,
        "accepted": accepted,
        "unanswered": unanswered,
        "helper": accepted.author,
    }


def key_client(staff: Any, *, scopes: list[str] | None = None, origin: str = ORIGIN) -> APIClient:
    created = api_services.api_key_create(
        staff=staff, name="Lumio", allowed_origins=[ORIGIN], scopes=scopes
    )
    client = APIClient(
        HTTP_AUTHORIZATION=f"Bearer {created.secret}", HTTP_ORIGIN=origin, REMOTE_ADDR="203.0.113.9"
    )
    client.key = created.row  # type: ignore[attr-defined]
    return client


def test_instant_answers_give_the_best_answer_with_excerpt_link_and_marks(staff, thread) -> None:
    client = key_client(staff, scopes=["feedback"])
    response = client.get("/api/v1/instant-answers/", {"q": "my lamp blinks red"})
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "Set-Cookie" not in response
    body = response.json()
    assert body["is_degraded"] is False
    first = body["results"][0]
    accepted = thread["accepted"]
    assert first["answer_id"] == accepted.pk
    assert first["question_id"] == thread["question"].pk
    assert first["title"] == "The lamp blinks red after the firmware update"
    assert "Unplug the lamp" in first["excerpt"] and "<" not in first["excerpt"]
    assert first["is_accepted"] is True
    assert first["is_faq"] is True and first["faq_url"].endswith("/faq/lamp-blinks-red/")
    assert first["url"].endswith(f"/a/{accepted.pk}/")
    assert first["detail"].endswith(f"/api/v1/answers/{accepted.pk}/")
    assert first["feedback"].endswith(f"/api/v1/answers/{accepted.pk}/helpful/")
    # A question without an answer has nothing to show a customer.
    ids = [result["question_id"] for result in body["results"]]
    assert thread["unanswered"].pk not in ids

    # The detail link serves the answer the widget expands.
    detail = client.get(first["detail"])
    assert detail.status_code == 200 and "ten seconds" in detail.json()["body_html"]


def test_a_deleted_answer_is_never_offered(staff, thread) -> None:
    services.post_delete(user=staff, post=thread["accepted"])
    # The index still holds the old document until the worker runs; the
    # database check keeps the deleted answer out meanwhile.
    body = key_client(staff).get("/api/v1/instant-answers/", {"q": "lamp blinks red"}).json()
    assert thread["accepted"].pk not in [result["answer_id"] for result in body["results"]]


def test_instant_answers_come_from_the_database_when_the_engine_is_down(
    staff, thread, settings
) -> None:
    settings.SEARCH = {**settings.SEARCH, "URL": "http://127.0.0.1:9", "TIMEOUT": 0.5}
    response = key_client(staff).get("/api/v1/instant-answers/", {"q": "lamp blinks red"})
    assert response.status_code == 200
    body = response.json()
    assert body["is_degraded"] is True
    assert body["results"][0]["answer_id"] == thread["accepted"].pk
    assert body["results"][0]["is_accepted"] is True
    assert body["results"][0]["excerpt"]


def test_limit_bounds_the_number_of_answers(staff, thread) -> None:
    body = key_client(staff).get("/api/v1/instant-answers/", {"q": "lamp", "limit": "1"}).json()
    assert len(body["results"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "lamp", "limit": 0}, "limit"),
        ({"q": "lamp", "limit": 11}, "limit"),
        ({"q": "lamp", "limit": "many"}, "limit"),
    ],
)
def test_bad_instant_answer_queries_are_field_errors(staff, params, field) -> None:
    body = problem(key_client(staff).get("/api/v1/instant-answers/", params), 400)
    assert f"#/{field}" in pointers(body)


def test_a_nul_in_the_text_is_a_field_error_and_other_controls_are_ignored(staff, thread) -> None:
    client = key_client(staff)
    body = problem(client.get("/api/v1/instant-answers/", {"q": "lamp\x00 blinks"}), 400)
    assert "#/q" in pointers(body)
    response = client.get("/api/v1/instant-answers/", {"q": "lamp\t blinks\x1f red"})
    assert response.status_code == 200
    assert response.json()["query"] == "lamp blinks red"


def test_a_key_from_another_origin_or_revoked_is_refused(staff, thread) -> None:
    problem(
        key_client(staff, origin="https://evil.example").get(
            "/api/v1/instant-answers/", {"q": "lamp"}
        ),
        403,
    )
    client = key_client(staff)
    api_services.api_key_revoke(staff=staff, key=client.key)  # type: ignore[attr-defined]
    problem(client.get("/api/v1/instant-answers/", {"q": "lamp"}), 401)


# "Was this helpful?" ----------------------------------------------------------------


def test_yes_from_a_widget_lands_in_the_deflection_ledger_once(staff, thread) -> None:
    client = key_client(staff, scopes=["feedback"])
    accepted = thread["accepted"]
    url = f"/api/v1/answers/{accepted.pk}/helpful/"
    response = client.post(url, {"helpful": True, "query": "lamp blinks"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"helpful": True, "is_new": True}
    assert "Set-Cookie" not in response
    deflection = Deflection.objects.get()
    assert (deflection.item_kind, deflection.item_id) == (ItemKind.ANSWER, accepted.pk)
    assert deflection.author == thread["helper"]
    assert deflection.kind == Deflection.Kind.EXPLICIT
    visit = deflection.visit
    assert visit.flow == SupportVisit.Flow.EMBED and visit.outcome == SupportVisit.Outcome.SOLVED
    assert visit.query == "lamp blinks"
    assert VisitItem.objects.get(visit=visit).opened_at is not None
    # Clicking again (or "no" after "yes") the same day counts nothing more.
    again = client.post(url, {"helpful": False}, format="json")
    assert again.json() == {"helpful": False, "is_new": False}
    assert Deflection.objects.count() == 1 and SupportVisit.objects.count() == 1


def test_no_is_recorded_without_a_deflection(staff, thread) -> None:
    client = key_client(staff, scopes=["feedback"])
    url = f"/api/v1/answers/{thread['accepted'].pk}/helpful/"
    assert client.post(url, {"helpful": False}, format="json").status_code == 200
    assert not Deflection.objects.exists()
    assert SupportVisit.objects.get().outcome == SupportVisit.Outcome.NOT_HELPED


def test_feedback_needs_a_key_with_the_feedback_scope(staff, thread, django_user_model) -> None:
    url = f"/api/v1/answers/{thread['accepted'].pk}/helpful/"
    body = {"helpful": True}
    problem(key_client(staff).post(url, body, format="json"), 403)  # read-only key
    problem(APIClient().post(url, body, format="json"), 401)  # nobody
    member = APIClient()
    member.force_login(UserFactory())
    problem(member.post(url, body, format="json"), 401)  # members use the site's buttons
    assert not SupportVisit.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"helpful": "yes"}, "helpful"),
        ({"helpful": 1}, "helpful"),
        ({}, "helpful"),
        ({"helpful": True, "query": 5}, "query"),
        ({"helpful": True, "rating": 5}, "rating"),
    ],
)
def test_bad_feedback_is_a_field_error(staff, thread, payload, field) -> None:
    client = key_client(staff, scopes=["feedback"])
    url = f"/api/v1/answers/{thread['accepted'].pk}/helpful/"
    body = problem(client.post(url, payload, format="json"), 400)
    assert f"#/{field}" in pointers(body)
    assert not SupportVisit.objects.exists()


def test_feedback_on_a_deleted_answer_is_not_found(staff, thread) -> None:
    services.post_delete(user=staff, post=thread["accepted"])
    client = key_client(staff, scopes=["feedback"])
    url = f"/api/v1/answers/{thread['accepted'].pk}/helpful/"
    problem(client.post(url, {"helpful": True}, format="json"), 404)


def test_a_nul_in_the_feedback_query_is_refused_and_other_controls_cleaned(staff, thread) -> None:
    client = key_client(staff, scopes=["feedback"])
    url = f"/api/v1/answers/{thread['accepted'].pk}/helpful/"
    body = problem(client.post(url, {"helpful": True, "query": "lamp\x00red"}, format="json"), 400)
    assert "#/query" in pointers(body)
    response = client.post(url, {"helpful": True, "query": "lamp\x1bred"}, format="json")
    assert response.status_code == 200
    assert SupportVisit.objects.get().query == "lamp red"


def test_a_read_only_key_is_offered_no_feedback_link(staff, thread) -> None:
    # The widget shows "Was this helpful?" only where there is a link to post it.
    body = key_client(staff).get("/api/v1/instant-answers/", {"q": "my lamp blinks red"}).json()
    assert body["results"] and all(result["feedback"] is None for result in body["results"])


def test_the_engines_answers_to_a_text_are_kept_a_while_but_not_the_databases(
    staff, thread, settings
) -> None:
    settings.LIST_CACHE_SECONDS = 60
    client = key_client(staff)
    asked = client.get("/api/v1/instant-answers/", {"q": "lamp blinks red"}).json()
    engine = settings.SEARCH
    settings.SEARCH = {**engine, "URL": "http://127.0.0.1:9", "TIMEOUT": 0.5}
    again = client.get("/api/v1/instant-answers/", {"q": "lamp blinks red"}).json()
    assert again == asked and again["is_degraded"] is False
    other = client.get("/api/v1/instant-answers/", {"q": "lamp blinks"}).json()
    assert other["is_degraded"] is True
    settings.SEARCH = engine
    assert (
        client.get("/api/v1/instant-answers/", {"q": "lamp blinks"}).json()["is_degraded"] is False
    )
