"""Suspensions, private moderator messages and the blocked-terms list."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from entraide.errors import ApplicationError
from entraide.links import link
from entraide.rendering import render_markdown
from notifications.services import notify
from qa.permissions import require

from .. import permissions
from ..log import log_action
from ..models import ActionType, BlockedTerm, BlockedTermKind, ModeratorMessage, Suspension


@transaction.atomic
def user_suspend(*, moderator: Any, user: User, days: int, reason: str) -> Suspension:
    """Suspend ``user`` for ``days``: they read but cannot write, and see why.

    A new suspension replaces a running one (its end is what counts).
    """
    require(permissions.can_staff(moderator))
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the reason; the member sees it.")
    elif len(reason) > 500:
        errors["reason"] = _("Keep the reason under 500 characters.")
    max_days = int(settings.MODERATION["SUSPENSION_MAX_DAYS"])
    if not isinstance(days, int) or not 1 <= days <= max_days:
        errors["days"] = _("Suspend for 1 to %(max)d days.") % {"max": max_days}
    if errors:
        raise ValidationError(errors)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.pk == moderator.pk:
        raise ValidationError(_("You cannot suspend yourself."))
    if user.is_staff:
        raise ValidationError(_("Staff accounts cannot be suspended; remove the staff role first."))
    now = timezone.now()
    Suspension.objects.filter(user=user, lifted_at__isnull=True, ends_at__gt=now).update(
        lifted_at=now, lifted_by=moderator
    )
    suspension = Suspension.objects.create(
        user=user,
        reason=reason,
        starts_at=now,
        ends_at=now + timedelta(days=days),
        created_by=moderator,
    )
    User.objects.filter(pk=user.pk).update(
        suspended_until=suspension.ends_at, suspension_reason=reason
    )
    log_action(
        actor=moderator,
        action=ActionType.USER_SUSPENDED,
        reason=_("%(days)d day(s): %(reason)s") % {"days": days, "reason": reason},
        user=user,
    )
    return suspension


@transaction.atomic
def user_unsuspend(*, moderator: Any, user: User, reason: str = "") -> None:
    require(permissions.can_staff(moderator))
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_suspended:
        raise ApplicationError(_("This member is not suspended."), code="not_suspended")
    now = timezone.now()
    Suspension.objects.filter(user=user, lifted_at__isnull=True, ends_at__gt=now).update(
        lifted_at=now, lifted_by=moderator
    )
    User.objects.filter(pk=user.pk).update(suspended_until=None, suspension_reason="")
    log_action(
        actor=moderator,
        action=ActionType.USER_UNSUSPENDED,
        reason=reason or _("Suspension lifted"),
        user=user,
    )


@transaction.atomic
def moderator_message_send(
    *, moderator: Any, recipient: User, subject: str, body: str
) -> ModeratorMessage:
    """Send a private message from the moderators; the member sees it in
    their inbox and a notice on every page until they read it."""
    require(permissions.can_moderate(moderator))
    subject, body = (subject or "").strip(), (body or "").strip()
    errors = {}
    if not subject:
        errors["subject"] = _("Give the message a subject.")
    if len(body) < 10:
        errors["body"] = _("Write the message (at least 10 characters).")
    if errors:
        raise ValidationError(errors)
    if recipient.pk == moderator.pk:
        raise ValidationError(_("You cannot send a moderator message to yourself."))
    message = ModeratorMessage.objects.create(
        recipient=recipient,
        sender=moderator,
        subject=subject[:150],
        body_source=body,
        body_html=render_markdown(body),
    )
    User.objects.filter(pk=recipient.pk).update(
        unread_moderator_messages=F("unread_moderator_messages") + 1
    )
    log_action(actor=moderator, action=ActionType.MESSAGE_SENT, reason=subject, user=recipient)
    notify(
        recipient,
        "moderator_message",
        moderator,
        title=message.subject,
        url=link("moderation:message_detail", pk=message.pk),
    )
    return message


@transaction.atomic
def moderator_message_read(*, reader: Any, message: ModeratorMessage) -> ModeratorMessage:
    """Mark a message read by its recipient (once; reading again changes nothing)."""
    if message.recipient_id != reader.pk:
        raise ValidationError(_("This message is not yours."))
    marked = ModeratorMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        User.objects.filter(pk=reader.pk, unread_moderator_messages__gt=0).update(
            unread_moderator_messages=F("unread_moderator_messages") - 1
        )
    message.refresh_from_db()
    return message


def _clean_term(kind: str, value: str) -> str:
    value = (value or "").strip().lower()
    if kind not in BlockedTermKind.values:
        raise ValidationError({"kind": _("Choose a word or a domain.")})
    if not value:
        raise ValidationError({"value": _("Enter the word, phrase or domain to block.")})
    if kind == BlockedTermKind.DOMAIN:
        value = value.removeprefix("https://").removeprefix("http://").split("/")[0]
        if "." not in value or " " in value:
            raise ValidationError({"value": _("Enter a domain such as spam.example.")})
    if len(value) > 100:
        raise ValidationError({"value": _("Keep it under 100 characters.")})
    return value


@transaction.atomic
def blocked_term_add(*, moderator: Any, kind: str, value: str) -> BlockedTerm:
    require(permissions.can_staff(moderator))
    value = _clean_term(kind, value)
    try:
        with transaction.atomic():
            term = BlockedTerm.objects.create(kind=kind, value=value, created_by=moderator)
    except IntegrityError:
        raise ApplicationError(_("“%(v)s” is blocked already.") % {"v": value}) from None
    log_action(actor=moderator, action=ActionType.BLOCKED_TERM_ADDED, reason=f"{kind}: {value}")
    return term


@transaction.atomic
def blocked_term_remove(*, moderator: Any, term: BlockedTerm) -> None:
    require(permissions.can_staff(moderator))
    deleted, _rows = BlockedTerm.objects.filter(pk=term.pk).delete()
    if deleted:
        log_action(
            actor=moderator,
            action=ActionType.BLOCKED_TERM_REMOVED,
            reason=f"{term.kind}: {term.value}",
        )
