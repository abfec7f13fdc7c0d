"""Inputs schemathesis found: a NUL byte (which PostgreSQL refuses in text)
anywhere in a query or a path, and a Host header the site does not serve.
Each is a clear 4xx problem document on SQLite and PostgreSQL alike (CI runs
the suite on both; these crashed only on PostgreSQL)."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import pointers, problem
from tests.factories import AnswerFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/questions/?category=%00", "category"),
        ("/api/v1/questions/?category=lighting%00", "category"),
        ("/api/v1/questions/?tag=router%00", "tag"),
        ("/api/v1/questions/?sort=%00", "sort"),
        ("/api/v1/tags/?q=%00", "q"),
        ("/api/v1/instant-answers/?q=lamp%00", "q"),
        ("/api/v1/oembed?url=http://testserver/faq/a%00/", "url"),
        ("/api/v1/posts/1/diff/?from=%00", "from"),
        ("/api/v1/questions/?na%00me=1", "name"),
    ],
)
def test_a_nul_in_a_query_parameter_is_a_field_error(url: str, field: str) -> None:
    body = problem(APIClient().get(url), 400)
    assert pointers(body)[f"#/{field}"] == "Null characters are not allowed."


@pytest.mark.parametrize("url", ["/api/v1/tags/%00/", "/api/v1/tags/router%00/"])
def test_a_nul_in_a_path_names_nothing(url: str) -> None:
    problem(APIClient().get(url), 404)


def test_a_nul_in_a_cards_client_frames_it_for_nobody(client: Any) -> None:
    answer = AnswerFactory()
    response = client.get(f"/embed/answers/{answer.pk}/?client=ab%00cd")
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("host", ["bogus host!", "evil.example", "[::1"])
def test_a_host_header_the_site_does_not_serve_is_a_problem_under_the_api(host: str) -> None:
    body = problem(APIClient().get("/api/v1/questions/", HTTP_HOST=host), 400)
    assert body["type"] == "/api/problems/bad-request"
    assert body["detail"] == "The Host header names a site this server does not serve."
    # Not Django's hint on how to configure the server.
    assert "ALLOWED_HOSTS" not in body["detail"]


def test_a_bad_host_on_a_site_page_is_still_the_html_400(client: Any) -> None:
    response = client.get("/questions/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
