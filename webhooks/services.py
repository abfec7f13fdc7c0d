"""Webhook endpoints and the events written for them.

``webhook_event_record`` runs inside the service transaction of the change it
reports and only writes rows; ``webhooks.delivery`` sends them after commit.
"""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from qa.models import Post

from .models import Delivery, Endpoint, Event

BACKLOG = timedelta(days=1)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def question_data(question: Post) -> dict[str, Any]:
    return {
        "id": question.pk,
        "title": question.title,
        "url": absolute(question.get_absolute_url()),
        "excerpt": question.excerpt,
        "tags": question.tag_list,
        "asked_by": question.author.public_name,
        "asked_at": question.created_at.isoformat(),
        "answer_count": question.answer_count,
    }


def answer_data(answer: Post) -> dict[str, Any]:
    return {
        "id": answer.pk,
        "url": absolute(f"{answer.parent.get_absolute_url()}#answer-{answer.pk}"),  # type: ignore[union-attr]
        "excerpt": answer.excerpt,
        "answered_by": answer.author.public_name,
        "answered_at": answer.created_at.isoformat(),
    }


def webhook_event_record(
    *, event: Event, subject: str, data: Callable[[], dict[str, Any]], post: Post | None = None
) -> int:
    """Write one delivery per active endpoint subscribed to ``event``; the
    number written. Must run inside the transaction of the change. ``data``
    builds the payload, only when some endpoint listens."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("webhook_event_record must run inside the changing transaction")
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(is_active=True).only("events")
        if event in endpoint.events
    ]
    if not endpoints:
        return 0
    payload = data()
    Delivery.objects.bulk_create(
        [
            Delivery(endpoint=endpoint, event=event, subject=subject, data=payload, post=post)
            for endpoint in endpoints
        ],
        ignore_conflicts=True,
    )
    return len(endpoints)


def webhook_question_asked(*, question: Post) -> None:
    webhook_event_record(
        event=Event.QUESTION_ASKED,
        subject=f"question:{question.pk}",
        data=lambda: {"question": question_data(question)},
        post=question,
    )


def webhook_answer_posted(*, question: Post, answer: Post) -> None:
    webhook_event_record(
        event=Event.ANSWER_POSTED,
        subject=f"answer:{answer.pk}",
        data=lambda: {"question": question_data(question), "answer": answer_data(answer)},
        post=answer,
    )


def webhook_answer_accepted(*, question: Post, answer: Post, accepted_at: datetime) -> None:
    webhook_event_record(
        event=Event.ANSWER_ACCEPTED,
        # Accepting, unaccepting and accepting again are separate events.
        subject=f"accept:{answer.pk}:{accepted_at.timestamp():.6f}",
        data=lambda: {"question": question_data(question), "answer": answer_data(answer)},
        post=answer,
    )


def webhook_faq_published(*, entry: Any) -> None:
    """``faq.published`` for a FAQ entry just published (again, after being
    unpublished: each publication is its own event)."""
    webhook_event_record(
        event=Event.FAQ_PUBLISHED,
        subject=f"faq:{entry.pk}:{entry.published_at.timestamp():.6f}",
        data=lambda: {
            "faq_entry": {
                "id": entry.pk,
                "question": entry.question,
                "url": absolute(entry.get_absolute_url()),
                "answer_markdown": entry.answer_source,
                "category": entry.category.name if entry.category_id else None,
                "source_answer_id": entry.source_answer_id,
                "published_at": entry.published_at.isoformat(),
            }
        },
    )


def webhook_support_requested(*, request: Any, searched_for: str, shown: int, opened: int) -> None:
    """``support.requested`` for a contact-support request: everything a help
    desk needs to open a ticket, with what the customer saw first."""
    webhook_event_record(
        event=Event.SUPPORT_REQUESTED,
        subject=f"support:{request.pk}",
        data=lambda: {
            "support_request": {
                "id": request.pk,
                "subject": request.subject,
                "message": request.message,
                "email": request.email,
                "member": request.user.public_name if request.user_id else None,
                "searched_for": searched_for,
                "suggestions_shown": shown,
                "suggestions_opened": opened,
                "created_at": request.created_at.isoformat(),
            }
        },
    )


@transaction.atomic
def webhooks_sweep_unanswered(*, now: datetime | None = None) -> int:
    """Record ``question.unanswered`` for each question that has waited its
    endpoint's N hours without an answer; once per endpoint and question
    (the unique delivery subject). Questions that passed the N hours more
    than a day before the endpoint was registered are left out, so a new
    endpoint is not flooded with the back catalogue. The number recorded."""
    now = now or timezone.now()
    recorded = 0
    for endpoint in Endpoint.objects.filter(is_active=True):
        if Event.QUESTION_UNANSWERED not in endpoint.events:
            continue
        waited = timedelta(hours=endpoint.unanswered_after_hours)
        questions = (
            Post.objects.questions()
            .visible()
            .filter(
                answer_count=0,
                closed_at__isnull=True,
                created_at__lte=now - waited,
                created_at__gte=endpoint.created_at - waited - BACKLOG,
            )
            .exclude(
                Exists(
                    Delivery.objects.filter(
                        endpoint=endpoint, event=Event.QUESTION_UNANSWERED, post=OuterRef("pk")
                    )
                )
            )
            .select_related("author")
            .order_by("created_at")
        )
        rows = [
            Delivery(
                endpoint=endpoint,
                event=Event.QUESTION_UNANSWERED,
                subject=f"question:{question.pk}",
                post=question,
                data={
                    "question": question_data(question),
                    "unanswered_for_hours": endpoint.unanswered_after_hours,
                },
            )
            for question in questions.iterator()
        ]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        recorded += len(rows)
    return recorded


def _clean_url(url: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": _("Enter an http:// or https:// URL.")})
    if parts.scheme == "http" and not settings.WEBHOOKS["ALLOW_HTTP"]:
        raise ValidationError({"url": _("Webhooks are sent over https only.")})
    return url


def _clean_events(events: list[str]) -> list[str]:
    unknown = [event for event in events if event not in Event.values]
    if unknown or not events:
        raise ValidationError({"events": _("Choose one or more of the listed events.")})
    return sorted(set(events))


@transaction.atomic
def endpoint_create(
    *, staff: Any, name: str, url: str, events: list[str], unanswered_after_hours: int = 24
) -> Endpoint:
    if not staff.is_staff:
        raise PermissionDenied(_("Only staff manage webhooks."))
    if not 1 <= unanswered_after_hours <= 24 * 30:
        raise ValidationError(
            {"unanswered_after_hours": _("Between 1 hour and 30 days (720 hours).")}
        )
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the endpoint a name.")})
    return Endpoint.objects.create(
        name=name[:80],
        url=_clean_url(url),
        secret="whsec_" + secrets.token_urlsafe(32),
        events=_clean_events(events),
        unanswered_after_hours=unanswered_after_hours,
        created_by=staff,
    )


@transaction.atomic
def endpoint_set_active(*, staff: Any, endpoint: Endpoint, is_active: bool) -> Endpoint:
    if not staff.is_staff:
        raise PermissionDenied(_("Only staff manage webhooks."))
    Endpoint.objects.filter(pk=endpoint.pk).update(is_active=is_active)
    endpoint.refresh_from_db()
    return endpoint
