"""The proof a card's "Was this helpful?" form carries instead of a CSRF token.

A card is framed on a client's help centre, another site: its cookies are
third-party, so neither a session nor Django's CSRF cookie can be counted
on, and the card sets none. The form carries a token signed by the site,
issued only when the card was served for a live key with the feedback scope,
naming that key and the item; the post is accepted only with it, only while
the key is still live and allowed to post feedback, and only for that item.
"""

from django.core import signing
from django.utils import timezone

from api.models import ApiKey, Scope
from search.services import embed_visitor

from .selectors import live_key

SALT = "embed.card-feedback"
# A card left open in a tab for a day can still be answered.
MAX_AGE_SECONDS = 24 * 3600


def with_feedback(key: ApiKey | None) -> ApiKey | None:
    """``key`` if it may post feedback (the feedback scope)."""
    return key if key is not None and Scope.FEEDBACK in key.scopes else None


def card_token(key: ApiKey, item_kind: str, item_id: int) -> str:
    return signing.dumps([key.prefix, item_kind, item_id], salt=SALT, compress=False)


def card_token_read(token: str, item_kind: str, item_id: int) -> ApiKey | None:
    """The key a token was given for, or None: forged, expired, for another
    item, or its key revoked or stripped of the feedback scope since."""
    try:
        prefix, kind, object_id = signing.loads(token[:300], salt=SALT, max_age=MAX_AGE_SECONDS)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if (kind, object_id) != (item_kind, item_id):
        return None
    return with_feedback(live_key(str(prefix)))


def visitor(meta: dict[str, str], key: ApiKey, item_kind: str, item_id: int) -> str:
    """The ledger's name for the visitor behind a request (its ``META``): by
    address and browser, for one client, item and day (no cookie needed)."""
    return embed_visitor(
        client=key.prefix,
        address=meta.get("REMOTE_ADDR", ""),
        agent=meta.get("HTTP_USER_AGENT", ""),
        item_kind=item_kind,
        item_id=item_id,
        day=timezone.localdate(),
    )
