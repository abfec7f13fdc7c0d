"""Personal data held by the privacy app itself (see privacy.registry)."""

from typing import Any

from .models import Consent, DataExport, ErasureRequest, ExportStatus
from .registry import register
from .services import retention_cutoff


def _consents(user: Any) -> list[Any]:
    return list(
        Consent.objects.filter(user=user)
        .order_by("created_at", "pk")
        .values("kind", "version", "granted", "created_at")
    )


def _exports(user: Any) -> list[Any]:
    return list(
        DataExport.objects.filter(user=user).values("requested_at", "finished_at", "status")
    )


def _exports_purge(now: Any) -> int:
    """Archives are kept ``PRIVACY["EXPORT_KEEP_DAYS"]`` days, then deleted."""
    old = DataExport.objects.filter(
        status=ExportStatus.READY, finished_at__lt=retention_cutoff(now, "EXPORT_KEEP_DAYS")
    )
    count = 0
    for export in old:
        if export.archive:
            export.archive.storage.delete(export.archive.name)
        export.delete()
        count += 1
    return count


register(
    "consents",
    description="Terms, privacy-policy and e-mail consents given or withdrawn.",
    export=_consents,
    erase=lambda user: Consent.objects.filter(user=user).delete(),
    models=("privacy.Consent",),
)
register(
    "data_exports",
    description="Archives of one's data (deleted with the account, or after a few days).",
    export=_exports,
    purge=_exports_purge,
    models=("privacy.DataExport",),
)
register(
    "erasure_requests",
    description="Account deletion requests (kept as the record that erasure was done).",
    export=lambda user: list(
        ErasureRequest.objects.filter(user=user).values(
            "requested_at", "scheduled_for", "cancelled_at", "completed_at"
        )
    ),
    models=("privacy.ErasureRequest",),
)
