"""A member's e-mail preferences, one frequency per kind of notification."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .kinds import KINDS
from .models import Frequency, MailPreference


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
    never = [kind for kind, frequency in frequencies.items() if frequency == Frequency.NEVER]
    MailPreference.objects.filter(user_id=user.pk, kind__in=never).delete()
    for kind, frequency in frequencies.items():
        if frequency != Frequency.NEVER:
            MailPreference.objects.update_or_create(
                user_id=user.pk, kind=kind, defaults={"frequency": frequency}
            )
    return mail_preferences(user)


@transaction.atomic
def mail_unsubscribe(*, user_id: int, kind: str) -> int:
    """Stop e-mail for one kind, or for every kind when ``kind`` is ""; return
    how many preferences changed (0 when already off)."""
    rows = MailPreference.objects.filter(user_id=user_id).exclude(frequency=Frequency.NEVER)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.delete()[0]
