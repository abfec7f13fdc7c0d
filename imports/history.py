"""PostHistory.xml: edits become revisions of the post's history; closing,
reopening, locking and unlocking set the post's moderation state.

Stack Exchange writes one row per changed field (title, body, tags) and ties
the rows of one edit together with a ``RevisionGUID``; each edit becomes one
revision (``qa.revisions``) holding the post's full state after it, with the
edit's author, date and summary. The state before an edit is the post's
latest revision, read once per post and batch. The text of body rows is
Stack Exchange's Markdown source, kept as it was written.

Revisions are written in bulk, a batch at a time (``RevisionWriter``): the
same rows ``versioning.services.revision_record`` writes one by one (a
test holds the two to the same output), at a few queries per batch instead
of several per revision.

After the last batch, a post whose latest revision differs from what was
imported (our Markdown is converted from the rendered HTML) gets one more
revision, of kind "imported", so the next edit here is compared with the
text members actually edit.
"""

import copy
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone
from reversion.models import Revision, Version

from qa.models import POST_VERSIONED_FIELDS, CloseReason, LockKind, Post, PostType
from search import outbox
from search.models import DocumentKind
from versioning.models import RevisionInfo, RevisionKind
from versioning.services import SUMMARY_MAX, clean_summary

from . import markup
from .fields import as_date, as_int, batches, tag_names
from .models import ImportedPost, ImportedRevision
from .report import FileReport

if TYPE_CHECKING:
    from .importer import Importer

TITLE_TYPES, BODY_TYPES, TAG_TYPES = {"1", "4", "7"}, {"2", "5", "8"}, {"3", "6", "9"}
REVISION_TYPES = TITLE_TYPES | BODY_TYPES | TAG_TYPES | {"24"}
STATE_TYPES = {"10", "11", "14", "15"}
# Stack Exchange's close reason ids (type 10's ``Comment``).
CLOSE_REASONS = {
    **dict.fromkeys(("1", "101"), CloseReason.DUPLICATE),
    **dict.fromkeys(("2", "102", "7", "10", "20"), CloseReason.OFF_TOPIC),
    **dict.fromkeys(("3", "105"), CloseReason.OPINION_BASED),
    **dict.fromkeys(("4", "103", "104"), CloseReason.NEEDS_DETAILS),
}
# A closed question whose reason the dump does not give.
DEFAULT_CLOSE_REASON = CloseReason.OFF_TOPIC
_APPROVER = re.compile(r"approved by (-?\d+)")


@dataclass
class _Edit:
    """The rows of one edit (one RevisionGUID on one post)."""

    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def source_id(self) -> int:
        return min(int(row["Id"]) for row in self.rows)

    @property
    def types(self) -> set[str]:
        return {row.get("PostHistoryTypeId", "") for row in self.rows}


def _edit_key(row: dict[str, str]) -> tuple[str, str]:
    guid = row.get("RevisionGUID") or f"{row.get('CreationDate')}/{row.get('UserId')}"
    return row.get("PostId", ""), guid


