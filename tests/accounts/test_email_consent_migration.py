"""accounts 0006: the privacy page's e-mail switch folds into the mail preferences."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("accounts", "0005_profile_consent_login_history"),
    ("notifications", "0002_digestsent_follow_mailpreference"),
]
AFTER = [("accounts", "0006_email_consent_in_mail_preferences")]


@pytest.mark.django_db(transaction=True)
def test_existing_choices_are_carried_over() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    MailPreference = old.get_model("notifications", "MailPreference")
    switched_on = User.objects.create(
        username="on", email="on@example.com", email_notifications=True
    )
    chose_kinds = User.objects.create(
        username="chose", email="chose@example.com", email_notifications=True
    )
    MailPreference.objects.create(user=chose_kinds, kind="badge", frequency="weekly")
    settings_only = User.objects.create(username="settings", email="settings@example.com")
    MailPreference.objects.create(user=settings_only, kind="answer", frequency="daily")
    never_chose = User.objects.create(username="off", email="off@example.com")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    MailPreference = new.get_model("notifications", "MailPreference")

    def chosen(user) -> dict[str, str]:
        return dict(MailPreference.objects.filter(user_id=user.pk).values_list("kind", "frequency"))

    assert chosen(switched_on) == dict.fromkeys(
        ["answer", "comment", "reply", "mention"], "immediately"
    )
    assert chosen(chose_kinds) == {"badge": "weekly"}  # their own choice stands
    assert chosen(settings_only) == {"answer": "daily"}
    assert chosen(never_chose) == {}
    assert "email_notifications" not in {
        f.name for f in new.get_model("accounts", "User")._meta.get_fields()
    }

    # And back: the switch is on exactly for the members who get some e-mail.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    User = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    on = set(User.objects.filter(email_notifications=True).values_list("username", flat=True))
    assert on == {"on", "chose", "settings"}
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
