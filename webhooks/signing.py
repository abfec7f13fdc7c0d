"""Signing webhook deliveries, and verifying them on the receiving side.

Each delivery carries ``Entraide-Signature: t=<unix time>,v1=<hex>`` where
``v1`` is HMAC-SHA256 of ``"<t>.<raw body>"`` keyed with the endpoint's
secret. ``verify`` is what a receiver runs (it needs only the standard
library, so it can be copied as is); docs/webhooks.md shows it in use.
"""

import hashlib
import hmac
import time
from collections.abc import Callable

SIGNATURE_HEADER = "Entraide-Signature"
TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """A delivery that must be refused; ``status`` is the HTTP answer to give."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The signature header value for ``body`` sent now (or at ``timestamp``)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    first_seen: Callable[[str], bool],
    now: float | None = None,
    tolerance: int = TOLERANCE_SECONDS,
) -> None:
    """Check a delivery's signature; raise ``SignatureError`` to refuse it.

    ``first_seen(signature)`` must record the signature and answer whether it
    was new (a set, a cache ``add``, a unique row): with the time window, it
    refuses a captured request played again. Retries are signed afresh, so
    they pass; the body's ``id`` tells the receiver it handled one already.
    """
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    if not parts.get("t", "").isdigit() or "v1" not in parts:
        raise SignatureError("The signature header is malformed.", status=400, code="malformed")
    timestamp = int(parts["t"])
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError(
            "The signature is too old or from the future; refusing a possible replay.",
            status=400,
            code="stale",
        )
    if not hmac.compare_digest(_mac(secret, timestamp, body), parts["v1"]):
        raise SignatureError("The signature does not match the body.", status=401, code="invalid")
    if not first_seen(header):
        raise SignatureError(
            "This signature was already used: a replayed delivery.", status=409, code="replayed"
        )
