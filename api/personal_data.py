"""Personal data held by the API app (see privacy.registry)."""

from typing import Any

from privacy.registry import register

from .models import PersonalAccessToken


def _tokens(user: Any) -> list[Any]:
    # Never the secret: only its public prefix and how it was used.
    return list(
        PersonalAccessToken.objects.filter(user=user).values(
            "name", "prefix", "can_write", "created_at", "last_used_at", "revoked_at"
        )
    )


register(
    "api_tokens",
    description="Personal API tokens (deleted with the account); API keys staff created stay.",
    export=_tokens,
    erase=lambda user: PersonalAccessToken.objects.filter(user=user).delete(),
    # API keys and webhook endpoints are the site's, made by staff: they stay.
    models=("api.PersonalAccessToken", "api.ApiKey", "webhooks.Endpoint"),
)
