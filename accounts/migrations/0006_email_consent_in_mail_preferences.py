"""Notification e-mail consent: one source of truth, the member's mail preferences.

``User.email_notifications`` (the privacy page's switch) and the per-kind
preferences of the e-mail settings page both said whether a member wanted
notification e-mail, and only the preferences were obeyed. A member who had
turned the switch on without choosing any kind gets the kinds that switch now
turns on; choices made on the settings page stay as they are. The consent log
(privacy.Consent) already holds the switch's history.
"""

from django.db import migrations

# notifications.preferences.CONSENT_DEFAULTS when this migration was written.
CONSENT_KINDS = ("answer", "comment", "reply", "mention")


def carry_over(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    MailPreference = apps.get_model("notifications", "MailPreference")
    chose_kinds = MailPreference.objects.values("user_id")
    switched_on = (
        User.objects.filter(email_notifications=True)
        .exclude(pk__in=chose_kinds)
        .values_list("pk", flat=True)
    )
    MailPreference.objects.bulk_create(
        [
            MailPreference(user_id=pk, kind=kind, frequency="immediately")
            for pk in switched_on.iterator()
            for kind in CONSENT_KINDS
        ],
        batch_size=1000,
    )


def carry_back(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    MailPreference = apps.get_model("notifications", "MailPreference")
    wanting = MailPreference.objects.exclude(frequency="never").values("user_id")
    User.objects.filter(pk__in=wanting).update(email_notifications=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_profile_consent_login_history"),
        ("notifications", "0002_digestsent_follow_mailpreference"),
    ]

    operations = [
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveField(model_name="user", name="email_notifications"),
    ]
