"""A honeypot field and a minimum fill time for sign-up and posting forms.

A form carries a signed timestamp of when it was shown and an empty field
hidden from people; a submission that fills the hidden field, or comes back
faster than a person could type, is refused. The token is signed, so a bot
cannot forge an older one.
"""

import time

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_SALT = "moderation.form-timing"
# Tokens older than this are still accepted (a long answer takes a while);
# they only need to be genuine.
_MAX_AGE = 7 * 24 * 3600


def form_token(now: float | None = None) -> str:
    return signing.dumps(now if now is not None else time.time(), salt=_SALT)


def check_human(*, honeypot: str, token: str, now: float | None = None) -> None:
    """Raise ``ValidationError`` when the submission looks automated."""
    if honeypot:
        raise ValidationError(_("This form could not be sent. Please try again."))
    minimum = float(settings.MODERATION["FORM_MIN_FILL_SECONDS"])
    if minimum <= 0:
        return
    try:
        shown_at = float(signing.loads(token, salt=_SALT, max_age=_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        raise ValidationError(
            _("This form has expired or was changed. Please reload the page and try again.")
        ) from None
    elapsed = (now if now is not None else time.time()) - shown_at
    if elapsed < minimum:
        raise ValidationError(
            _(
                "That was very fast. Please take a moment to check what you wrote, "
                "then send it again."
            )
        )
