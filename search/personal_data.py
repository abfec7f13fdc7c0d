"""Personal data held by the search app (see privacy.registry).

Search logs hold a session pseudonym, never a member: they are purged after
``PRIVACY["LOG_RETENTION_DAYS"]``. Contact requests a member sent keep their
place in the deflection figures but lose the address and the text.
"""

from typing import Any

from privacy.registry import register
from privacy.services import retention_cutoff

from .models import ContactRequest, SearchLog


def _contact_requests(user: Any) -> list[Any]:
    return list(
        ContactRequest.objects.filter(user=user).values("email", "subject", "message", "created_at")
    )


def _contact_requests_erase(user: Any) -> None:
    ContactRequest.objects.filter(user=user).update(
        user=None, email=f"user{user.pk}@erased.invalid", subject="", message=""
    )


register(
    "contact_requests",
    description="Requests sent to support (emptied on erasure); search logs are pseudonymous.",
    export=_contact_requests,
    erase=_contact_requests_erase,
    purge=lambda now: SearchLog.objects.filter(created_at__lt=retention_cutoff(now)).delete()[0],
    # Deflection.author: "helped N customers" stays with the anonymous account.
    models=("search.ContactRequest", "search.Deflection"),
)
