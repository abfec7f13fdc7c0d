"""The delivery worker: send due deliveries, log each attempt, back off.

A batch is claimed in a short transaction (``SKIP LOCKED`` on PostgreSQL,
so several workers share the queue) by pushing its ``next_attempt_at`` a
lease ahead; the HTTP requests then run outside any transaction, and each
result is written on its own. A worker that dies mid-batch leaves its
deliveries to be retried when the lease runs out.
"""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import signing
from .models import Delivery, DeliveryAttempt, DeliveryStatus

USER_AGENT = "Entraide-Webhooks/1"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 30 s, 1 min, 2 min, … at most 6 h."""
    rules = settings.WEBHOOKS
    seconds = rules["BACKOFF_SECONDS"] * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, rules["MAX_BACKOFF_SECONDS"]))


def body_of(delivery: Delivery) -> bytes:
    """The JSON sent; the same bytes on every retry (only the signature changes)."""
    payload = {
        "id": str(delivery.uuid),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _send(delivery: Delivery) -> Outcome:
    body = body_of(delivery)
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Entraide-Event": delivery.event,
            "Entraide-Delivery": str(delivery.uuid),
            signing.SIGNATURE_HEADER: signing.sign(delivery.endpoint.secret, body),
        },
    )
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOKS["TIMEOUT_SECONDS"]) as reply:
            status = reply.status
    except urllib.error.HTTPError as failure:
        status = failure.code
        error = f"HTTP {failure.code}"
    except (urllib.error.URLError, OSError, ValueError) as failure:
        error = str(getattr(failure, "reason", failure))[:500]
    return Outcome(status, error, int((time.monotonic() - started) * 1000))


def _claim(now: datetime, limit: int) -> list[Delivery]:
    with transaction.atomic():
        due = Delivery.objects.filter(
            status=DeliveryStatus.PENDING, next_attempt_at__lte=now
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        claimed = list(due.select_related("endpoint")[:limit])
        lease = now + timedelta(seconds=settings.WEBHOOKS["LEASE_SECONDS"])
        Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(next_attempt_at=lease)
    return claimed


@transaction.atomic
def _record(delivery: Delivery, outcome: Outcome, now: datetime) -> None:
    DeliveryAttempt.objects.create(
        delivery=delivery,
        attempted_at=now,
        status_code=outcome.status_code,
        error=outcome.error,
        duration_ms=outcome.duration_ms,
    )
    attempts = delivery.attempts + 1
    changes: dict[str, object] = {
        "attempts": attempts,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error,
    }
    if outcome.ok:
        changes |= {"status": DeliveryStatus.DELIVERED, "delivered_at": now}
    elif attempts >= settings.WEBHOOKS["MAX_ATTEMPTS"] or not delivery.endpoint.is_active:
        changes |= {"status": DeliveryStatus.FAILED}
    else:
        changes |= {"next_attempt_at": now + backoff(attempts)}
    Delivery.objects.filter(pk=delivery.pk).update(**changes)


def webhooks_deliver_due(*, limit: int = 50) -> int:
    """Send up to ``limit`` due deliveries; the number attempted."""
    claimed = _claim(timezone.now(), limit)
    for delivery in claimed:
        outcome = _send(delivery)
        _record(delivery, outcome, timezone.now())
    return len(claimed)
