"""Sessions with CSRF, personal access tokens, API keys, origins and CORS."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from api import services
from api.models import ApiKey
from tests.factories import QuestionFactory, UserFactory

from .conftest import problem

pytestmark = pytest.mark.django_db

BODY = "Hold the button for ten seconds and the lamp resets to its defaults."
ORIGIN = "https://help.example.com"


def test_session_writes_need_the_csrf_token():
    member = UserFactory()
    question = QuestionFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    url = f"/api/v1/questions/{question.pk}/answers/"
    body = problem(client.post(url, {"body": BODY}, content_type="application/json"), 403)
    assert "CSRF" in body["detail"]
    client.get("/")  # the site sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        url, {"body": BODY}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201, response.content


def test_a_token_acts_as_its_member_and_is_stored_hashed(token_client):
    member = UserFactory()
    client = token_client(member)
    secret = client.token.secret
    row = client.token.row
    assert secret not in row.secret_hash and row.secret_hash != secret
    assert row.prefix in secret
    question = QuestionFactory()
    response = client.post(
        f"/api/v1/questions/{question.pk}/answers/", {"body": BODY}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["author"]["id"] == member.pk
    row.refresh_from_db()
    assert row.last_used_at is not None


def test_a_read_only_token_cannot_write(token_client):
    client = token_client(UserFactory(), can_write=False)
    question = QuestionFactory()
    assert client.get(f"/api/v1/questions/{question.pk}/").status_code == 200
    body = problem(
        client.post(f"/api/v1/questions/{question.pk}/answers/", {"body": BODY}, format="json"),
        403,
    )
    assert "write" in body["detail"]


def test_a_revoked_token_or_an_unknown_one_is_refused(token_client):
    member = UserFactory()
    client = token_client(member)
    services.token_revoke(user=member, token=client.token.row)
    body = problem(client.get("/api/v1/questions/"), 401)
    assert body["detail"] == "This token has been revoked."
    assert client.get("/api/v1/questions/")["WWW-Authenticate"].startswith("Bearer")
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION=client.token.secret[:-4] + "AAAA")
    forged.credentials(HTTP_AUTHORIZATION="Bearer " + client.token.secret[:-4] + "AAAA")
    assert problem(forged.get("/api/v1/questions/"), 401)["detail"] == "This token is not known."
    junk = APIClient()
    junk.credentials(HTTP_AUTHORIZATION="Bearer nonsense")
    assert problem(junk.get("/api/v1/questions/"), 401)["code"] == "authentication-failed"


def test_members_revoke_only_their_own_tokens(token_client):
    client = token_client(UserFactory())
    with pytest.raises(Exception, match="only revoke your own"):
        services.token_revoke(user=UserFactory(), token=client.token.row)


@pytest.mark.parametrize("parameter", ["access_token", "api_key", "token", "key"])
def test_credentials_in_the_query_string_are_refused(client_api, token_client, parameter):
    secret = token_client(UserFactory()).token.secret
    body = problem(client_api.get(f"/api/v1/questions/?{parameter}={secret}"), 400)
    assert body["code"] == "credentials-in-url"
    assert "Authorization header" in body["detail"]


def test_a_secret_shaped_value_under_any_name_is_refused(client_api, make_key):
    secret = make_key().secret
    body = problem(client_api.get(f"/api/v1/questions/?q={secret}"), 400)
    assert body["code"] == "credentials-in-url"


def test_an_api_key_reads_and_counts_its_use(make_key):
    created = make_key()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    assert client.get("/api/v1/questions/").status_code == 200
    assert client.get("/api/v1/tags/").status_code == 200
    key = ApiKey.objects.get(pk=created.row.pk)
    assert key.request_count == 2 and key.last_used_at is not None
    assert key.scopes == ["read"]
    # Read-only: it cannot act as anyone.
    question = QuestionFactory()
    body = problem(
        client.post(f"/api/v1/questions/{question.pk}/answers/", {"body": BODY}, format="json"),
        403,
    )
    assert "write" in body["detail"]


def test_a_key_from_an_origin_it_does_not_allow_is_refused(make_key):
    created = make_key()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    allowed = client.get("/api/v1/questions/", HTTP_ORIGIN=ORIGIN)
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == ORIGIN
    assert "Access-Control-Allow-Credentials" not in allowed
    refused = client.get("/api/v1/questions/", HTTP_ORIGIN="https://evil.example")
    body = problem(refused, 403)
    assert body["code"] == "origin-not-allowed"
    assert "Access-Control-Allow-Origin" not in refused
    key = ApiKey.objects.get(pk=created.row.pk)
    assert (key.request_count, key.refused_count) == (1, 1)


def test_a_revoked_key_is_refused_at_once(make_key, staff):
    created = make_key()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    assert client.get("/api/v1/questions/").status_code == 200
    services.api_key_revoke(staff=staff, key=created.row)
    body = problem(client.get("/api/v1/questions/"), 401)
    assert body["detail"] == "This API key has been revoked."


def test_preflight_is_answered_only_for_origins_some_key_allows(client_api, make_key):
    make_key()
    preflight = client_api.options(
        "/api/v1/questions/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == ORIGIN
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    stranger = client_api.options(
        "/api/v1/questions/",
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert "Access-Control-Allow-Origin" not in stranger


def test_only_staff_create_keys_and_origins_are_exact(staff):
    with pytest.raises(Exception, match="Only staff"):
        services.api_key_create(staff=UserFactory(), name="x", allowed_origins=[])
    for bad in ["help.example.com", "https://help.example.com/path", "https://*.example.com"]:
        with pytest.raises(Exception, match="is not an origin"):
            services.api_key_create(staff=staff, name="x", allowed_origins=[bad])
    with pytest.raises(Exception, match="read and feedback"):
        services.api_key_create(staff=staff, name="x", allowed_origins=[], scopes=["write"])


def test_a_keys_requests_wait_in_redis_until_the_flush_adds_them(buffered, make_key):
    created = make_key()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    assert client.get("/api/v1/tags/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/tags/").status_code == 200
    # The key came from the cache and its use went to Redis: no query on keys.
    assert not [q for q in queries if "api_apikey" in q["sql"]]
    refused = client.get("/api/v1/tags/", HTTP_ORIGIN="https://evil.example")
    assert refused.status_code == 403
    key = ApiKey.objects.get(pk=created.row.pk)
    assert (key.request_count, key.refused_count, key.last_used_at) == (0, 0, None)
    assert services.api_key_uses_flush() == 2
    key.refresh_from_db()
    assert (key.request_count, key.refused_count) == (2, 1) and key.last_used_at is not None
    assert services.api_key_uses_flush() == 0
