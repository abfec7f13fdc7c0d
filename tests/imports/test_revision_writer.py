"""The importer's bulk revision writer writes what versioning.services writes."""

from datetime import UTC, datetime

import pytest
from reversion.models import Version

from imports.history import RevisionWriter
from imports.services import site_for
from tests.factories import QuestionFactory, UserFactory
from versioning.models import RevisionInfo, RevisionKind
from versioning.selectors import revision_history
from versioning.services import revision_record

pytestmark = pytest.mark.django_db


def test_bulk_revisions_match_revision_record() -> None:
    question, author = QuestionFactory(), UserFactory()
    when = datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)
    revision_record(
        obj=question, author=author, kind=RevisionKind.EDITED, summary="s", created_at=when
    )
    writer = RevisionWriter(site_for("writer.example.com"))
    writer.add(
        question, author_id=author.pk, kind=RevisionKind.EDITED, summary="s", created_at=when
    )
    writer.flush()
    one, two = Version.objects.get_for_object(question).order_by("pk")
    for name in ("serialized_data", "object_repr", "format", "db", "object_id", "content_type_id"):
        assert getattr(one, name) == getattr(two, name), name
    for name in ("user_id", "comment", "date_created"):
        assert getattr(one.revision, name) == getattr(two.revision, name), name
    infos = RevisionInfo.objects.filter(object_id=question.pk).order_by("number")
    assert [(i.number, i.kind, i.revision_id) for i in infos] == [
        (1, "edited", one.revision_id),
        (2, "edited", two.revision_id),
    ]
    _, entries = revision_history(question)
    assert entries[0].fields == entries[1].fields
