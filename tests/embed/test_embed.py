"""The widget script, answer cards and oEmbed."""

import gzip
import re
from urllib.parse import quote

import pytest
from rest_framework.test import APIClient

from api import services
from qa.models import Post
from tests.api.conftest import problem
from tests.factories import AnswerFactory, QuestionFactory

pytestmark = pytest.mark.django_db

WIDGET_GZIP_BUDGET = 15 * 1024


@pytest.fixture
def answered():
    question = QuestionFactory(title="Why does my lamp blink twice?")
    AnswerFactory(parent=question, score=3, body_source="Hold the reset button for ten seconds.")
    accepted = AnswerFactory(parent=question, score=1, body_source="Update the firmware first.")
    Post.objects.filter(pk=question.pk).update(accepted_answer=accepted)
    question.refresh_from_db()
    return question, accepted


def test_the_widget_is_one_small_script_with_no_dependencies(client):
    response = client.get("/embed/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    source = response.content
    assert len(gzip.compress(source, 9)) <= WIDGET_GZIP_BUDGET
    text = source.decode()
    assert "import " not in text and "require(" not in text
    # No cookies: it never touches document.cookie and sends no credentials.
    assert "document.cookie" not in text and 'credentials = "omit"' in text


def test_a_card_may_be_framed_only_by_its_clients_origins(client, staff, answered):
    _question, accepted = answered
    key = services.api_key_create(
        staff=staff, name="Help centre", allowed_origins=["https://help.lumio.example"]
    ).row
    services.api_key_create(staff=staff, name="App", allowed_origins=["https://app.lumio.example"])
    response = client.get(f"/embed/answers/{accepted.pk}/?client={key.prefix}")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors https://help.lumio.example" in csp
    assert "app.lumio.example" not in csp
    assert "Update the firmware first." in response.content.decode()
    assert "Accepted answer" in response.content.decode()
    # No client named: any live key's origin; an unknown one: nobody.
    anyone = client.get(f"/embed/answers/{accepted.pk}/")["Content-Security-Policy"]
    assert "https://help.lumio.example" in anyone and "https://app.lumio.example" in anyone
    nobody = client.get(f"/embed/answers/{accepted.pk}/?client=deadbeef")
    assert "frame-ancestors 'none'" in nobody["Content-Security-Policy"]
    services.api_key_revoke(staff=staff, key=key)
    revoked = client.get(f"/embed/answers/{accepted.pk}/?client={key.prefix}")
    assert "frame-ancestors 'none'" in revoked["Content-Security-Policy"]


def test_a_deleted_answer_has_no_card(client, answered):
    _question, accepted = answered
    Post.objects.filter(pk=accepted.pk).update(deleted_at="2026-01-01T00:00:00Z")
    assert client.get(f"/embed/answers/{accepted.pk}/").status_code == 404


def test_oembed_embeds_the_accepted_answer_of_a_question(settings, answered):
    settings.SITE_URL = "http://testserver"
    question, accepted = answered
    url = f"http://testserver{question.get_absolute_url()}"
    response = APIClient().get(
        f"/api/v1/oembed?url={quote(url)}&format=json&maxwidth=400&client=abcd1234"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["version"], data["type"], data["width"]) == ("1.0", "rich", 400)
    assert data["title"] == "Why does my lamp blink twice?"
    assert f'/embed/answers/{accepted.pk}/?client=abcd1234"' in data["html"]
    by_answer = APIClient().get(
        f"/api/v1/oembed?url={quote(f'http://testserver/a/{accepted.pk}/')}"
    )
    assert by_answer.json()["html"] == data["html"].replace("400", "600").replace(
        "?client=abcd1234", ""
    )


def test_oembed_refuses_other_sites_unanswered_questions_and_xml(settings):
    settings.SITE_URL = "http://testserver"
    client = APIClient()
    body = problem(
        client.get(f"/api/v1/oembed?url={quote('https://evil.example/questions/1/')}"), 404
    )
    assert "not a page of this site" in body["detail"]
    unanswered = QuestionFactory()
    url = quote(f"http://testserver{unanswered.get_absolute_url()}")
    assert "no answer" in problem(client.get(f"/api/v1/oembed?url={url}"), 404)["detail"]
    xml = problem(client.get(f"/api/v1/oembed?url={url}&format=xml"), 400)
    assert xml["errors"][0]["pointer"] == "#/format"
    assert "#/url" in {e["pointer"] for e in problem(client.get("/api/v1/oembed"), 400)["errors"]}


def test_question_pages_link_their_oembed(client, answered):
    question, _accepted = answered
    html = client.get(question.get_absolute_url()).content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    assert link is not None
    href = link.group(1).replace("&amp;", "&")
    assert APIClient().get(href).status_code == 200
    unanswered = QuestionFactory()
    assert "json+oembed" not in client.get(unanswered.get_absolute_url()).content.decode()
