"""Retention: login history holds no IP address and is purged after the period."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import LoginRecord
from privacy import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def test_log_in_records_a_pseudonymous_session_and_no_ip(client) -> None:
    UserFactory(username="dominique")
    client.post(
        "/accounts/login/",
        {"login": "dominique", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0",
    )
    record = LoginRecord.objects.get()
    assert record.browser == "Firefox" and record.method == "password"
    session_key = client.session.session_key
    assert len(record.session) == 16 and record.session not in session_key
    stored = " ".join(str(v) for v in LoginRecord.objects.values().get().values())
    assert "203.0.113" not in stored and "Mozilla" not in stored


def test_old_login_history_is_purged_by_the_scheduled_command(settings) -> None:
    settings.PRIVACY = {**settings.PRIVACY, "LOG_RETENTION_DAYS": 30}
    member = UserFactory()
    old = LoginRecord.objects.create(
        user=member, session="a" * 16, method="password",
        created_at=timezone.now() - timedelta(days=31),
    )  # fmt: skip
    recent = LoginRecord.objects.create(
        user=member, session="b" * 16, method="password",
        created_at=timezone.now() - timedelta(days=29),
    )  # fmt: skip
    call_command("privacy_run")
    assert list(LoginRecord.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not LoginRecord.objects.filter(pk=old.pk).exists()
    assert services.logs_purge()["login_history"] == 0
