"""E-mail: per-kind preferences (off by default), immediate mail and digests
sent by the worker after commit, plain-text and HTML parts, one-click unsubscribe."""

from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.core import signing
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from notifications import mail
from notifications.models import DigestSent, Frequency, MailPreference, MailState, Notification
from notifications.preferences import mail_preferences, mail_preferences_set
from notifications.services import notify
from qa import services
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Hold the reset button for ten seconds, then log in again."


def _notify(recipient, kind: str = "answer", title: str = "Router drops", **extra):
    with transaction.atomic():
        return notify(
            recipient, kind, UserFactory(display_name="Ana"), title=title, url="/q/1/x/", **extra
        )


def _html(message) -> str:
    return message.alternatives[0][0]


def _wants(user, kind: str, frequency: str) -> None:
    mail_preferences_set(user=user, frequencies={kind: frequency})


def test_e_mail_is_off_until_the_member_opts_in() -> None:
    member = UserFactory()
    assert set(mail_preferences(member).values()) == {Frequency.NEVER}
    notification = _notify(member)
    run = mail.mail_send_due()
    assert outbox.outbox == [] and run.skipped == 1
    notification.refresh_from_db()
    assert notification.mail_state == MailState.SKIPPED


def test_answering_sends_nothing_during_the_request(client) -> None:
    question = QuestionFactory()
    _wants(question.author, "answer", Frequency.IMMEDIATELY)
    client.force_login(UserFactory())
    client.post(f"/questions/{question.pk}/answers/", {"body": BODY})
    assert outbox.outbox == []  # the worker sends it
    mail.mail_send_due()
    assert len(outbox.outbox) == 1


def test_an_immediate_e_mail_has_both_parts_and_one_click_unsubscribe(settings) -> None:
    settings.SITE_URL = "https://help.example.com"
    member = UserFactory(email="ana@example.com")
    _wants(member, "answer", Frequency.IMMEDIATELY)
    notification = _notify(member, title="Router <drops>")
    run = mail.mail_send_due()
    assert run.sent == 1
    (message,) = outbox.outbox
    assert message.to == ["ana@example.com"]
    assert message.subject == "[Entraide] Ana answered “Router <drops>”"
    assert f"https://help.example.com/notifications/{notification.pk}/" in message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html" and "Router &lt;drops&gt;" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<https://help.example.com/notifications/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe.strip("<>") in message.body and unsubscribe.strip("<>") in html
    notification.refresh_from_db()
    assert notification.mail_state == MailState.SENT and notification.mailed_at


def test_a_sent_notification_is_not_sent_again() -> None:
    member = UserFactory()
    _wants(member, "answer", Frequency.IMMEDIATELY)
    _notify(member)
    mail.mail_send_due()
    mail.mail_send_due()
    assert len(outbox.outbox) == 1


def test_preferences_are_per_kind() -> None:
    member = UserFactory()
    _wants(member, "badge", Frequency.IMMEDIATELY)
    _notify(member, "answer")
    _notify(member, "badge", title="Editor")
    mail.mail_send_due()
    assert [m.subject for m in outbox.outbox] == ["[Entraide] You earned the “Editor” badge"]


def test_inactive_members_and_members_without_an_address_get_nothing() -> None:
    gone, blank = UserFactory(is_active=False), UserFactory(email="")
    for member in (gone, blank):
        _wants(member, "answer", Frequency.IMMEDIATELY)
        _notify(member)
    assert mail.mail_send_due().skipped == 2 and outbox.outbox == []


def test_a_daily_digest_gathers_pending_notifications_once_a_day() -> None:
    member = UserFactory()
    _wants(member, "answer", Frequency.DAILY)
    _wants(member, "comment", Frequency.DAILY)
    _notify(member, "answer", title="First")
    _notify(member, "comment", title="Second")
    now = timezone.now()
    assert mail.mail_send_due(now=now).digests == 1
    (digest,) = outbox.outbox
    assert "daily digest: 2 new" in digest.subject
    assert "Ana answered “First”" in digest.body and "Ana commented on “Second”" in digest.body
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    _notify(member, "answer", title="Third")
    assert mail.mail_send_due(now=now + timedelta(hours=23)).digests == 0
    assert mail.mail_send_due(now=now + timedelta(hours=24, minutes=1)).digests == 1
    assert "Third" in outbox.outbox[1].body and "First" not in outbox.outbox[1].body
    assert DigestSent.objects.filter(user=member, frequency=Frequency.DAILY).count() == 2


def test_a_weekly_digest_waits_a_week() -> None:
    member = UserFactory()
    _wants(member, "answer", Frequency.WEEKLY)
    _notify(member)
    now = timezone.now()
    mail.mail_send_due(now=now)
    _notify(member)
    assert mail.mail_send_due(now=now + timedelta(days=6)).digests == 0
    assert mail.mail_send_due(now=now + timedelta(days=7, minutes=1)).digests == 1
    assert "weekly digest" in outbox.outbox[-1].subject


