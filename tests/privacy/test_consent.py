"""Consent: asked again when the policy version changes; e-mail consent separate."""

import re

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


def _switch_on(client) -> bool:
    page = client.get("/accounts/privacy/").content.decode()
    return bool(re.search(r'<input[^>]*name="email_notifications"[^>]*checked', page))


def test_email_notifications_consent_is_separate_and_logged(client) -> None:
    from notifications.preferences import CONSENT_DEFAULTS, mail_consented, mail_preferences

    member = UserFactory()
    assert mail_consented(member) is False
    client.force_login(member)
    client.post("/accounts/privacy/email/", {"email_notifications": "on"})
    assert mail_consented(member) is True
    chosen = {kind: f for kind, f in mail_preferences(member).items() if f != "never"}
    assert chosen == CONSENT_DEFAULTS
    assert _switch_on(client)
    client.post("/accounts/privacy/email/", {})
    assert mail_consented(member) is False
    assert list(
        Consent.objects.filter(user=member).order_by("pk").values_list("kind", "granted")
    ) == [("email_notifications", True), ("email_notifications", False)]


def test_the_privacy_switch_and_the_mail_settings_are_one_choice(client) -> None:
    """Choosing a kind on the e-mail settings page is the consent the privacy
    page shows; stopping every kind there (or by one-click unsubscribe) is
    withdrawing it. Each change of the overall answer is logged once."""
    from notifications import mail
    from notifications.kinds import KINDS
    from notifications.preferences import mail_consented

    member = UserFactory()
    client.force_login(member)
    never = dict.fromkeys(KINDS, "never")
    client.post("/notifications/settings/", {**never, "badge": "weekly"})
    assert mail_consented(member) is True
    assert _switch_on(client)
    # Turning the switch on again keeps the member's own choice.
    client.post("/accounts/privacy/email/", {"email_notifications": "on"})
    assert dict(member.mail_preferences.values_list("kind", "frequency")) == {"badge": "weekly"}
    client.post(f"/notifications/unsubscribe/{mail.unsubscribe_token(member.pk, '')}/")
    assert mail_consented(member) is False
    assert not _switch_on(client)
    assert list(
        Consent.objects.filter(user=member).order_by("pk").values_list("granted", flat=True)
    ) == [True, False]


def test_mail_goes_only_to_members_who_chose_it(mailoutbox) -> None:
    from notifications.mail import mail_send_due
    from notifications.preferences import mail_consent_set
    from qa import services as qa
    from tests.factories import QuestionFactory

    asker, silent, helper = UserFactory(), UserFactory(), UserFactory()
    mail_consent_set(user=asker, granted=True)
    for author in (asker, silent):
        question = QuestionFactory(author=author)
        qa.answer_post(
            author=helper, question=question, body=f"Hold the switch for ten seconds, {author}."
        )
    mail_send_due()
    assert [m.to for m in mailoutbox] == [[asker.email]]