class HistoryImport:
    """Reads PostHistory.xml batches for one importer run."""

    def __init__(self, importer: "Importer"):
        self.importer = importer
        self.site = importer.site
        # The trailing edit of a batch, whose rows may go on in the next one.
        self.carry: list[dict[str, str]] = []

    # Batches -----------------------------------------------------------------------

    def batch(self, rows: list[dict[str, str]], report: FileReport) -> None:
        rows = self.carry + rows
        self.carry = []
        if rows and rows[-1].get("PostHistoryTypeId") in REVISION_TYPES:
            last = _edit_key(rows[-1])
            while rows and _edit_key(rows[-1]) == last:
                self.carry.insert(0, rows.pop())
        self._write(rows, report)

    def finish(self, report: FileReport) -> None:
        with transaction.atomic():
            self._write(self.carry, report)
        self.carry = []
        self._record_imported_state(report)

    def _write(self, rows: list[dict[str, str]], report: FileReport) -> None:
        posts = self._posts({as_int(row.get("PostId")) for row in rows} - {None})
        users = self.importer._resolve(
            self.importer._author_key(row, "UserId", "UserDisplayName")
            for row in rows
            if row.get("UserId") or row.get("UserDisplayName")
        )
        edits: dict[tuple[str, str], _Edit] = {}
        touched: set[int] = set()
        for row in rows:
            sid = as_int(row.get("Id"))
            if sid is None:
                self.importer._skip(report, "Id is missing or not a number", "?", problem=True)
                continue
            kind = row.get("PostHistoryTypeId", "")
            if kind in REVISION_TYPES:
                edits.setdefault(_edit_key(row), _Edit()).rows.append(row)
            elif kind in STATE_TYPES:
                post = posts.get(as_int(row.get("PostId")) or 0)
                if post is None:
                    report.skip("history of a post not in the dump", sid)
                elif self._change_state(post, kind, row, users, report, sid):
                    touched.add(post.question_id)
            else:
                report.skip(f"history type {kind} not imported", sid)
        done = set(
            ImportedRevision.objects.filter(
                site=self.site, source_id__in=[edit.source_id for edit in edits.values()]
            ).values_list("source_id", flat=True)
        )
        writer = RevisionWriter(self.site)
        states = self._latest_states(
            [p for key, p in ((k, posts.get(as_int(k[0]) or 0)) for k in edits) if p is not None]
        )
        for edit in edits.values():
            post = posts.get(as_int(edit.rows[0].get("PostId")) or 0)
            if post is None:
                for row in edit.rows:
                    report.skip("history of a post not in the dump", row["Id"])
                continue
            if edit.source_id in done:
                report.unchanged += len(edit.rows)
                continue
            if self._record_edit(post, edit, users, states, writer, report):
                touched.add(post.question_id)
        writer.flush()
        if touched:
            outbox.enqueue(DocumentKind.QUESTION, touched)

    def _posts(self, source_ids: set[int | None]) -> dict[int, Post]:
        mapping = dict(
            ImportedPost.objects.filter(site=self.site, source_id__in=source_ids).values_list(
                "post_id", "source_id"
            )
        )
        return {mapping[post.pk]: post for post in Post.objects.filter(pk__in=mapping)}

    # Moderation state ----------------------------------------------------------------

    def _change_state(
        self,
        post: Post,
        kind: str,
        row: dict[str, str],
        users: dict[int | str, int],
        report: FileReport,
        sid: int,
    ) -> bool:
        when = as_date(row.get("CreationDate"))
        if when is None:
            self.importer._skip(report, "history date missing or unreadable", sid, problem=True)
            return False
        who = users.get(self.importer._author_key(row, "UserId", "UserDisplayName"))
        target = Post.objects.filter(pk=post.pk)
        if kind in ("10", "11") and post.post_type != PostType.QUESTION:
            report.skip("closing or reopening an answer", sid)
            return False
        if kind == "10":
            reason = CLOSE_REASONS.get((row.get("Comment") or "").strip(), DEFAULT_CLOSE_REASON)
            keep_original = F("duplicate_of") if reason == CloseReason.DUPLICATE else None
            target.update(
                closed_at=when, closed_by_id=who, close_reason=reason, duplicate_of=keep_original
            )
        elif kind == "11":
            target.update(closed_at=None, closed_by=None, close_reason="", duplicate_of=None)
        elif kind == "14":
            why = (row.get("Comment") or "Locked on the original site.")[:200]
            kind_of = (
                LockKind.HISTORICAL if "historical" in why.lower() else LockKind.CONTENT_DISPUTE
            )
            target.update(locked_at=when, locked_by_id=who, lock_reason=why, lock_kind=kind_of)
        else:
            target.update(locked_at=None, locked_by=None, lock_reason="", lock_kind="")
        report.imported += 1
        return True

    # Revisions -------------------------------------------------------------------------

    def _record_edit(
        self,
        post: Post,
        edit: _Edit,
        users: dict[int | str, int],
        states: dict[int, dict[str, Any]],
        writer: "RevisionWriter",
        report: FileReport,
    ) -> bool:
        first = edit.rows[0]
        when = as_date(first.get("CreationDate"))
        if when is None:
            self.importer._skip(
                report, "history date missing or unreadable", edit.source_id, problem=True
            )
            return False
        state = states[post.pk]
        changed = dict(state)
        for row in edit.rows:
            kind, text = row.get("PostHistoryTypeId", ""), row.get("Text") or ""
            if kind in BODY_TYPES:
                text = text.replace("\r\n", "\n")
                hostile = markup.hostile_markdown_source(text)
                if hostile:
                    self.importer._skip(
                        report,
                        "hostile content in a revision",
                        row["Id"],
                        problem=True,
                        detail=f"{report.name}: row {row['Id']}: the revision has {hostile}",
                    )
                    return False
                changed["body_source"] = text
            elif kind in TITLE_TYPES and post.is_question:
                changed["title"] = " ".join(text.split())[:150]
            elif kind in TAG_TYPES and post.is_question:
                changed["tag_names"] = " ".join(tag_names(text))
        types = edit.types
        kind_of = (
            RevisionKind.CREATED
            if types & {"1", "2", "3"} or not state["numbered"]
            else RevisionKind.ROLLED_BACK
            if types & {"7", "8", "9"}
            else RevisionKind.SUGGESTED_EDIT
            if "24" in types
            else RevisionKind.EDITED
        )
        editor_row = next((row for row in edit.rows if row.get("PostHistoryTypeId") != "24"), first)
        author = users.get(self.importer._author_key(editor_row, "UserId", "UserDisplayName"))
        approver = next(
            (
                match.group(1)
                for row in edit.rows
                if row.get("PostHistoryTypeId") == "24"
                and (match := _APPROVER.search(row.get("Comment") or ""))
            ),
            None,
        )
        approver_id = (
            self.importer._resolve([int(approver)]).get(int(approver)) if approver else None
        )
        summary = " ".join((editor_row.get("Comment") or "").split())
        if len(summary) > SUMMARY_MAX:
            summary = summary[: SUMMARY_MAX - 1] + "…"
        past = copy.copy(post)
        past.title = changed["title"]
        past.body_source = changed["body_source"]
        past.tag_names = changed["tag_names"]
        writer.add(
            past,
            author_id=author,
            kind=kind_of,
            summary=summary,
            created_at=when,
            approved_by_id=approver_id,
            source_id=edit.source_id,
        )
        states[post.pk] = {**changed, "numbered": True}
        report.imported += len(edit.rows)
        return True

    def _latest_states(self, posts: list[Post]) -> dict[int, dict[str, Any]]:
        """Each post's fields in its latest revision, its current ones if it has none."""
        states = {
            post.pk: {
                "title": post.title,
                "body_source": post.body_source,
                "tag_names": post.tag_names,
                "numbered": False,
            }
            for post in posts
        }
        latest = _latest_versions([post.pk for post in posts])
        for post_id, fields in latest.items():
            states[post_id] = {
                "title": fields.get("title", ""),
                "body_source": fields.get("body_source", ""),
                "tag_names": fields.get("tag_names", ""),
                "numbered": True,
            }
        return states

    # The imported state ----------------------------------------------------------------

    def _record_imported_state(self, report: FileReport) -> None:
        """One "imported" revision where the latest one differs from the post."""
        content_type = ContentType.objects.get_for_model(Post)
        latest = (
            RevisionInfo.objects.filter(content_type=content_type, object_id=OuterRef("post_id"))
            .order_by("-number")
            .values("revision_id")[:1]
        )
        rows = (
            ImportedPost.objects.filter(site=self.site)
            .annotate(latest=Subquery(latest))
            .filter(latest__isnull=False)
            .values_list("post_id", flat=True)
            .order_by("pk")
        )
        for chunk in batches(rows.iterator(chunk_size=500), 500):
            with transaction.atomic():
                self._record_chunk(chunk, report)

    def _record_chunk(self, post_ids: list[int], report: FileReport) -> None:
        latest = _latest_versions(post_ids)
        writer = RevisionWriter(self.site)
        now = timezone.now()
        for post in Post.objects.filter(pk__in=latest):
            fields = latest[post.pk]
            if (fields.get("title"), fields.get("body_source"), fields.get("tag_names")) != (
                post.title,
                post.body_source,
                post.tag_names,
            ):
                writer.add(
                    post,
                    author_id=None,
                    kind=RevisionKind.IMPORTED,
                    summary="Imported: converted to this site's Markdown",
                    created_at=now,
                )
                report.updated += 1
        writer.flush()


