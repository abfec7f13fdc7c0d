"""Write notifications inside the caller's transaction; mark them read.

``notify`` is the one seam other apps call: it only writes a row, in the
transaction of the event it reports, so a rolled-back event leaves no
notification and nothing is ever sent from inside a request. The mail worker
(``notifications.mail``) sends what the rows ask for after commit.
"""

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from accounts.models import User

from .kinds import kind_get
from .models import Notification

# At most this many members notified for the mentions in one post or comment,
# so a pasted list of names cannot page the whole community.
MAX_MENTIONS = 10
# "@name" not preceded by a word character (e-mail addresses are not mentions).
_MENTION_START = r"(?<![\w@.+-])@"
_MENTION = re.compile(_MENTION_START + r"([\w.+-]{2,150})")
# Code is quoted, not addressed: "@decorator" in a snippet mentions nobody.
_CODE = re.compile(r"```.*?(```|\Z)|~~~.*?(~~~|\Z)|`[^`\n]*`", re.DOTALL)


def mention_pattern(username: str) -> re.Pattern[str]:
    """A mention of exactly ``username`` (not of a longer name it begins)."""
    return re.compile(_MENTION_START + re.escape(username) + r"(?![\w.+-]*\w)", re.I)


def _id(user: Any) -> int | None:
    if user is None:
        return None
    return user if isinstance(user, int) else user.pk


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        # A row written outside the event's transaction could outlive a rollback.
        raise RuntimeError("notifications.services.notify must run inside the event's transaction")


def _row(
    recipient_id: int,
    kind: str,
    actor_id: int | None,
    target: models.Model | None,
    title: str | None,
    url: str | None,
    body: str,
) -> Notification:
    kind_get(kind)
    if url is None:
        if target is None or not hasattr(target, "get_absolute_url"):
            raise ValueError("notify needs a url when the target has no get_absolute_url()")
        url = target.get_absolute_url()
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"A notification links inside the site (“/…”), not to “{url}”.")
    return Notification(
        recipient_id=recipient_id,
        kind=kind,
        actor_id=actor_id,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        title=(title if title is not None else str(target or ""))[:200],
        url=url,
        body=body,
    )


def notify(
    recipient: Any,
    kind: str,
    actor: Any = None,
    target: models.Model | None = None,
    *,
    title: str | None = None,
    url: str | None = None,
    body: str = "",
) -> Notification | None:
    """Tell ``recipient`` (a user or an id) that ``kind`` happened.

    Must run inside the event's transaction. ``actor`` is who did it (none for
    the system); members are never notified of their own actions, which
    returns ``None``. ``title`` defaults to ``str(target)`` and ``url`` to
    ``target.get_absolute_url()``; ``url`` must be site-relative. ``body`` is
    plain text shown under the line (a moderator's message, a comment).
    """
    _require_transaction()
    recipient_id, actor_id = _id(recipient), _id(actor)
    if recipient_id is None or recipient_id == actor_id:
        return None
    row = _row(recipient_id, kind, actor_id, target, title, url, body)
    row.save()
    return row


def notify_many(
    recipients: Iterable[Any],
    kind: str,
    actor: Any = None,
    target: models.Model | None = None,
    *,
    title: str | None = None,
    url: str | None = None,
    body: str = "",
) -> set[int]:
    """``notify`` each of ``recipients`` once, in one insert; return their ids."""
    _require_transaction()
    actor_id = _id(actor)
    ids = {i for r in recipients if (i := _id(r)) is not None and i != actor_id}
    if not ids:
        return set()
    template = _row(0, kind, actor_id, target, title, url, body)
    copied = {field: getattr(template, field) for field in _COPIED}
    Notification.objects.bulk_create(
        Notification(recipient_id=recipient_id, **copied) for recipient_id in sorted(ids)
    )
    return ids


_COPIED = [
    field.attname
    for field in Notification._meta.concrete_fields
    if field.attname not in {"id", "recipient_id"}
]


def mentioned_usernames(text: str) -> list[str]:
    """The usernames "@name" mentions in Markdown ``text``, outside code, in order."""
    names: list[str] = []
    for match in _MENTION.finditer(_CODE.sub(" ", text)):
        name = match.group(1).rstrip(".-+")
        if len(name) >= 2 and name not in names:
            names.append(name)
    return names


def notify_mentions(
    *,
    text: str,
    actor: Any,
    target: models.Model,
    title: str,
    url: str,
    previous_text: str = "",
    exclude: Iterable[int] = (),
    body: str = "",
) -> set[int]:
    """Notify the active members ``text`` mentions (at most ``MAX_MENTIONS``).

    An edit passes the text it replaces as ``previous_text``: only new
    mentions notify. ``exclude`` lists members this event already notified
    (the asker told of an answer is not told again of a mention in it).
    """
    before = set(mentioned_usernames(previous_text))
    names = [name for name in mentioned_usernames(text) if name not in before]
    if not names:
        return set()
    recipients = (
        User.objects.filter(username__in=names[: MAX_MENTIONS * 2], is_active=True)
        .exclude(pk__in=[*exclude, _id(actor)])
        .order_by("pk")
        .values_list("pk", flat=True)[:MAX_MENTIONS]
    )
    return notify_many(list(recipients), "mention", actor, target, title=title, url=url, body=body)


@transaction.atomic
def notification_read(*, user: Any, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read; ``Notification.DoesNotExist``
    when it is not theirs."""
    notification = Notification.objects.get(pk=notification_id, recipient_id=user.pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_read_all(*, user: Any) -> int:
    """Mark every unread notification of ``user`` read; return how many."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
