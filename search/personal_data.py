"""Personal data held by the search app (see privacy.registry).

Search logs hold a session pseudonym, never a member: they are purged after
``PRIVACY["LOG_RETENTION_DAYS"]``. Contact requests a member sent keep their
place in the deflection figures but lose the address and the text.
"""

from typing import Any

from privacy.registry import register
from privacy.services import retention_cutoff
from webhooks.models import Delivery, Event

from .models import ContactRequest, SearchLog


def _contact_requests(user: Any) -> list[Any]:
    return list(
        ContactRequest.objects.filter(user=user).values("email", "subject", "message", "created_at")
    )


def _contact_requests_erase(user: Any) -> None:
    ids = list(ContactRequest.objects.filter(user=user).values_list("pk", flat=True))
    ContactRequest.objects.filter(user=user).update(
        user=None, email=f"user{user.pk}@erased.invalid", subject="", message=""
    )
    # The copies sent (or waiting to be sent) to webhook receivers go too.
    Delivery.objects.filter(
        event=Event.SUPPORT_REQUESTED, subject__in=[f"support:{pk}" for pk in ids]
    ).update(data={"support_request": {"id": None, "erased": True}})


register(
    "contact_requests",
    description=(
        "Requests sent to support and their webhook copies (emptied on erasure); "
        "search logs are pseudonymous."
    ),
    export=_contact_requests,
    erase=_contact_requests_erase,
    purge=lambda now: SearchLog.objects.filter(created_at__lt=retention_cutoff(now)).delete()[0],
    # Deflection.author: "helped N customers" stays with the anonymous account.
    models=("search.ContactRequest", "search.Deflection"),
)
