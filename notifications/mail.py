"""E-mail for notifications, sent by a worker after commit (``notifications_send``).

Each pending notification is mailed according to its recipient's preference
for its kind: at once, in a daily or weekly digest, or never (no preference
row means never: e-mail is off until the member opts in). Rows are claimed in
a transaction with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite serialises
writers), mailed, and marked sent in that transaction: a crash before commit
leaves them pending, so a notification is mailed at least once, and never lost.
Every message has plain-text and HTML parts and a one-click unsubscribe
(RFC 8058: ``List-Unsubscribe`` with ``List-Unsubscribe-Post``).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from entraide.links import link

from .kinds import KINDS
from .models import DigestSent, Frequency, MailPreference, MailState, Notification
from .templatetags.notification_tags import message_text

logger = logging.getLogger("notifications.mail")

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
ALL_KINDS = ""  # the unsubscribe token of a digest: every kind
DIGEST_PERIODS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}
DIGEST_MAX_ITEMS = 50


def unsubscribe_token(user_id: int, kind: str = ALL_KINDS) -> str:
    """A signed, non-expiring token naming the member and the kind (or all)."""
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str]:
    """The (user id, kind) a token names; ``signing.BadSignature`` when forged."""
    value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not (value[1] == ALL_KINDS or value[1] in KINDS)
    ):
        raise signing.BadSignature("Not an unsubscribe token.")
    return value[0], value[1]


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _preference(frequency: str) -> Exists:
    return Exists(
        MailPreference.objects.filter(
            user_id=OuterRef("recipient_id"), kind=OuterRef("kind"), frequency=frequency
        )
    )


def _wanted() -> Exists:
    return Exists(
        MailPreference.objects.filter(
            user_id=OuterRef("recipient_id"), kind=OuterRef("kind")
        ).exclude(frequency=Frequency.NEVER)
    )


def _pending() -> QuerySet[Notification]:
    return Notification.objects.filter(mail_state=MailState.PENDING)


def _claim(rows: QuerySet[Notification], limit: int) -> list[Notification]:
    """Lock the first ``limit`` of ``rows`` for this transaction, skipping those
    another worker holds."""
    rows = rows.select_related("recipient", "actor").order_by("created_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return list(rows[:limit])


def _mark_sent(rows: list[Notification], now: datetime) -> None:
    Notification.objects.filter(pk__in=[row.pk for row in rows]).update(
        mail_state=MailState.SENT, mailed_at=now
    )


def _message(
    recipient: User, subject: str, template: str, context: dict[str, Any], kind: str
) -> EmailMultiAlternatives:
    token = unsubscribe_token(recipient.pk, kind)
    unsubscribe = absolute(link("notifications:unsubscribe", token=token))
    context = {
        **context,
        "recipient": recipient,
        "site_url": settings.SITE_URL.rstrip("/"),
        "unsubscribe_url": unsubscribe,
        "settings_url": absolute(link("notifications:settings")),
        "kind_label": KINDS[kind].label if kind else _("any notification"),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"notifications/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(
        render_to_string(f"notifications/email/{template}.html", context), "text/html"
    )
    return message


def _item(notification: Notification) -> dict[str, Any]:
    return {
        "notification": notification,
        "line": message_text(notification),
        "url": absolute(link("notifications:open", pk=notification.pk)),
    }


@dataclass
class MailRun:
    skipped: int = 0
    sent: int = 0
    digests: int = 0
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.sent} e-mail(s) sent at once, {self.digests} digest(s), "
            f"{self.skipped} notification(s) not wanted by e-mail, {len(self.failed)} failure(s)"
        )


def mail_skip_unwanted() -> int:
    """Mark pending notifications nobody wants by e-mail as skipped (one UPDATE)."""
    unwanted = Q(~_wanted()) | Q(recipient__is_active=False) | Q(recipient__email="")
    ids = _pending().filter(unwanted).values("pk")
    return Notification.objects.filter(pk__in=ids).update(mail_state=MailState.SKIPPED)


def mail_send_immediate(*, batch: int = 100, now: datetime | None = None) -> MailRun:
    """Mail each pending notification whose recipient wants its kind at once."""
    run = MailRun()
    while True:
        with transaction.atomic():
            rows = _claim(_pending().filter(_preference(Frequency.IMMEDIATELY)), batch)
            if not rows:
                return run
            sent: list[Notification] = []
            for row in rows:
                try:
                    _send_one(row)
                except Exception as error:  # SMTP trouble: stays pending, retried next run
                    logger.exception("mailing notification %s failed", row.pk)
                    run.failed.append(f"{row.pk}: {error}")
                    break
                sent.append(row)
            _mark_sent(sent, now or timezone.now())
            run.sent += len(sent)
            if run.failed:
                return run


def _send_one(notification: Notification) -> None:
    recipient = notification.recipient
    with translation.override(recipient.preferred_language):
        line = message_text(notification)
        _message(
            recipient,
            f"[Entraide] {line}"[:180],
            "notification",
            {**_item(notification), "body": notification.body},
            notification.kind,
        ).send()


def mail_send_digests(*, now: datetime | None = None) -> MailRun:
    """Send each member who wants them a daily or weekly digest of the pending
    notifications of those kinds, at most one per period."""
    now = now or timezone.now()
    run = MailRun()
    for frequency, period in DIGEST_PERIODS.items():
        recent = DigestSent.objects.filter(
            user_id=OuterRef("recipient_id"), frequency=frequency, sent_at__gt=now - period
        )
        due = (
            _pending()
            .filter(_preference(frequency))
            .exclude(Exists(recent))
            .values_list("recipient_id", flat=True)
            .distinct()
        )
        for recipient_id in list(due):
            try:
                if _send_digest(recipient_id, frequency, now):
                    run.digests += 1
            except Exception as error:
                logger.exception("the %s digest of member %s failed", frequency, recipient_id)
                run.failed.append(f"{frequency} digest of {recipient_id}: {error}")
                return run
    return run


@transaction.atomic
def _send_digest(recipient_id: int, frequency: str, now: datetime) -> bool:
    rows = _claim(
        _pending().filter(_preference(frequency), recipient_id=recipient_id), DIGEST_MAX_ITEMS
    )
    if not rows:
        return False
    recipient = rows[0].recipient
    with translation.override(recipient.preferred_language):
        subject = (
            _("[Entraide] Your daily digest: %(n)d new")
            if frequency == Frequency.DAILY
            else _("[Entraide] Your weekly digest: %(n)d new")
        ) % {"n": len(rows)}
        _message(
            recipient,
            subject,
            "digest",
            {"items": [_item(row) for row in rows], "frequency": frequency},
            ALL_KINDS,
        ).send()
    _mark_sent(rows, now)
    DigestSent.objects.create(
        user_id=recipient_id, frequency=frequency, sent_at=now, notification_count=len(rows)
    )
    return True


def mail_send_due(*, now: datetime | None = None) -> MailRun:
    """One pass of the worker: skip the unwanted, mail the immediate, send due digests."""
    skipped = mail_skip_unwanted()
    immediate = mail_send_immediate(now=now)
    digests = mail_send_digests(now=now)
    return MailRun(
        skipped=skipped,
        sent=immediate.sent,
        digests=digests.digests,
        failed=immediate.failed + digests.failed,
    )
