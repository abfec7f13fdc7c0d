"""Personal data held by the community app (see privacy.registry)."""

from typing import Any

from privacy.registry import register

from .models import Spotlight


def _spotlights(user: Any) -> list[Any]:
    return list(Spotlight.objects.filter(user=user).values("reason", "starts_at", "ends_at"))


register(
    "spotlights",
    description="Home-page spotlights on the member (deleted on erasure).",
    export=_spotlights,
    erase=lambda user: Spotlight.objects.filter(user=user).delete(),
    models=("community.Spotlight",),
)
