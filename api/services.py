"""Creating, revoking and using API credentials; one transaction each."""

from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.counter_buffer import CounterBuffer, add_counts
from entraide.errors import ApplicationError

from . import credentials
from .cors import ORIGINS_CACHE_KEY
from .models import ApiKey, PersonalAccessToken, Scope
from .selectors import api_key_cache_key

MAX_TOKENS_PER_MEMBER = 20


@dataclass(frozen=True)
class Created:
    """A new credential and its secret, which is never stored nor shown again."""

    row: Any
    secret: str


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not 1 <= len(name) <= 60:
        raise ValidationError({"name": _("Give it a name of 1 to 60 characters.")})
    return name


@transaction.atomic
def token_create(*, user: Any, name: str, can_write: bool = False) -> Created:
    """Create a personal access token for ``user``."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("You must log in first."))
    name = _clean_name(name)
    live = PersonalAccessToken.objects.filter(user=user, revoked_at__isnull=True)
    if live.count() >= MAX_TOKENS_PER_MEMBER:
        raise ApplicationError(
            _("You have %(max)d tokens; revoke one you no longer use first.")
            % {"max": MAX_TOKENS_PER_MEMBER},
            code="too_many_tokens",
        )
    whole, prefix, digest = credentials.generate(credentials.TOKEN_KIND)
    token = PersonalAccessToken.objects.create(
        user=user, name=name, prefix=prefix, secret_hash=digest, can_write=can_write
    )
    return Created(token, whole)


@transaction.atomic
def token_revoke(*, user: Any, token: PersonalAccessToken) -> PersonalAccessToken:
    """Revoke one of ``user``'s tokens; it stops working at once."""
    if token.user_id != user.pk:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db()
    return token


def clean_origins(origins: list[str]) -> list[str]:
    """Exact origins: scheme, host and optional port, nothing else."""
    cleaned: list[str] = []
    for origin in origins:
        origin = origin.strip().rstrip("/")
        if not origin:
            continue
        parts = urlsplit(origin)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or "*" in origin
        ):
            raise ValidationError(
                {
                    "allowed_origins": _(
                        "“%(origin)s” is not an origin: write scheme, host and port only, "
                        "like https://help.example.com."
                    )
                    % {"origin": origin}
                }
            )
        cleaned.append(origin)
    return sorted(set(cleaned))


def _clean_scopes(scopes: list[str]) -> list[str]:
    allowed = {Scope.READ, Scope.FEEDBACK}
    unknown = [scope for scope in scopes if scope not in allowed]
    if unknown:
        raise ValidationError(
            {"scopes": _("An API key can have the scopes read and feedback only.")}
        )
    return sorted({Scope.READ, *scopes})


def _forget_origins() -> None:
    """CORS preflights read every live key's origins from a cache."""
    cache.delete(ORIGINS_CACHE_KEY)


@transaction.atomic
def api_key_create(
    *,
    staff: Any,
    name: str,
    allowed_origins: list[str],
    scopes: list[str] | None = None,
    requests_per_minute: int = 120,
) -> Created:
    """Create an API key; read-only unless ``scopes`` add feedback."""
    if not staff.is_staff:
        raise PermissionDenied(_("Only staff manage API keys."))
    name = _clean_name(name)
    if not 1 <= requests_per_minute <= 100_000:
        raise ValidationError(
            {"requests_per_minute": _("The limit is between 1 and 100,000 a minute.")}
        )
    whole, prefix, digest = credentials.generate(credentials.KEY_KIND)
    transaction.on_commit(_forget_origins)
    key = ApiKey.objects.create(
        name=name,
        prefix=prefix,
        secret_hash=digest,
        scopes=_clean_scopes(scopes or []),
        allowed_origins=clean_origins(allowed_origins),
        requests_per_minute=requests_per_minute,
        created_by=staff,
    )
    return Created(key, whole)


@transaction.atomic
def api_key_revoke(*, staff: Any, key: ApiKey) -> ApiKey:
    if not staff.is_staff:
        raise PermissionDenied(_("Only staff manage API keys."))
    ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    transaction.on_commit(_forget_origins)
    # Now for this process, and after commit for every process (a request
    # in between may have cached the row as it was).
    cache.delete(api_key_cache_key(key.prefix))
    transaction.on_commit(lambda: cache.delete(api_key_cache_key(key.prefix)))
    key.refresh_from_db()
    return key


def _key_count_add(counter: str, counts: dict[int, int]) -> None:
    add_counts(ApiKey, counter, counts, last_used_at=timezone.now())


# Requests made with each key, and those refused, waiting in Redis
# (production) to be added to the keys' counts.
KEY_REQUESTS = CounterBuffer("api:key-requests", partial(_key_count_add, "request_count"))
KEY_REFUSALS = CounterBuffer("api:key-refusals", partial(_key_count_add, "refused_count"))


def api_key_record_use(*, key_id: int, refused: bool = False) -> None:
    """Count one request made with a key.

    With Redis (production), one HINCRBY, added to the key by
    :func:`api_key_uses_flush` (the scheduler, every few seconds), so a
    widget's calls are not each a write on one hot row; ``last_used_at``
    is then the time of that flush. Without it, a single UPDATE.
    """
    (KEY_REFUSALS if refused else KEY_REQUESTS).add(key_id)


def api_key_uses_flush() -> int:
    """Add the buffered requests to their keys; return how many keys moved.

    One UPDATE per key and counter, each on its own (no lock held while
    waiting for another); a count leaves the buffer only after its UPDATE.
    """
    return KEY_REQUESTS.flush() + KEY_REFUSALS.flush()


def token_record_use(*, token_id: int) -> None:
    PersonalAccessToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())
