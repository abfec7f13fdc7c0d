""" "Verified by support" stamps on answers and FAQ entries."""

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qa.models import Post
from qa.permissions import require
from search import outbox
from search.models import DocumentKind

from .. import permissions
from ..models import FaqEntry

Stampable = Post | FaqEntry


def _lock(target: Stampable) -> Stampable:
    if isinstance(target, Post):
        post = Post.objects.select_for_update().get(pk=target.pk)
        if post.is_question:
            raise ValidationError(_("Only answers and FAQ entries can be verified."))
        if post.is_deleted:
            raise ValidationError(_("A deleted answer cannot be verified."))
        return post
    return FaqEntry.objects.select_for_update().get(pk=target.pk)


def _enqueue(target: Stampable) -> None:
    # The stamp is part of the search document, so ranking can prefer it.
    if isinstance(target, Post):
        outbox.enqueue_question(target.question_id)
    else:
        outbox.enqueue(DocumentKind.FAQ, [target.pk])


@transaction.atomic
def stamp_verify(
    *, user: Any, target: Stampable, until: date | None = None, note: str = ""
) -> Stampable:
    """Stamp an answer or FAQ entry "verified by support", optionally until
    ``until`` (inclusive) with a note ("for version 3.4"); a new stamp
    replaces the old one."""
    require(permissions.can_stamp_verified(user))
    target = _lock(target)
    note = " ".join((note or "").split())
    errors = {}
    if len(note) > 120:
        errors["note"] = _("Keep the note to 120 characters; this one has %(n)d.") % {
            "n": len(note)
        }
    if until is not None and until < timezone.localdate():
        errors["until"] = _("The expiry date is in the past.")
    if errors:
        raise ValidationError(errors)
    changes = {
        "verified_at": timezone.now(),
        "verified_by": user,
        "verified_until": until,
        "verified_note": note,
    }
    type(target).objects.filter(pk=target.pk).update(**changes)
    for field, value in changes.items():
        setattr(target, field, value)
    _enqueue(target)
    return target


@transaction.atomic
def stamp_remove(*, user: Any, target: Stampable) -> Stampable:
    require(permissions.can_stamp_verified(user))
    target = _lock(target)
    if target.verified_at is None:
        raise ValidationError(_("This is not verified."))
    changes = {
        "verified_at": None,
        "verified_by": None,
        "verified_until": None,
        "verified_note": "",
    }
    type(target).objects.filter(pk=target.pk).update(**changes)
    for field, value in changes.items():
        setattr(target, field, value)
    _enqueue(target)
    return target
