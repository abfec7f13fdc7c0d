"""Reads of an object's history: its revisions with their stored fields."""

import json
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.http import Http404
from django.utils.translation import gettext as _
from reversion.models import Version

from .models import RevisionInfo, RevisionKind

HISTORY_PER_PAGE = 50


@dataclass(frozen=True)
class RevisionEntry:
    """One revision as pages show it: who, when, why, and the fields stored."""

    info: RevisionInfo
    fields: dict[str, Any]

    @property
    def number(self) -> int:
        return self.info.number

    @property
    def author(self) -> Any:
        return self.info.revision.user

    @property
    def created_at(self) -> Any:
        return self.info.revision.date_created

    @property
    def summary(self) -> str:
        return str(self.info.revision.comment)

    @property
    def kind_label(self) -> str:
        return str(RevisionKind(self.info.kind).label)


def _infos(obj: Model) -> Any:
    return (
        RevisionInfo.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
        .select_related("revision__user", "approved_by")
        .order_by("-number")
    )


def _with_fields(obj: Model, infos: list[RevisionInfo]) -> list[RevisionEntry]:
    """Attach each revision's stored fields (one query for all of them)."""
    versions = Version.objects.filter(
        revision_id__in=[info.revision_id for info in infos],
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
    ).only("revision_id", "serialized_data")
    data = {
        version.revision_id: json.loads(version.serialized_data)[0]["fields"]
        for version in versions
    }
    return [RevisionEntry(info, data.get(info.revision_id, {})) for info in infos]


def revision_infos(obj: Model) -> Any:
    """``obj``'s revisions, newest first (filter or page them, then ``revision_entries``)."""
    return _infos(obj)


def revision_entries(obj: Model, infos: list[RevisionInfo]) -> list[RevisionEntry]:
    """``infos`` (revisions of ``obj``) with their stored fields, in one query."""
    return _with_fields(obj, infos)


def revision_history(obj: Model, *, page: Any = 1) -> tuple[Page, list[RevisionEntry]]:
    """A page of ``obj``'s revisions, newest first, with their fields (3 queries)."""
    paginator: Paginator[RevisionInfo] = Paginator(_infos(obj), HISTORY_PER_PAGE)
    current = paginator.get_page(page)
    return current, _with_fields(obj, list(current.object_list))


def revision_get(obj: Model, number: Any) -> RevisionEntry:
    """``obj``'s revision with this number; 404 when there is none."""
    try:
        info = _infos(obj).get(number=int(number))
    except (RevisionInfo.DoesNotExist, TypeError, ValueError):
        raise Http404("No such revision.") from None
    return _with_fields(obj, [info])[0]


def revision_entry(obj: Model, info: RevisionInfo) -> RevisionEntry:
    """``info`` with its fields, when it is a revision of ``obj``; a revision of
    anything else is refused (a rollback must restore the object's own past)."""
    if (
        info.content_type_id != ContentType.objects.get_for_model(obj).pk
        or info.object_id != obj.pk
    ):
        raise ValidationError(
            _("This revision belongs to something else; it cannot be restored here.")
        )
    return _with_fields(obj, [info])[0]
