"""A member's e-mail preferences, one frequency per kind of notification.

They are the one record of whether a member wants notification e-mail at all:
every change goes through here, and each time a member goes from no e-mail to
some (or back) the consent log gets a row (privacy.services.email_consent_log).
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from privacy.services import email_consent_log

from .kinds import KINDS
from .models import Frequency, MailPreference

# What "send me e-mail notifications" turns on (at sign-up or on the privacy
# page): news about the member's own posts, at once. The e-mail settings page
# fine-tunes it.
CONSENT_DEFAULTS: dict[str, str] = {
    "answer": Frequency.IMMEDIATELY,
    "comment": Frequency.IMMEDIATELY,
    "reply": Frequency.IMMEDIATELY,
    "mention": Frequency.IMMEDIATELY,
}


def mail_consented(user: Any) -> bool:
    """Whether the member wants any notification e-mail."""
    return _wants_mail(user.pk)


def _wants_mail(user_id: int) -> bool:
    return (
        MailPreference.objects.filter(user_id=user_id).exclude(frequency=Frequency.NEVER).exists()
    )


def _log_consent_change(user_id: int, before: bool) -> None:
    after = _wants_mail(user_id)
    if after != before:
        email_consent_log(user_id=user_id, granted=after)


def mail_preferences(user: Any) -> dict[str, str]:
    """Every kind with the member's frequency for it (never when unset)."""
    chosen = dict(MailPreference.objects.filter(user_id=user.pk).values_list("kind", "frequency"))
    return {kind: chosen.get(kind, Frequency.NEVER) for kind in KINDS}


@transaction.atomic
def mail_preferences_set(*, user: Any, frequencies: Mapping[str, str]) -> dict[str, str]:
    """Set the member's frequency for each kind given; "never" removes the row."""
    errors = {
        kind: _("Choose immediately, daily, weekly or never.")
        for kind, frequency in frequencies.items()
        if frequency not in Frequency.values
    }
    errors |= {
        kind: _("There is no such notification.") for kind in frequencies if kind not in KINDS
    }
    if errors:
        raise ValidationError(errors)
    before = _wants_mail(user.pk)
    never = [kind for kind, frequency in frequencies.items() if frequency == Frequency.NEVER]
    MailPreference.objects.filter(user_id=user.pk, kind__in=never).delete()
    for kind, frequency in frequencies.items():
        if frequency != Frequency.NEVER:
            MailPreference.objects.update_or_create(
                user_id=user.pk, kind=kind, defaults={"frequency": frequency}
            )
    _log_consent_change(user.pk, before)
    return mail_preferences(user)


@transaction.atomic
def mail_consent_set(*, user: Any, granted: bool) -> None:
    """The one switch for notification e-mail (sign-up form, privacy page): on
    sets ``CONSENT_DEFAULTS`` unless the member already gets some e-mail; off
    stops every kind."""
    if not granted:
        mail_unsubscribe(user_id=user.pk, kind="")
    elif not _wants_mail(user.pk):
        mail_preferences_set(user=user, frequencies=CONSENT_DEFAULTS)


@transaction.atomic
def mail_unsubscribe(*, user_id: int, kind: str) -> int:
    """Stop e-mail for one kind, or for every kind when ``kind`` is ""; return
    how many preferences changed (0 when already off)."""
    before = _wants_mail(user_id)
    rows = MailPreference.objects.filter(user_id=user_id).exclude(frequency=Frequency.NEVER)
    if kind:
        rows = rows.filter(kind=kind)
    changed = rows.delete()[0]
    _log_consent_change(user_id, before)
    return changed
