"""Staff put a member in the spotlight, or end it early."""

from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Spotlight
from .selectors import spotlight_cache_keys

SPOTLIGHT_DAYS = 7
REASON_MAX = 300


def _staff(user: Any) -> None:
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDenied(_("Only staff can choose the spotlight."))


@transaction.atomic
def spotlight_set(
    *, staff: Any, username: str, reason: str, days: int = SPOTLIGHT_DAYS
) -> Spotlight:
    """Put a member in the home page's spotlight for ``days`` days, with why."""
    _staff(staff)
    errors: dict[str, str] = {}
    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None:
        errors["username"] = _("There is no active member with this username.")
    reason = " ".join((reason or "").split())
    if not reason:
        errors["reason"] = _("Say why the community should know this member.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("At most %(max)d characters (you wrote %(len)d).") % {
            "max": REASON_MAX,
            "len": len(reason),
        }
    if not 1 <= days <= 60:
        errors["days"] = _("A spotlight lasts 1 to 60 days.")
    if errors or user is None:
        raise ValidationError(errors)
    now = timezone.now()
    # One spotlight at a time: the new one ends the running one.
    Spotlight.objects.filter(starts_at__lte=now, ends_at__gt=now).update(ends_at=now)
    spotlight = Spotlight.objects.create(
        user=user, reason=reason, chosen_by=staff, starts_at=now, ends_at=now + timedelta(days=days)
    )
    transaction.on_commit(lambda: cache.delete_many(spotlight_cache_keys()))
    return spotlight


@transaction.atomic
def spotlight_end(*, staff: Any) -> int:
    """End the running spotlight now (the suggestion takes its place)."""
    _staff(staff)
    now = timezone.now()
    ended = Spotlight.objects.filter(starts_at__lte=now, ends_at__gt=now).update(ends_at=now)
    transaction.on_commit(lambda: cache.delete_many(spotlight_cache_keys()))
    return ended
