"""Conditional GET, Cache-Control and rate limits."""

import pytest
from rest_framework.test import APIClient

from qa import services as qa_services
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

from .conftest import problem

pytestmark = pytest.mark.django_db


def test_reads_carry_an_etag_and_answer_304_until_something_shown_changes(client_api):
    question = QuestionFactory()
    answer = AnswerFactory(parent=question)
    url = f"/api/v1/questions/{question.pk}/"
    first = client_api.get(url)
    etag = first["ETag"]
    again = client_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    qa_services.vote_cast(voter=UserFactory(), post=answer, value=1)
    changed = client_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_anonymous_reads_are_publicly_cacheable_and_members_revalidate(token_client):
    question = QuestionFactory()
    url = f"/api/v1/questions/{question.pk}/"
    anonymous = APIClient().get(url)
    assert anonymous["Cache-Control"] == "public, max-age=60"
    assert "Authorization" in anonymous["Vary"] and "Cookie" in anonymous["Vary"]
    member = token_client(UserFactory()).get(url)
    assert member["Cache-Control"] == "private, no-cache"


def test_reputation_history_sends_last_modified_and_honours_if_modified_since(client_api):
    member = UserFactory()  # the factory backs the reputation with a ledger row
    url = f"/api/v1/users/{member.pk}/reputation/"
    first = client_api.get(url)
    assert first.status_code == 200 and first["Last-Modified"]
    assert first.json()["results"][0]["amount"] == 199
    again = client_api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_anonymous_reads_are_limited_per_ip_with_retry_after(client_api, settings):
    settings.API = {**settings.API, "ANON_READS_PER_MINUTE": 3}
    for _ in range(3):
        assert client_api.get("/api/v1/tags/").status_code == 200
    refused = client_api.get("/api/v1/tags/")
    body = problem(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Retry-After"] in body["detail"]
    other_ip = client_api.get("/api/v1/tags/", REMOTE_ADDR="10.1.2.3")
    assert other_ip.status_code == 200


def test_writes_are_limited_harder_than_reads(token_client, settings):
    settings.API = {**settings.API, "WRITES_PER_MINUTE": 2, "USER_READS_PER_MINUTE": 100}
    client = token_client(UserFactory())
    question = QuestionFactory()
    url = f"/api/v1/posts/{question.pk}/vote/"
    assert client.put(url, {"value": 1}, format="json").status_code == 200
    assert client.put(url, {"value": 0}, format="json").status_code == 200
    problem(client.put(url, {"value": 1}, format="json"), 429)
    assert client.get(f"/api/v1/questions/{question.pk}/").status_code == 200


def test_an_api_key_has_its_own_limit(make_key):
    created = make_key(requests_per_minute=2)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    assert client.get("/api/v1/tags/").status_code == 200
    assert client.get("/api/v1/tags/").status_code == 200
    problem(client.get("/api/v1/tags/"), 429)
