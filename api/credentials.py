"""The shape of a secret: ``<kind>_<prefix>_<secret>``.

The prefix finds the row (and is safe to show, in lists and logs); the whole
string is compared by its SHA-256 hash in constant time.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

TOKEN_KIND = "ept"  # Entraide personal token
KEY_KIND = "eak"  # Entraide API key
PREFIX_LENGTH = 8


@dataclass(frozen=True)
class Parsed:
    kind: str
    prefix: str
    whole: str


def generate(kind: str) -> tuple[str, str, str]:
    """A new secret: (whole string to show once, prefix, hash to store)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    whole = f"{kind}_{prefix}_{secrets.token_urlsafe(32)}"
    return whole, prefix, digest(whole)


def digest(whole: str) -> str:
    return hashlib.sha256(whole.encode()).hexdigest()


def parse(value: str) -> Parsed | None:
    kind, _, rest = value.partition("_")
    prefix, _, secret = rest.partition("_")
    if kind not in (TOKEN_KIND, KEY_KIND) or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return Parsed(kind, prefix, value)


def matches(whole: str, stored_hash: str) -> bool:
    return hmac.compare_digest(digest(whole), stored_hash)
