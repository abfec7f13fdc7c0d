"""Record revisions with django-reversion, the same way for every versioned model.

The convention, for posts, wiki pages and FAQ entries alike:

- ``reversion.models.Revision``: ``user`` is the author of the change,
  ``date_created`` its time, ``comment`` the edit summary (may be empty, at
  most ``SUMMARY_MAX`` characters).
- ``reversion.models.Version``: the object's versioned fields after the
  change (each model registers its fields with ``reversion.register``).
- ``versioning.models.RevisionInfo``: the revision's number in the object's
  history, its kind, the revision a rollback restored, who approved it.

Nothing is ever deleted or rewritten: a rollback is a new revision whose
content is an old one's.
"""

from datetime import datetime
from typing import Any

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError

from .models import RevisionInfo, RevisionKind

SUMMARY_MAX = 300


class EditConflict(ApplicationError):
    """Someone saved since the revision an edit started from; nothing was
    written. Pages show both versions and let the editor merge."""

    def __init__(self, *, base_revision: int, current_revision: int) -> None:
        super().__init__(
            _(
                "Someone saved this while you were editing (you started from revision "
                "%(base)d; it is now at revision %(current)d). Nothing was overwritten: "
                "compare the two versions and save again."
            )
            % {"base": base_revision, "current": current_revision},
            code="edit_conflict",
        )
        self.base_revision = base_revision
        self.current_revision = current_revision


def clean_summary(summary: str | None) -> str:
    """An edit summary: optional, one line, at most ``SUMMARY_MAX`` characters."""
    summary = " ".join((summary or "").split())
    if len(summary) > SUMMARY_MAX:
        raise ValidationError(
            _("The edit summary is %(length)d characters long; keep it to %(max)d.")
            % {"length": len(summary), "max": SUMMARY_MAX}
        )
    return summary


def revision_latest_number(obj: Model) -> int:
    """The number of ``obj``'s latest revision; 0 when it has none."""
    found = RevisionInfo.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).aggregate(latest=Max("number"))["latest"]
    return int(found or 0)


@transaction.atomic
def revision_record(
    *,
    obj: Model,
    author: Any,
    kind: RevisionKind | str,
    summary: str = "",
    created_at: datetime | None = None,
    restored_number: int | None = None,
    approved_by: Any = None,
) -> RevisionInfo:
    """Record the in-memory state of ``obj`` as its next revision.

    Precondition: ``obj`` is saved, and the caller holds a row lock on it
    (``select_for_update``) inside the transaction that changed it, so two
    writers never take the same number (the unique constraint on
    ``RevisionInfo`` is the last word if one forgets).

    Only the fields registered with ``reversion.register`` are stored, read
    from the instance as it is in memory: the caller may set them to
    historical values without saving them. That is how an importer records
    history (Stack Exchange's PostHistory, oldest first)::

        post = Post.objects.select_for_update().get(pk=post_id)
        for event in history:  # oldest first, one revision per edit
            post.title, post.body_source, post.tag_names = event.title, event.body, event.tags
            revision_record(
                obj=post,
                author=event.user,          # None for a deleted account
                kind=RevisionKind.CREATED if first else RevisionKind.EDITED,
                summary=event.comment[:SUMMARY_MAX],
                created_at=event.date,      # aware datetime
            )
        post.refresh_from_db()  # the in-memory fields were only for the history

    ``qa.revisions.post_revision_import`` wraps exactly this for posts.
    """
    summary = clean_summary(summary)
    number = revision_latest_number(obj) + 1
    content_type = ContentType.objects.get_for_model(obj)
    with reversion.create_revision(manage_manually=True, atomic=False):
        reversion.set_user(author if author is not None and author.pk else None)
        reversion.set_comment(summary)
        reversion.set_date_created(created_at or timezone.now())
        reversion.add_to_revision(obj)
        reversion.add_meta(
            RevisionInfo,
            content_type=content_type,
            object_id=obj.pk,
            number=number,
            kind=kind,
            restored_number=restored_number,
            approved_by=approved_by,
        )
    return RevisionInfo.objects.get(content_type=content_type, object_id=obj.pk, number=number)
