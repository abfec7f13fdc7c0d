"""FAQ-entry cards and oEmbed, and the cards' "Was this helpful?" form."""

import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from rest_framework.test import APIClient

from api import services
from embed.feedback import card_token
from search.models import Deflection, ItemKind, SupportVisit
from tests.api.conftest import problem
from tests.embed.conftest import ORIGIN, published_faq_entry
from tests.factories import AnswerFactory, QuestionFactory
from wiki.models import FaqEntry, FaqStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer() -> Any:
    question = QuestionFactory(title="Why does my lamp blink twice?")
    return AnswerFactory(parent=question, body_source="Hold the reset button for ten seconds.")


@pytest.fixture
def entry(staff: Any, answer: Any) -> FaqEntry:
    return published_faq_entry(
        question="How do I reset my lamp?",
        slug="reset-my-lamp",
        answer="Hold the button for ten seconds.",
        created_by=staff,
        attributed_to=answer.author,
    )


def feedback_key(staff: Any, scopes: list[str] | None = None) -> Any:
    return services.api_key_create(
        staff=staff, name="Lumio", allowed_origins=[ORIGIN], scopes=scopes or ["feedback"]
    ).row


def form_token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def browser() -> Client:
    # The card's form is posted from a frame on another site: no cookies, and
    # Django's CSRF checks on (the test client skips them by default).
    return Client(enforce_csrf_checks=True, REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="Firefox")


def test_a_faq_card_is_framed_only_by_its_clients_origins(staff, entry) -> None:
    key = feedback_key(staff)
    response = browser().get(f"/embed/faq/{entry.slug}/?client={key.prefix}")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert f"frame-ancestors {ORIGIN}" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "Hold the button for ten seconds." in html and "From the FAQ" in html
    assert "Set-Cookie" not in response and not response.cookies


def test_a_draft_faq_entry_has_no_card(staff, entry) -> None:
    FaqEntry.objects.filter(pk=entry.pk).update(status=FaqStatus.DRAFT)
    assert browser().get(f"/embed/faq/{entry.slug}/").status_code == 404


def test_a_card_offers_feedback_only_for_a_key_with_the_feedback_scope(staff, answer) -> None:
    reader = services.api_key_create(staff=staff, name="Read", allowed_origins=[ORIGIN]).row
    html = browser().get(f"/embed/answers/{answer.pk}/?client={reader.prefix}").content.decode()
    assert "Was this helpful?" not in html
    assert "Was this helpful?" not in browser().get(f"/embed/answers/{answer.pk}/").content.decode()
    key = feedback_key(staff)
    html = browser().get(f"/embed/answers/{answer.pk}/?client={key.prefix}").content.decode()
    assert "Was this helpful?" in html and form_token(html)


def test_yes_on_an_answer_card_lands_in_the_ledger_without_cookies(staff, answer) -> None:
    key = feedback_key(staff)
    visitor = browser()
    card = visitor.get(f"/embed/answers/{answer.pk}/?client={key.prefix}").content.decode()
    response = visitor.post(
        f"/embed/answers/{answer.pk}/helpful/", {"token": form_token(card), "helpful": "yes"}
    )
    assert response.status_code == 303
    assert response["Location"] == f"/embed/answers/{answer.pk}/?client={key.prefix}&sent=1"
    assert not response.cookies
    deflection = Deflection.objects.get()
    assert (deflection.item_kind, deflection.item_id) == (ItemKind.ANSWER, answer.pk)
    assert deflection.author == answer.author
    assert deflection.visit.flow == SupportVisit.Flow.EMBED
    thanked = visitor.get(response["Location"]).content.decode()
    assert "Thank you for your feedback." in thanked and 'name="token"' not in thanked
    # The same visitor again: counted once.
    visitor.post(
        f"/embed/answers/{answer.pk}/helpful/", {"token": form_token(card), "helpful": "yes"}
    )
    assert Deflection.objects.count() == 1


def test_no_on_a_faq_card_is_recorded_without_a_deflection(staff, entry) -> None:
    key = feedback_key(staff)
    card = browser().get(f"/embed/faq/{entry.slug}/?client={key.prefix}").content.decode()
    response = browser().post(
        f"/embed/faq/{entry.slug}/helpful/", {"token": form_token(card), "helpful": "no"}
    )
    assert response.status_code == 303
    visit = SupportVisit.objects.get()
    assert visit.outcome == SupportVisit.Outcome.NOT_HELPED
    assert visit.items.get().item_kind == ItemKind.FAQ
    assert not Deflection.objects.exists()


def test_yes_on_a_faq_card_credits_the_entry(staff, entry) -> None:
    key = feedback_key(staff)
    token = card_token(key, ItemKind.FAQ, entry.pk)
    browser().post(f"/embed/faq/{entry.slug}/helpful/", {"token": token, "helpful": "yes"})
    assert Deflection.objects.get().item_id == entry.pk


def test_a_forged_stale_or_misdirected_card_form_is_refused(staff, answer) -> None:
    key = feedback_key(staff)
    url = f"/embed/answers/{answer.pk}/helpful/"
    other = AnswerFactory()
    for data in (
        {"helpful": "yes"},  # no token
        {"helpful": "yes", "token": "forged"},
        {"helpful": "yes", "token": card_token(key, ItemKind.ANSWER, other.pk)},  # another item
        {"helpful": "maybe", "token": card_token(key, ItemKind.ANSWER, answer.pk)},
    ):
        response = browser().post(url, data)
        assert response.status_code == 400, data
        assert "reload the card" in response.content.decode()
    services.api_key_revoke(staff=staff, key=key)
    revoked = browser().post(
        url, {"helpful": "yes", "token": card_token(key, ItemKind.ANSWER, answer.pk)}
    )
    assert revoked.status_code == 400
    assert not SupportVisit.objects.exists()


def test_oembed_embeds_a_faq_entry(settings, entry) -> None:
    settings.SITE_URL = "http://testserver"
    url = quote(f"http://testserver{entry.get_absolute_url()}")
    response = APIClient().get(f"/api/v1/oembed?url={url}&client=abcd1234")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["title"] == "How do I reset my lamp?"
    assert data["author_name"] == entry.attributed_to.public_name
    assert f'src="http://testserver/embed/faq/{entry.slug}/?client=abcd1234"' in data["html"]
    FaqEntry.objects.filter(pk=entry.pk).update(status=FaqStatus.DRAFT)
    problem(APIClient().get(f"/api/v1/oembed?url={url}"), 404)


def test_faq_pages_link_their_oembed(client, entry) -> None:
    html = client.get(entry.get_absolute_url()).content.decode()
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    assert link is not None
    assert APIClient().get(link.group(1).replace("&amp;", "&")).status_code == 200
