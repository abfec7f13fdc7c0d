"""Sign-up, e-mail verification, log-in and log-out (django-allauth)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail

from accounts.models import User
from notifications.preferences import mail_consented
from privacy.models import Consent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase"


def sign_up(client, **overrides):
    data = {
        "username": "camille",
        "email": "camille@example.com",
        "display_name": "Camille D.",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_policies": "on",
    }
    data.update(overrides)
    return client.post("/accounts/signup/", {k: v for k, v in data.items() if v is not None})


def link_in_last_mail(path_pattern: str) -> str:
    match = re.search(
        rf"https?://testserver(/accounts/{path_pattern}/[^\s]+/)", str(mail.outbox[-1].body)
    )
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_sign_up_sends_a_verification_link_that_logs_in(client) -> None:
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(username="camille")
    assert user.public_name == "Camille D." and user.reputation == 1
    # Not logged in, and the address is not verified, until the link is followed.
    assert client.get("/").context["user"].is_anonymous
    assert not EmailAddress.objects.get(user=user).verified
    assert mail.outbox[-1].to == ["camille@example.com"]

    link = link_in_last_mail("confirm-email")
    assert client.get(link).status_code == 200  # a page with a button: GET changes nothing
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/").context["user"] == user
    assert b"Camille D." in client.get("/").content


def test_a_forged_verification_link_is_refused(client) -> None:
    sign_up(client)
    response = client.post("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code in (302, 404) or b"expired or is invalid" in response.content
    assert not EmailAddress.objects.get(email="camille@example.com").verified


def test_unverified_member_cannot_log_in_until_verified(client) -> None:
    sign_up(client)
    response = client.post("/accounts/login/", {"login": "camille", "password": PASSWORD})
    # allauth sends a fresh link instead of logging in.
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert client.get("/").context["user"].is_anonymous


def test_sign_up_records_consent_with_versions_and_email_notifications_stay_off(client) -> None:
    sign_up(client)
    user = User.objects.get(username="camille")
    assert user.terms_version == settings.PRIVACY["TERMS_VERSION"]
    assert user.privacy_version == settings.PRIVACY["PRIVACY_VERSION"]
    assert mail_consented(user) is False
    consents = set(Consent.objects.filter(user=user).values_list("kind", "version", "granted"))
    assert consents == {
        ("terms", settings.PRIVACY["TERMS_VERSION"], True),
        ("privacy", settings.PRIVACY["PRIVACY_VERSION"], True),
    }


def test_email_notifications_chosen_at_sign_up_are_recorded(client) -> None:
    sign_up(client, email_notifications="on")
    user = User.objects.get(username="camille")
    assert mail_consented(user) is True
    assert Consent.objects.filter(user=user, kind="email_notifications", granted=True).exists()


def test_sign_up_without_accepting_the_policies_is_refused_next_to_the_field(client) -> None:
    response = sign_up(client, accept_policies=None)
    assert response.status_code == 400
    assert "accept the terms" in str(response.context["form"].errors["accept_policies"])
    assert not User.objects.filter(username="camille").exists()


def test_sign_up_takes_the_browser_language(client) -> None:
    client.post(
        "/accounts/signup/",
        {
            "username": "camille",
            "email": "camille@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "accept_policies": "on",
        },
        HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9",
    )
    assert User.objects.get(username="camille").preferred_language == "fr"


def test_e_mail_must_be_unique_whatever_its_case(client) -> None:
    UserFactory(email="sam@example.com")
    response = sign_up(client, username="sam2", email="SAM@example.com")
    # No second account; the owner of the address is told by e-mail rather than
    # the form telling a stranger that the address has an account.
    assert response.status_code == 302
    assert not User.objects.filter(username="sam2").exists()
    assert mail.outbox[-1].to == ["SAM@example.com"] or mail.outbox[-1].to == ["sam@example.com"]
    assert "already" in mail.outbox[-1].body.lower()


def test_sign_up_errors_are_shown_with_400(client) -> None:
    response = client.post("/accounts/signup/", {"username": "", "email": "nope"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) >= {"username", "email", "password1"}


def test_log_in_with_username_or_email_and_log_out(client) -> None:
    UserFactory(username="dominique", email="dom@example.com", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": "dominique", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "dominique"
    client.post("/accounts/logout/")
    assert b"Log in" in client.get("/").content
    response = client.post("/accounts/login/", {"login": "dom@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"].username == "dominique"


def test_wrong_password_is_a_400_with_a_message(client) -> None:
    UserFactory(username="dominique", password=PASSWORD)
    response = client.post("/accounts/login/", {"login": "dominique", "password": "wrong"})
    assert response.status_code == 400
    assert b"not correct" in response.content


def test_repeated_failures_lock_the_account_with_a_clear_message(client, settings) -> None:
    UserFactory(username="dominique", password=PASSWORD)
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT):
        response = client.post("/accounts/login/", {"login": "dominique", "password": "guess"})
        assert response.status_code == 400
    # Locked: even the right password is refused for the rest of the window.
    response = client.post("/accounts/login/", {"login": "dominique", "password": PASSWORD})
    assert response.status_code == 429
    assert "this account is locked for 15 minutes" in response.content.decode()
    assert client.get("/").context["user"].is_anonymous


def test_the_lock_out_message_is_in_the_visitors_language(client, settings) -> None:
    UserFactory(username="dominique", password=PASSWORD)
    for _ in range(settings.LOGIN_FAILURES_PER_ACCOUNT + 1):
        response = client.post(
            "/accounts/login/",
            {"login": "dominique", "password": "guess"},
            HTTP_ACCEPT_LANGUAGE="fr",
        )
    assert response.status_code == 429
    assert "ce compte est verrouillé pendant 15 minutes" in response.content.decode()


def test_log_in_page_is_where_the_old_urls_were(client) -> None:
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/signup/").status_code == 200
    page = client.get("/questions/ask/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
