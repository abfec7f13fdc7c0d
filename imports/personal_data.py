"""Personal data held by the importer (see privacy.registry)."""

from typing import Any

from privacy.registry import register

from .models import ImportedUser


def _origins(user: Any) -> list[Any]:
    return list(
        ImportedUser.objects.filter(user=user).values("site__name", "source_id", "source_name")
    )


register(
    "imported_from",
    # Deleting the link means the erased account is never matched to its old
    # Stack Exchange identity again (a later re-import makes a new stub member).
    description="Which imported community account this member was.",
    export=_origins,
    erase=lambda user: ImportedUser.objects.filter(user=user).delete(),
    models=("imports.ImportedUser",),
)
