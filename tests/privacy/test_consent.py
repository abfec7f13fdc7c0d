"""Consent: asked again when the policy version changes; e-mail consent separate."""

import pytest

from privacy.models import Consent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_policy_version_asks_members_again(client, settings) -> None:
    member = UserFactory()
    client.force_login(member)
    assert client.get("/questions/").status_code == 200
    settings.PRIVACY = {**settings.PRIVACY, "PRIVACY_VERSION": "2027-01-01"}

    response = client.get("/questions/?sort=newest")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/privacy/consent/?next=")
    page = client.get(response["Location"])
    assert "Our terms have changed" in page.content.decode()
    # Refusing is not an option that lets them through.
    assert client.post("/accounts/privacy/consent/", {"next": "/questions/"}).status_code == 400
    response = client.post(
        "/accounts/privacy/consent/", {"accept_policies": "on", "next": "/questions/?sort=newest"}
    )
    assert response.status_code == 302 and response["Location"] == "/questions/?sort=newest"
    assert client.get("/questions/").status_code == 200
    assert Consent.objects.filter(user=member, kind="privacy", version="2027-01-01").exists()


def test_consent_page_does_not_redirect_elsewhere(client) -> None:
    member = UserFactory(terms_version="")
    client.force_login(member)
    response = client.post(
        "/accounts/privacy/consent/", {"accept_policies": "on", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_visitors_and_policy_pages_are_never_blocked(client) -> None:
    assert client.get("/questions/").status_code == 200
    member = UserFactory(terms_version="")
    client.force_login(member)
    assert client.get("/terms/").status_code == 200
    assert client.get("/privacy/").status_code == 200


def test_email_notifications_consent_is_separate_and_logged(client) -> None:
    member = UserFactory()
    assert member.email_notifications is False
    client.force_login(member)
    client.post("/accounts/privacy/email/", {"email_notifications": "on"})
    member.refresh_from_db()
    assert member.email_notifications is True
    client.post("/accounts/privacy/email/", {})
    member.refresh_from_db()
    assert member.email_notifications is False
    assert list(
        Consent.objects.filter(user=member).order_by("pk").values_list("kind", "granted")
    ) == [("email_notifications", True), ("email_notifications", False)]