def _latest_versions(post_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The stored fields of each post's latest revision (posts with one only)."""
    content_type = ContentType.objects.get_for_model(Post)
    latest: dict[int, tuple[int, str]] = {}
    for pk, object_id, data in (
        Version.objects.filter(content_type=content_type, object_id__in=[str(p) for p in post_ids])
        .values_list("pk", "object_id", "serialized_data")
        .iterator()
    ):
        post_id = int(object_id)
        if post_id not in latest or latest[post_id][0] < pk:
            latest[post_id] = (pk, data)
    return {post_id: json.loads(data)[0]["fields"] for post_id, (_, data) in latest.items()}


@dataclass
class _Pending:
    post: Post
    revision: Revision
    version: Version
    kind: str
    approved_by_id: int | None
    source_id: int | None


class RevisionWriter:
    """Collects revisions of posts and writes them in bulk (``flush``): the
    rows ``versioning.services.revision_record`` would write, numbered after
    each post's latest revision. Preconditions as there: inside the
    transaction, no other writer numbering the same posts meanwhile."""

    def __init__(self, site: Any):
        self.site = site
        self.pending: list[_Pending] = []

    def add(
        self,
        post: Post,
        *,
        author_id: int | None,
        kind: str,
        summary: str,
        created_at: datetime,
        approved_by_id: int | None = None,
        source_id: int | None = None,
    ) -> None:
        """Queue ``post``'s in-memory versioned fields as its next revision."""
        revision = Revision(
            date_created=created_at, user_id=author_id, comment=clean_summary(summary)
        )
        version = Version(
            content_type=ContentType.objects.get_for_model(Post),
            object_id=str(post.pk),
            db="default",
            format="json",
            serialized_data=serializers.serialize(
                "json", (post,), fields=list(POST_VERSIONED_FIELDS)
            ),
            object_repr=str(post),
        )
        self.pending.append(_Pending(post, revision, version, kind, approved_by_id, source_id))

    def flush(self) -> None:
        if not self.pending:
            return
        content_type = ContentType.objects.get_for_model(Post)
        numbers = dict(
            RevisionInfo.objects.filter(
                content_type=content_type, object_id__in={p.post.pk for p in self.pending}
            )
            .values_list("object_id")
            .annotate(latest=Max("number"))
            .values_list("object_id", "latest")
        )
        Revision.objects.bulk_create([p.revision for p in self.pending])
        versions, infos, mappings = [], [], []
        for pending in self.pending:
            number = numbers.get(pending.post.pk, 0) + 1
            numbers[pending.post.pk] = number
            version = pending.version
            version.revision = pending.revision
            versions.append(version)
            infos.append(
                RevisionInfo(
                    revision=pending.revision,
                    content_type=content_type,
                    object_id=pending.post.pk,
                    number=number,
                    kind=pending.kind,
                    approved_by_id=pending.approved_by_id,
                )
            )
            if pending.source_id is not None:
                mappings.append(
                    ImportedRevision(
                        site=self.site, source_id=pending.source_id, revision=pending.revision
                    )
                )
        Version.objects.bulk_create(versions)
        RevisionInfo.objects.bulk_create(infos)
        ImportedRevision.objects.bulk_create(mappings)
        self.pending = []
