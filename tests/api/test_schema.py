"""The OpenAPI schema: complete, valid, and true of the running API.

Schemathesis generates requests from the schema (a bounded number per
operation) and checks that nothing answers 5xx and that every status code,
content type, header and body the API answers is the one the schema
documents — errors included.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis import checks

from api import services
from qa import services as qa_services
from tests.factories import (
    AnswerFactory,
    CategoryFactory,
    CommentFactory,
    QuestionFactory,
    TagFactory,
    UserFactory,
)

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


# Loaded from the app, which schemathesis then calls over WSGI. (Its lazy
# fixture loader does not run on pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def wsgi_requests(db: Any) -> Iterator[None]:
    """Like Django's test client, keep request signals from closing the test's
    connection (and its transaction) between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def member_token(db: Any, settings: Any) -> str:
    """A member with data around them: questions, answers, comments, tags, a category."""
    settings.API = {
        **settings.API,
        "ANON_READS_PER_MINUTE": 100_000,
        "USER_READS_PER_MINUTE": 100_000,
        "WRITES_PER_MINUTE": 100_000,
    }
    member = UserFactory(reputation=5000)
    CategoryFactory(slug="lighting")
    TagFactory(name="router")
    question = QuestionFactory(author=member)
    answer = AnswerFactory(parent=question)
    CommentFactory(post=answer)
    qa_services.vote_cast(voter=member, post=answer, value=1)
    return services.token_create(user=member, name="schemathesis", can_write=True).secret


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_as_its_schema_says(
    case: Any, member_token: str, wsgi_requests: None
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {member_token}"}, checks=CHECKS)


@pytest.mark.django_db
def test_the_schema_documents_every_route_and_the_problem_responses() -> None:
    document = (
        APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    )
    paths = document["paths"]
    assert {
        "/api/v1/questions/",
        "/api/v1/questions/{id}/",
        "/api/v1/questions/{id}/answers/",
        "/api/v1/answers/{id}/accept/",
        "/api/v1/posts/{id}/comments/",
        "/api/v1/posts/{id}/vote/",
        "/api/v1/categories/",
        "/api/v1/users/{id}/reputation/",
        "/api/v1/badges/",
    } <= set(paths)
    create = paths["/api/v1/questions/"]["post"]["responses"]
    for status in ("201", "400", "401", "403", "409", "413", "415", "429"):
        assert status in create, status
    assert "application/problem+json" in create["400"]["content"]
    listing = paths["/api/v1/questions/"]["get"]
    names = {parameter["name"] for parameter in listing["parameters"]}
    assert {"sort", "tag", "category", "answered", "accepted", "user", "cursor"} <= names
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_the_docs_load_nothing_from_other_hosts() -> None:
    for url in ("/api/docs/", "/api/redoc/"):
        html = APIClient().get(url).content.decode()
        assert "cdn" not in html.lower() and "//unpkg" not in html
        assert "fonts.googleapis" not in html and "https://" not in html
        assert "/static/drf_spectacular_sidecar/" in html