def test_a_failed_send_stays_pending_for_the_next_run(settings) -> None:
    member = UserFactory()
    _wants(member, "answer", Frequency.IMMEDIATELY)
    notification = _notify(member)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    run = mail.mail_send_due()
    assert run.sent == 0 and len(run.failed) == 1
    notification.refresh_from_db()
    assert notification.mail_state == MailState.PENDING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail.mail_send_due().sent == 1


def test_e_mail_is_written_in_the_members_language() -> None:
    member = UserFactory(preferred_language="fr")
    _wants(member, "answer", Frequency.DAILY)
    _notify(member)
    mail.mail_send_due()
    assert '<html lang="fr">' in _html(outbox.outbox[0])


def test_the_command_reports_what_it_did() -> None:
    member = UserFactory()
    _wants(member, "answer", Frequency.IMMEDIATELY)
    _notify(member)
    from io import StringIO

    out = StringIO()
    call_command("notifications_send", stdout=out)
    assert "1 e-mail(s) sent at once" in out.getvalue()


def test_the_scheduler_sends_mail() -> None:
    member = UserFactory()
    _wants(member, "answer", Frequency.IMMEDIATELY)
    _notify(member)
    call_command("run_scheduler", "--once")
    assert len(outbox.outbox) == 1


# Preferences and unsubscribe ---------------------------------------------------


def test_the_settings_page_saves_each_kinds_frequency(client) -> None:
    member = UserFactory()
    client.force_login(member)
    page = client.get("/notifications/settings/").content.decode()
    assert "Answers to my questions" in page and "Weekly digest" in page
    data = {kind: Frequency.NEVER for kind in mail_preferences(member)}
    data |= {"answer": Frequency.IMMEDIATELY, "badge": Frequency.WEEKLY}
    assert client.post("/notifications/settings/", data).status_code == 302
    assert dict(MailPreference.objects.values_list("kind", "frequency")) == {
        "answer": Frequency.IMMEDIATELY,
        "badge": Frequency.WEEKLY,
    }


def test_the_settings_page_refuses_a_bad_choice_next_to_the_field(client) -> None:
    member = UserFactory()
    client.force_login(member)
    data = {kind: Frequency.NEVER for kind in mail_preferences(member)} | {"answer": "hourly"}
    response = client.post("/notifications/settings/", data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not MailPreference.objects.exists()


def test_one_click_unsubscribe_stops_that_kind_without_a_session(client) -> None:
    member = UserFactory()
    _wants(member, "answer", Frequency.IMMEDIATELY)
    _wants(member, "badge", Frequency.IMMEDIATELY)
    url = f"/notifications/unsubscribe/{mail.unsubscribe_token(member.pk, 'answer')}/"
    # A GET (a link scanner, or a person) changes nothing.
    assert "Stop these e-mails?" in client.get(url).content.decode()
    assert MailPreference.objects.count() == 2
    # The mail client's RFC 8058 POST, with no cookie and no CSRF token.
    client.handler.enforce_csrf_checks = True
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "You are unsubscribed" in response.content.decode()
    assert list(MailPreference.objects.values_list("kind", flat=True)) == ["badge"]


def test_a_digests_unsubscribe_stops_every_kind(client) -> None:
    member = UserFactory()
    _wants(member, "answer", Frequency.DAILY)
    _wants(member, "badge", Frequency.WEEKLY)
    client.post(f"/notifications/unsubscribe/{mail.unsubscribe_token(member.pk)}/")
    assert not MailPreference.objects.exists()


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        signing.dumps([1, "answer"], salt="another.salt"),
        signing.dumps([1, "no-such-kind"], salt=mail.UNSUBSCRIBE_SALT),
    ],
)
def test_a_forged_unsubscribe_link_is_refused(client, token: str) -> None:
    member = UserFactory()
    _wants(member, "answer", Frequency.IMMEDIATELY)
    response = client.post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 400 and "This link does not work" in response.content.decode()
    assert MailPreference.objects.count() == 1


def test_followers_get_e_mail_for_followed_activity_when_they_want_it() -> None:
    question = QuestionFactory()
    follower = UserFactory()
    _wants(follower, "followed_answer", Frequency.IMMEDIATELY)
    from notifications.follows import follow_add

    follow_add(user=follower, question=question)
    services.answer_post(author=UserFactory(), question=question, body=BODY)
    mail.mail_send_due()
    assert [m.to for m in outbox.outbox] == [[follower.email]]
    assert Notification.objects.filter(mail_state=MailState.SENT).count() == 1
