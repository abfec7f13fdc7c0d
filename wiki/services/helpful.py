""" "Was this helpful?" votes on FAQ entries and wiki pages."""

import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError

from ..models import FaqEntry, HelpfulVote, WikiPage

_MODELS: dict[str, type[FaqEntry] | type[WikiPage]] = {
    HelpfulVote.Kind.FAQ: FaqEntry,
    HelpfulVote.Kind.WIKI: WikiPage,
}


def visitor_key(*, kind: str, object_id: int, user_id: int | None, address: str, agent: str) -> str:
    """Who answers, as stored: a member by id; an anonymous visitor by a
    keyed hash of their address and browser *for this one item*.

    No cookie is set and neither the address nor the browser string is
    stored. The hash cannot be reversed without the site's secret key, and
    because the item is part of it, the same visitor's answers on two items
    cannot be linked to each other.
    """
    if user_id is not None:
        return f"u{user_id}"
    message = f"{kind}:{object_id}:{address}:{agent}".encode()
    key = hashlib.sha256(f"helpful-votes:{settings.SECRET_KEY}".encode()).digest()
    return "a" + hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


@transaction.atomic
def helpful_vote(*, kind: str, object_id: int, voter: str, is_helpful: bool) -> HelpfulVote:
    """Record one visitor's answer for one item, or change it; the item's
    counters move with ``F()`` under its row lock."""
    model = _MODELS.get(kind)
    if model is None:
        raise ApplicationError(_("Votes are for FAQ entries and wiki pages."), code="bad_kind")
    if not model.objects.select_for_update().filter(pk=object_id).exists():
        raise ApplicationError(_("This item does not exist."), code="missing")
    field = "helpful_yes" if is_helpful else "helpful_no"
    existing = HelpfulVote.objects.filter(kind=kind, object_id=object_id, voter=voter).first()
    if existing is None:
        try:
            with transaction.atomic():
                vote = HelpfulVote.objects.create(
                    kind=kind, object_id=object_id, voter=voter, is_helpful=is_helpful
                )
        except IntegrityError:
            # Only without row locks (SQLite serialises writers anyway).
            raise ApplicationError(_("You have already answered."), code="already_voted") from None
        model.objects.filter(pk=object_id).update(**{field: F(field) + 1})
        return vote
    if existing.is_helpful == is_helpful:
        raise ApplicationError(_("You have already answered."), code="already_voted")
    other = "helpful_no" if is_helpful else "helpful_yes"
    model.objects.filter(pk=object_id).update(**{field: F(field) + 1, other: F(other) - 1})
    existing.is_helpful = is_helpful
    existing.save(update_fields=["is_helpful"])
    return existing
