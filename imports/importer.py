"""Import a Stack Exchange dump folder, file by file, in batches.

Each file is streamed (``imports.reader``) and handled in batches of rows;
each batch is one transaction that writes its rows, their mappings
(``imports.models``), the counters they move (with ``F()``) and the search
outbox rows of the questions it changed. An interrupted run leaves whole
batches behind, and running it again finds their mappings: rows whose dump
attributes did not change are left alone, changed ones are updated, the rest
are created. Files are read in dependency order: users, tags, posts, post
history, post links, comments, votes, badges.
"""

import hashlib
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.db.models import DateTimeField, F, Model, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from entraide.rendering import plain_text
from qa.models import CloseReason, Comment, Post, PostLink, PostType, Tag
from reputation import services as reputation
from reputation.models import Reason, ReputationEvent
from search import outbox
from search.models import DocumentKind

from . import bulk
from .fields import as_date, as_int, batches, row_digest, tag_names
from .history import DEFAULT_CLOSE_REASON, HistoryImport
from .models import (
    ImportedComment,
    ImportedPost,
    ImportedTag,
    ImportedUser,
    ImportRun,
    ImportSite,
)
from .reader import BadRow, DumpFile
from .rendering import Job, Kind, Outcome, Pending, Rendered, Renderer, render
from .report import FileReport, ImportSummary, ProblemCallback, ProgressCallback

DEFAULT_BATCH_SIZE = 500
TEMPORARY_POSITION = 1_000_000

# Post types other than questions and answers, imported elsewhere or not at all.
POST_TYPE_LABELS = {
    "3": "orphaned tag wiki",
    "4": "tag wiki excerpt",
    "5": "tag wiki",
    "6": "moderator nomination",
    "7": "wiki placeholder",
    "8": "privilege wiki",
}
VOTE_UP, VOTE_DOWN = "2", "3"
VOTE_TYPE_LABELS = {
    "1": "acceptance (read from Posts.xml)",
    "4": "offensive flag",
    "5": "favourite (Entraide has no bookmarks)",
    "6": "close vote",
    "7": "reopen vote",
    "8": "bounty start",
    "9": "bounty close",
    "10": "deletion",
    "11": "undeletion",
    "12": "spam flag",
    "15": "moderator review",
    "16": "approved edit suggestion",
}
LINK_TYPES = {"1": PostLink.LinkType.LINKED, "3": PostLink.LinkType.DUPLICATE}
TITLE_MAX = Post._meta.get_field("title").max_length or 150
TAG_MAX = Tag._meta.get_field("name").max_length or 35
DISPLAY_NAME_MAX = User._meta.get_field("display_name").max_length or 60
WEBSITE_MAX = User._meta.get_field("website_url").max_length or 200


def _bump(model: type[Model], field_name: str, deltas: Counter[int]) -> None:
    """Move a counter on many rows: one UPDATE per distinct delta, with ``F()``."""
    by_delta: dict[int, list[int]] = defaultdict(list)
    for pk, delta in deltas.items():
        if delta:
            by_delta[delta].append(pk)
    for delta, pks in by_delta.items():
        model._default_manager.filter(pk__in=pks).update(**{field_name: F(field_name) + delta})


def _set_accepted_answers(changes: list[tuple[int, int, datetime]]) -> None:
    """Set each question's accepted answer and its date: one statement run
    for every row. ``bulk_update`` builds a CASE per row and field, which
    cost a fifth of the Posts.xml phase."""
    table, answer, when_column, pk = (
        connection.ops.quote_name(name)
        for name in (
            Post._meta.db_table,
            Post._meta.get_field("accepted_answer").column,
            Post._meta.get_field("accepted_at").column,
            Post._meta.pk.column,
        )
    )
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {answer} = %s, {when_column} = %s WHERE {pk} = %s",
            [(answer_id, adapt(when), question_id) for question_id, answer_id, when in changes],
        )


@dataclass
class _PostDraft:
    source_id: int
    row: dict[str, str]
    digest: int
    is_question: bool
    existing: ImportedPost | None = None
    parent_id: int | None = None
    tags: list[str] = field(default_factory=list)
    rendered: Rendered | None = None


class Importer:
    """One run over one dump folder; ``run()`` reads every file present."""

    FILES = (
        "Users.xml",
        "Tags.xml",
        "Posts.xml",
        "PostHistory.xml",
        "PostLinks.xml",
        "Comments.xml",
        "Votes.xml",
        "Badges.xml",
    )

    def __init__(
        self,
        *,
        folder: Path,
        site: ImportSite,
        run: ImportRun,
        summary: ImportSummary,
        limit: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_progress: ProgressCallback | None = None,
        on_problem: ProblemCallback | None = None,
        jobs: int = 1,
    ):
        self.folder = folder
        self.site = site
        self.run = run
        self.summary = summary
        self.limit = limit
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.on_problem = on_problem
        self.questions_taken = 0
        self.reputation_key = f"import:{site.pk}:{run.pk}"
        self.unusable_password = make_password(None)
        self.renderer = Renderer(jobs)
        # The current batch's rendered texts, by (kind of row, dump id).
        self.rendered: dict[object, Outcome] = {}

    # The run ------------------------------------------------------------------

    def run_all(self) -> None:
        handlers: dict[str, Callable[[list[dict[str, str]], FileReport], None]] = {
            "Users.xml": self._users,
            "Tags.xml": self._tags,
            "Posts.xml": self._posts,
            "PostHistory.xml": self._history,
            "PostLinks.xml": self._links,
            "Comments.xml": self._comments,
            "Votes.xml": self._votes,
            "Badges.xml": self._badges,
        }
        present = {path.name.lower(): path for path in self.folder.iterdir() if path.is_file()}
        try:
            self._run_files(present, handlers)
        finally:
            self.renderer.close()

    def _run_files(
        self,
        present: dict[str, Path],
        handlers: dict[str, Callable[[list[dict[str, str]], FileReport], None]],
    ) -> None:
        for name in self.FILES:
            path = present.get(name.lower())
            if path is None:
                self.summary.warnings.append(f"{name} is not in the folder: skipped.")
                continue
            before = getattr(self, f"_before_{name[:-4].lower()}", None)
            if before:
                before()
            self._stream(path, name, handlers[name])
            after = getattr(self, f"_after_{name[:-4].lower()}", None)
            if after:
                report = self.summary.file(name)
                started, cpu = time.perf_counter(), time.process_time()
                after(report)
                report.seconds += time.perf_counter() - started
                report.cpu_seconds += time.process_time() - cpu

    def _stream(
        self,
        path: Path,
        name: str,
        handle: Callable[[list[dict[str, str]], FileReport], None],
    ) -> None:
        report = self.summary.file(name)

        def bad_row(bad: BadRow) -> None:
            self._skip(report, "malformed XML", bad.row_id or f"line {bad.line}", detail=str(bad))

        dump = DumpFile(path, on_bad_row=bad_row)
        jobs = {
            "Users.xml": self._user_jobs,
            "Posts.xml": self._post_jobs,
            "Comments.xml": self._comment_jobs,
        }.get(name)
        started, cpu = time.perf_counter(), time.process_time()
        worker_cpu = self.renderer.cpu_seconds()

        def write(batch: list[dict[str, str]], pending: Pending) -> None:
            report.read += len(batch)
            self.rendered = pending.get()
            with transaction.atomic():
                handle(batch, report)
            reset_queries()  # with DEBUG on, the query log would grow with the file
            report.seconds = time.perf_counter() - started
            if self.on_progress:
                # The reader is a batch ahead: never report the end before it is written.
                self.on_progress(report, min(dump.position, dump.size - 1), dump.size)

        # Texts are rendered one batch ahead of the writes (imports.rendering).
        previous: tuple[list[dict[str, str]], Pending] | None = None
        for batch in batches(dump.rows(), self.batch_size):
            pending = self.renderer.submit(jobs(batch) if jobs else [])
            if previous:
                write(*previous)
            previous = (batch, pending)
        if previous:
            write(*previous)
        self.rendered = {}
        report.seconds = time.perf_counter() - started
        report.cpu_seconds = time.process_time() - cpu
        report.worker_cpu_seconds = self.renderer.cpu_seconds() - worker_cpu
        if self.on_progress:
            self.on_progress(report, dump.size, dump.size)

    def _skip(
        self,
        report: FileReport,
        reason: str,
        row_id: object,
        *,
        problem: bool = False,
        detail: str = "",
    ) -> None:
        """Count a row not imported; bad input (``problem``) is also reported on its own."""
        report.skip(reason, row_id)
        if problem or detail:
            message = detail or f"{report.name}: row {row_id}: {reason}"
            self.summary.problems.append(message)
            if self.on_problem:
                self.on_problem(message)

    # Rendering, one batch ahead ------------------------------------------------

    def _outcome(self, key: tuple[str, int], kind: Kind, text: str) -> Outcome:
        """The text rendered ahead for ``key``, or rendered now."""
        outcome = self.rendered.get(key)
        return outcome if outcome is not None else render(kind, text)

    def _changed_rows(
        self,
        model: type[ImportedUser | ImportedPost | ImportedComment],
        batch: list[dict[str, str]],
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows whose dump attributes differ from what was imported."""
        ids = {sid: row for row in batch if (sid := as_int(row.get("Id"))) is not None}
        known = dict(
            model.objects.filter(site=self.site, source_id__in=ids).values_list(
                "source_id", "digest"
            )
        )
        for sid, row in ids.items():
            if known.get(sid) != row_digest(row):
                yield sid, row

    def _user_jobs(self, batch: list[dict[str, str]]) -> list[Job]:
        return [
            (("user", sid), "html", row["AboutMe"])
            for sid, row in self._changed_rows(ImportedUser, batch)
            if (row.get("AboutMe") or "").strip()
        ]

    def _post_jobs(self, batch: list[dict[str, str]]) -> list[Job]:
        changed = dict(self._changed_rows(ImportedPost, batch))
        return [
            (("post", sid), "html", row.get("Body") or "")
            for row in batch
            if (sid := as_int(row.get("Id"))) is not None
            and (
                row.get("PostTypeId") in ("4", "5")
                or (row.get("PostTypeId") in ("1", "2") and sid in changed)
            )
        ]

    def _comment_jobs(self, batch: list[dict[str, str]]) -> list[Job]:
        return [
            (("comment", sid), "comment", row.get("Text") or "")
            for sid, row in self._changed_rows(ImportedComment, batch)
        ]

    def _source_id(self, report: FileReport, row: dict[str, str]) -> int | None:
        source_id = as_int(row.get("Id"))
        if source_id is None:
            self._skip(report, "Id is missing or not a number", row.get("Id", "?"), problem=True)
        return source_id

    # Users --------------------------------------------------------------------

    def _username(self, source_id: int) -> str:
        return f"{self.site.slug}-{source_id}"

    def _ghost_username(self, name: str) -> str:
        digest = hashlib.blake2b(name.encode(), digest_size=5).hexdigest()
        return f"{self.site.slug}-ghost-{digest}"

    def _new_user(self, username: str, **fields: Any) -> User:
        return User(
            username=username,
            email=f"{username}@imported.invalid",
            password=self.unusable_password,
            **fields,
        )

    def _user_fields(
        self, report: FileReport, source_id: int, row: dict[str, str]
    ) -> dict[str, Any]:
        name = (row.get("DisplayName") or "").strip() or f"user{source_id}"
        if len(name) > DISPLAY_NAME_MAX:
            report.skip("display name shortened to 60 characters (user kept)", source_id)
            name = name[: DISPLAY_NAME_MAX - 1] + "…"
        about_source = about_html = ""
        about = row.get("AboutMe") or ""
        if about.strip():
            outcome = self._outcome(("user", source_id), "html", about)
            hostile = outcome.hostile
            if hostile or outcome.rendered is None:
                self._skip(
                    report,
                    "hostile about text dropped (user kept)",
                    source_id,
                    problem=True,
                    detail=f"{report.name}: row {source_id}: about text has {hostile}; "
                    "the about text is dropped, the user kept",
                )
            else:
                about_source, about_html = outcome.rendered.source, outcome.rendered.html
        website = (row.get("WebsiteUrl") or "").strip()
        if website and (
            not website.lower().startswith(("http://", "https://")) or len(website) > WEBSITE_MAX
        ):
            self._skip(
                report,
                "website not an http(s) URL dropped (user kept)",
                source_id,
                problem=True,
                detail=f"{report.name}: row {source_id}: website {website[:40]!r} is not an "
                "http(s) URL; dropped, the user kept",
            )
            website = ""
        return {
            "display_name": name,
            "date_joined": as_date(row.get("CreationDate")) or timezone.now(),
            "about_source": about_source,
            "about_html": about_html,
            "website_url": website,
        }

    def _parsed_with_mappings(
        self, mapping: Any, rows: list[dict[str, str]], report: FileReport
    ) -> tuple[list[tuple[int, dict[str, str]]], dict[int, Any]]:
        """The rows with a valid source id, and this site's existing mappings of them."""
        parsed = [(sid, row) for row in rows if (sid := self._source_id(report, row)) is not None]
        ids = [sid for sid, _ in parsed]
        existing = mapping.objects.filter(site=self.site, source_id__in=ids)
        return parsed, {m.source_id: m for m in existing}

    def _users(self, rows: list[dict[str, str]], report: FileReport) -> None:
        parsed, mappings = self._parsed_with_mappings(ImportedUser, rows, report)
        new: list[tuple[int, int, User, int]] = []
        changed: list[tuple[ImportedUser, dict[str, Any], int, int]] = []
        for sid, row in parsed:
            digest = row_digest(row)
            mapping = mappings.get(sid)
            if mapping is not None and mapping.digest == digest:
                report.unchanged += 1
                continue
            points = max(1, as_int(row.get("Reputation")) or 1)
            fields = self._user_fields(report, sid, row)
            if mapping is None:
                new.append(
                    (
                        sid,
                        digest,
                        self._new_user(self._username(sid), **fields, reputation=points),
                        points,
                    )
                )
            else:
                changed.append((mapping, fields, digest, points))
        User.objects.bulk_create([user for _, _, user, _ in new])
        ImportedUser.objects.bulk_create(
            ImportedUser(site=self.site, source_id=sid, user=user, is_described=True, digest=digest)
            for sid, digest, user, _ in new
        )
        # The dump's reputation is one ledger row; the cached total was set with it.
        ReputationEvent.objects.bulk_create(
            ReputationEvent(
                user=user, amount=points - 1, reason=Reason.IMPORTED, key=self.reputation_key
            )
            for _, _, user, points in new
            if points > 1
        )
        report.imported += len(new)
        if changed:
            self._update_users(changed)
            report.updated += len(changed)

    def _update_users(self, changed: list[tuple[ImportedUser, dict[str, Any], int, int]]) -> None:
        users = User.objects.in_bulk([mapping.user_id for mapping, _, _, _ in changed])
        for mapping, fields, digest, points in changed:
            user = users[mapping.user_id]
            for name, value in fields.items():
                setattr(user, name, value)
            mapping.digest = digest
            mapping.is_described = True
            self._reimport_reputation(user.pk, points)
        User.objects.bulk_update(
            users.values(),
            ["display_name", "date_joined", "about_source", "about_html", "website_url"],
        )
        ImportedUser.objects.bulk_update([m for m, _, _, _ in changed], ["digest", "is_described"])

    def _reimport_reputation(self, user_id: int, points: int) -> None:
        """Replace the member's imported ledger row when the dump's figure changed."""
        current = ReputationEvent.objects.filter(
            user_id=user_id,
            reason=Reason.IMPORTED,
            key__startswith=f"import:{self.site.pk}:",
            reversed_by__isnull=True,
        )
        if sum(event.amount for event in current) == points - 1:
            return
        reputation.reputation_reverse(credits=current, reason=Reason.UNDONE)
        if points > 1:
            reputation.reputation_import(
                user_id=user_id, reputation=points, key=self.reputation_key
            )

    def _authors(
        self, ids: set[int], names: set[str]
    ) -> tuple[dict[int | None, int], dict[str, int]]:
        """Our user ids for dump user ids and for name-only authors; members the
        dump does not describe (no Users.xml, deleted accounts) become stubs."""
        by_id = dict(
            ImportedUser.objects.filter(site=self.site, source_id__in=ids).values_list(
                "source_id", "user_id"
            )
        )
        by_name = dict(
            ImportedUser.objects.filter(
                site=self.site, source_id__isnull=True, source_name__in=names
            ).values_list("source_name", "user_id")
        )
        missing_ids = sorted(ids - by_id.keys())
        missing_names = sorted(names - by_name.keys())
        if missing_ids or missing_names:
            stubs = [
                (sid, "", self._new_user(self._username(sid), display_name=f"user{sid}"))
                for sid in missing_ids
            ] + [
                (
                    None,
                    name,
                    self._new_user(
                        self._ghost_username(name),
                        display_name=(name or "Anonymous")[:DISPLAY_NAME_MAX],
                    ),
                )
                for name in missing_names
            ]
            User.objects.bulk_create([user for _, _, user in stubs])
            ImportedUser.objects.bulk_create(
                ImportedUser(site=self.site, source_id=sid, source_name=name, user=user)
                for sid, name, user in stubs
            )
            for sid, name, user in stubs:
                if sid is None:
                    by_name[name] = user.pk
                else:
                    by_id[sid] = user.pk
        return by_id, by_name

    @staticmethod
    def _author_key(row: dict[str, str], id_field: str, name_field: str) -> int | str:
        sid = as_int(row.get(id_field))
        return sid if sid is not None else (row.get(name_field) or "").strip()[:100]

    def _resolve(self, keys: Iterable[int | str]) -> dict[int | str, int]:
        keys = list(keys)
        by_id, by_name = self._authors(
            {key for key in keys if isinstance(key, int)},
            {key for key in keys if isinstance(key, str)},
        )
        resolved: dict[int | str, int] = {key: pk for key, pk in by_id.items() if key is not None}
        resolved.update(by_name)
        return resolved

    # Tags ---------------------------------------------------------------------

    def _tags(self, rows: list[dict[str, str]], report: FileReport) -> None:
        parsed: list[tuple[int, str, dict[str, str]]] = []
        for row in rows:
            sid = self._source_id(report, row)
            if sid is None:
                continue
            name = (row.get("TagName") or "").strip().lower()
            if not name or len(name) > TAG_MAX or " " in name:
                self._skip(
                    report,
                    f"tag name empty, with spaces or over {TAG_MAX} characters",
                    sid,
                    problem=True,
                )
                continue
            parsed.append((sid, name, row))
        tags = self._tag_rows({name for _, name, _ in parsed})
        mappings = {
            m.source_id: m
            for m in ImportedTag.objects.filter(
                site=self.site, source_id__in=[sid for sid, _, _ in parsed]
            )
        }
        new, changed = [], []
        for sid, name, row in parsed:
            fields = {
                "tag": tags[name],
                "excerpt_post_id": as_int(row.get("ExcerptPostId")),
                "wiki_post_id": as_int(row.get("WikiPostId")),
            }
            mapping = mappings.get(sid)
            if mapping is None:
                new.append(ImportedTag(site=self.site, source_id=sid, **fields))
            elif any(getattr(mapping, key) != value for key, value in fields.items()):
                for key, value in fields.items():
                    setattr(mapping, key, value)
                changed.append(mapping)
            else:
                report.unchanged += 1
        ImportedTag.objects.bulk_create(new)
        ImportedTag.objects.bulk_update(changed, ["tag", "excerpt_post_id", "wiki_post_id"])
        report.imported += len(new)
        report.updated += len(changed)

    @staticmethod
    def _tag_rows(names: set[str]) -> dict[str, Tag]:
        """Tags by name, creating those that do not exist (shared by every site)."""
        tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        missing = names - tags.keys()
        if missing:
            Tag.objects.bulk_create(
                [Tag(name=name) for name in sorted(missing)], ignore_conflicts=True
            )
            tags |= {tag.name: tag for tag in Tag.objects.filter(name__in=missing)}
        return tags

    # Posts --------------------------------------------------------------------

    def _posts(self, rows: list[dict[str, str]], report: FileReport) -> None:
        questions: list[_PostDraft] = []
        answers: list[_PostDraft] = []
        wikis: list[tuple[int, dict[str, str]]] = []
        for row in rows:
            sid = self._source_id(report, row)
            if sid is None:
                continue
            kind = row.get("PostTypeId")
            if kind in ("1", "2"):
                draft = _PostDraft(sid, row, row_digest(row), is_question=kind == "1")
                (questions if draft.is_question else answers).append(draft)
            elif kind in ("4", "5"):
                wikis.append((sid, row))
            elif kind in POST_TYPE_LABELS:
                report.skip(f"{POST_TYPE_LABELS[kind]} (post type {kind}) not imported", sid)
            else:
                self._skip(report, f"unknown PostTypeId {kind!r}", sid, problem=True)
        existing = {
            m.source_id: m
            for m in ImportedPost.objects.filter(
                site=self.site, source_id__in=[d.source_id for d in questions + answers]
            )
        }
        changed_questions: set[int] = set()
        if questions:
            changed_questions |= self._save_posts(
                self._prepare_questions(questions, existing, report), report
            )
        if answers:
            changed_questions |= self._save_posts(
                self._prepare_answers(answers, existing, report), report
            )
        if wikis:
            self._tag_wikis(wikis, report)
        if changed_questions:
            outbox.enqueue(DocumentKind.QUESTION, changed_questions)

    def _limit_reached(self) -> bool:
        return self.limit is not None and self.questions_taken >= self.limit

    def _prepare_questions(
        self, drafts: list[_PostDraft], existing: dict[int, ImportedPost], report: FileReport
    ) -> list[_PostDraft]:
        ready = []
        for draft in drafts:
            draft.existing = existing.get(draft.source_id)
            if draft.existing is None and self._limit_reached():
                report.skip("question beyond --limit", draft.source_id)
                continue
            self.questions_taken += 1
            if draft.existing is not None and draft.existing.digest == draft.digest:
                report.unchanged += 1
                continue
            title = " ".join((draft.row.get("Title") or "").split())
            if not title:
                self._skip(report, "question without a title", draft.source_id, problem=True)
                continue
            if len(title) > TITLE_MAX:
                self._skip(
                    report, f"title over {TITLE_MAX} characters", draft.source_id, problem=True
                )
                continue
            draft.tags = tag_names(draft.row.get("Tags"))
            if any(len(name) > TAG_MAX for name in draft.tags):
                self._skip(report, f"tag over {TAG_MAX} characters", draft.source_id, problem=True)
                continue
            if self._render(draft, report):
                ready.append(draft)
        return ready

    def _posts_by_source(self, source_ids: set[int | None]) -> dict[int, tuple[int, str]]:
        """Our post id and type for each of these dump post ids already imported."""
        return {
            sid: (post_id, post_type)
            for sid, post_id, post_type in ImportedPost.objects.filter(
                site=self.site, source_id__in=source_ids - {None}
            ).values_list("source_id", "post_id", "post__post_type")
        }

    def _prepare_answers(
        self, drafts: list[_PostDraft], existing: dict[int, ImportedPost], report: FileReport
    ) -> list[_PostDraft]:
        parents = self._posts_by_source({as_int(d.row.get("ParentId")) for d in drafts})
        ready = []
        for draft in drafts:
            draft.existing = existing.get(draft.source_id)
            parent_sid = as_int(draft.row.get("ParentId"))
            parent = parents.get(parent_sid) if parent_sid is not None else None
            if parent is None:
                if self._limit_reached():
                    report.skip("answer to a question beyond --limit", draft.source_id)
                else:
                    self._skip(
                        report,
                        "answer whose question was not imported",
                        draft.source_id,
                        problem=True,
                        detail=f"{report.name}: row {draft.source_id}: answer whose question "
                        f"({draft.row.get('ParentId')!r}) is missing from the dump or was skipped",
                    )
                continue
            if parent[1] != PostType.QUESTION:
                self._skip(
                    report, "answer whose parent is not a question", draft.source_id, problem=True
                )
                continue
            if draft.existing is not None and draft.existing.digest == draft.digest:
                report.unchanged += 1
                continue
            draft.parent_id = parent[0]
            if self._render(draft, report):
                ready.append(draft)
        return ready

    def _render(self, draft: _PostDraft, report: FileReport) -> bool:
        outcome = self._outcome(("post", draft.source_id), "html", draft.row.get("Body") or "")
        hostile = outcome.hostile
        if hostile or outcome.rendered is None:
            self._skip(
                report,
                "hostile HTML in the body",
                draft.source_id,
                problem=True,
                detail=f"{report.name}: row {draft.source_id}: the body has {hostile}",
            )
            return False
        if as_date(draft.row.get("CreationDate")) is None:
            self._skip(report, "creation date missing or unreadable", draft.source_id, problem=True)
            return False
        draft.rendered = outcome.rendered
        return True

    def _post_fields(self, draft: _PostDraft, users: dict[int | str, int]) -> dict[str, Any]:
        row = draft.row
        assert draft.rendered is not None
        created = as_date(row.get("CreationDate")) or timezone.now()
        fields: dict[str, Any] = {
            "author_id": users[self._author_key(row, "OwnerUserId", "OwnerDisplayName")],
            "body_source": draft.rendered.source,
            "body_html": draft.rendered.html,
            "excerpt": draft.rendered.excerpt,
            "is_community_wiki": bool(row.get("CommunityOwnedDate")),
            "view_count": max(0, as_int(row.get("ViewCount")) or 0),
            "created_at": created,
            "edited_at": as_date(row.get("LastEditDate")),
            "last_editor_id": users.get(
                self._author_key(row, "LastEditorUserId", "LastEditorDisplayName")
            )
            if (row.get("LastEditorUserId") or row.get("LastEditorDisplayName"))
            else None,
            "last_activity_at": as_date(row.get("LastActivityDate")) or created,
        }
        if draft.is_question:
            title = " ".join((row.get("Title") or "").split())
            closed_at = as_date(row.get("ClosedDate"))
            fields |= {
                "title": title,
                "slug": Post.slug_for(title),
                "tag_names": " ".join(draft.tags),
                "closed_at": closed_at,
            }
        return fields

    def _save_posts(self, drafts: list[_PostDraft], report: FileReport) -> set[int]:
        """Create or update the drafts' posts; return the questions to re-index."""
        if not drafts:
            return set()
        keys = []
        for draft in drafts:
            keys.append(self._author_key(draft.row, "OwnerUserId", "OwnerDisplayName"))
            if draft.row.get("LastEditorUserId") or draft.row.get("LastEditorDisplayName"):
                keys.append(
                    self._author_key(draft.row, "LastEditorUserId", "LastEditorDisplayName")
                )
        users = self._resolve(keys)
        tags = self._tag_rows({name for draft in drafts for name in draft.tags})
        new = [d for d in drafts if d.existing is None]
        changed = [d for d in drafts if d.existing is not None]
        touched: set[int] = set()
        tag_deltas: Counter[int] = Counter()
        answer_deltas: Counter[int] = Counter()

        posts = []
        for draft in new:
            fields = self._post_fields(draft, users)
            score = as_int(draft.row.get("Score")) or 0
            if draft.is_question:
                post = Post(post_type=PostType.QUESTION, score=score, **fields)
                if post.closed_at:
                    post.close_reason = DEFAULT_CLOSE_REASON
            else:
                post = Post(
                    post_type=PostType.ANSWER, parent_id=draft.parent_id, score=score, **fields
                )
            posts.append(post)
        # bulk.insert: bulk_create's per-value work was most of writing a post.
        bulk.insert(Post, posts)
        bulk.insert(
            ImportedPost,
            [
                ImportedPost(
                    site_id=self.site.pk,
                    source_id=draft.source_id,
                    post_id=post.pk,
                    accepted_source_id=as_int(draft.row.get("AcceptedAnswerId")),
                    source_score=post.score,
                    digest=draft.digest,
                )
                for draft, post in zip(new, posts, strict=True)
            ],
        )
        through = Post.tags.through
        bulk.insert(
            through,
            [
                through(post_id=post.pk, tag_id=tags[name].pk)
                for draft, post in zip(new, posts, strict=True)
                for name in draft.tags
            ],
        )
        for draft, post in zip(new, posts, strict=True):
            if draft.is_question:
                tag_deltas.update(tags[name].pk for name in draft.tags)
                touched.add(post.pk)
            else:
                answer_deltas[post.parent_id] += 1  # type: ignore[index]
                touched.add(post.parent_id)  # type: ignore[arg-type]
        report.imported += len(new)

        if changed:
            touched |= self._update_posts(changed, users, tags, tag_deltas)
            report.updated += len(changed)
        _bump(Tag, "usage_count", tag_deltas)
        _bump(Post, "answer_count", answer_deltas)
        return touched

    def _update_posts(
        self,
        drafts: list[_PostDraft],
        users: dict[int | str, int],
        tags: dict[str, Tag],
        tag_deltas: Counter[int],
    ) -> set[int]:
        posts = Post.objects.in_bulk([d.existing.post_id for d in drafts if d.existing])
        old_tag_ids = dict(
            Tag.objects.filter(
                name__in={name for post in posts.values() for name in post.tag_list}
            ).values_list("name", "pk")
        )
        touched: set[int] = set()
        score_deltas: Counter[int] = Counter()
        update_fields: set[str] = set()
        through = Post.tags.through
        for draft in drafts:
            assert draft.existing is not None
            post = posts[draft.existing.post_id]
            fields = self._post_fields(draft, users)
            if draft.is_question:
                if fields["closed_at"] is None:
                    fields |= {"close_reason": "", "duplicate_of_id": None, "closed_by_id": None}
                elif not post.close_reason:
                    fields["close_reason"] = DEFAULT_CLOSE_REASON
                old_tags, new_tags = post.tag_list, draft.tags
                if old_tags != new_tags:
                    through.objects.filter(post_id=post.pk).delete()
                    through.objects.bulk_create(
                        through(post_id=post.pk, tag_id=tags[name].pk) for name in new_tags
                    )
                    if not post.is_deleted:
                        tag_deltas.update(tags[name].pk for name in new_tags)
                        tag_deltas.subtract(old_tag_ids[name] for name in old_tags)
                if as_int(draft.row.get("AcceptedAnswerId")) is None and post.accepted_answer_id:
                    fields |= {"accepted_answer_id": None, "accepted_at": None}
            for name, value in fields.items():
                setattr(post, name, value)
            update_fields |= fields.keys()
            score = as_int(draft.row.get("Score")) or 0
            score_deltas[post.pk] += score - draft.existing.source_score
            draft.existing.source_score = score
            draft.existing.digest = draft.digest
            draft.existing.accepted_source_id = as_int(draft.row.get("AcceptedAnswerId"))
            touched.add(post.question_id)
        Post.objects.bulk_update(posts.values(), sorted(update_fields))
        ImportedPost.objects.bulk_update(
            [d.existing for d in drafts if d.existing],
            ["source_score", "digest", "accepted_source_id"],
        )
        _bump(Post, "score", score_deltas)
        return touched

    def _tag_wikis(self, rows: list[tuple[int, dict[str, str]]], report: FileReport) -> None:
        ids = [sid for sid, _ in rows]
        owners = {
            **{
                (m.excerpt_post_id, "4"): m.tag_id
                for m in ImportedTag.objects.filter(site=self.site, excerpt_post_id__in=ids)
            },
            **{
                (m.wiki_post_id, "5"): m.tag_id
                for m in ImportedTag.objects.filter(site=self.site, wiki_post_id__in=ids)
            },
        }
        for sid, row in rows:
            kind = row.get("PostTypeId", "")
            tag_id = owners.get((sid, kind))
            if tag_id is None:
                report.skip(f"{POST_TYPE_LABELS[kind]} of a tag Tags.xml does not name", sid)
                continue
            outcome = self._outcome(("post", sid), "html", row.get("Body") or "")
            rendered = outcome.rendered
            if outcome.hostile or rendered is None:
                self._skip(
                    report,
                    "hostile HTML in the body",
                    sid,
                    problem=True,
                    detail=f"{report.name}: row {sid}: the body has {outcome.hostile}",
                )
                continue
            if kind == "4":
                changes = {"excerpt": plain_text(rendered.html)}
            else:
                changes = {"wiki_source": rendered.source, "wiki_html": rendered.html}
            count = Tag.objects.filter(pk=tag_id).exclude(**changes).update(**changes)
            if count:
                report.imported += 1
            else:
                report.unchanged += 1

    def _after_posts(self, report: FileReport) -> None:
        """Mark accepted answers, now that every answer has been read."""
        pending = (
            ImportedPost.objects.filter(site=self.site, accepted_source_id__isnull=False)
            .values_list("post_id", "accepted_source_id")
            .order_by("pk")
        )
        for batch in batches(pending.iterator(chunk_size=self.batch_size), self.batch_size):
            with transaction.atomic():
                self._accept(batch, report)

    def _accept(self, batch: list[tuple[int, int]], report: FileReport) -> None:
        answers = dict(
            ImportedPost.objects.filter(
                site=self.site, source_id__in=[sid for _, sid in batch]
            ).values_list("source_id", "post_id")
        )
        answer_rows = {
            pk: (parent_id, created_at)
            for pk, parent_id, created_at in Post.objects.filter(
                pk__in=answers.values()
            ).values_list("pk", "parent_id", "created_at")
        }
        current = dict(
            Post.objects.filter(pk__in=[pk for pk, _ in batch]).values_list(
                "pk", "accepted_answer_id"
            )
        )
        changes: list[tuple[int, int, datetime]] = []
        for question_id, answer_sid in batch:
            answer_id = answers.get(answer_sid)
            if answer_id is None or answer_rows[answer_id][0] != question_id:
                report.skip("accepted answer not in the dump", answer_sid)
                continue
            if current.get(question_id) != answer_id:
                changes.append((question_id, answer_id, answer_rows[answer_id][1]))
        if changes:
            _set_accepted_answers(changes)
            outbox.enqueue(DocumentKind.QUESTION, [question_id for question_id, _, _ in changes])

    # Post history ---------------------------------------------------------------

    def _before_posthistory(self) -> None:
        self.history = HistoryImport(self)

    def _history(self, rows: list[dict[str, str]], report: FileReport) -> None:
        self.history.batch(rows, report)

    def _after_posthistory(self, report: FileReport) -> None:
        self.history.finish(report)

    # Post links -----------------------------------------------------------------

    def _links(self, rows: list[dict[str, str]], report: FileReport) -> None:
        parsed = []
        for row in rows:
            sid = self._source_id(report, row)
            if sid is None:
                continue
            link_type = LINK_TYPES.get(row.get("LinkTypeId", ""))
            if link_type is None:
                self._skip(
                    report, f"unknown LinkTypeId {row.get('LinkTypeId')!r}", sid, problem=True
                )
                continue
            parsed.append((sid, link_type, row))
        posts = self._posts_by_source(
            {as_int(row.get(key)) for _, _, row in parsed for key in ("PostId", "RelatedPostId")}
        )
        links = []
        duplicates: list[tuple[int, int, datetime]] = []
        for sid, link_type, row in parsed:
            source = posts.get(as_int(row.get("PostId")) or 0)
            target = posts.get(as_int(row.get("RelatedPostId")) or 0)
            if source is None or target is None:
                report.skip("link to or from a post not in the dump", sid)
                continue
            if source[1] != PostType.QUESTION or target[1] != PostType.QUESTION:
                report.skip("link between posts that are not both questions", sid)
                continue
            if source[0] == target[0]:
                report.skip("link from a question to itself", sid)
                continue
            when = as_date(row.get("CreationDate")) or timezone.now()
            links.append(
                PostLink(
                    from_post_id=source[0],
                    to_post_id=target[0],
                    link_type=link_type,
                    created_at=when,
                )
            )
            if link_type == PostLink.LinkType.DUPLICATE:
                duplicates.append((source[0], target[0], when))
        known = set(
            PostLink.objects.filter(
                from_post_id__in={link.from_post_id for link in links}
            ).values_list("from_post_id", "to_post_id", "link_type")
        )
        fresh = [
            link
            for link in links
            if (link.from_post_id, link.to_post_id, link.link_type) not in known
        ]
        PostLink.objects.bulk_create(fresh, ignore_conflicts=True)
        report.imported += len(fresh)
        report.unchanged += len(links) - len(fresh)
        touched = set()
        for question_id, original_id, when in duplicates:
            # Closed as a duplicate of the original (the first one, if several).
            Post.objects.filter(pk=question_id).filter(
                Q(duplicate_of__isnull=True) | ~Q(close_reason=CloseReason.DUPLICATE)
            ).update(
                closed_at=Coalesce(F("closed_at"), Value(when, output_field=DateTimeField())),
                close_reason=CloseReason.DUPLICATE,
                duplicate_of_id=original_id,
            )
            touched.add(question_id)
        if touched:
            outbox.enqueue(DocumentKind.QUESTION, touched)

    # Comments -------------------------------------------------------------------

    def _comments(self, rows: list[dict[str, str]], report: FileReport) -> None:
        parsed, mappings = self._parsed_with_mappings(ImportedComment, rows, report)
        posts = dict(
            ImportedPost.objects.filter(
                site=self.site,
                source_id__in={as_int(row.get("PostId")) for _, row in parsed} - {None},
            ).values_list("source_id", "post_id")
        )
        ready = []
        for sid, row in parsed:
            digest = row_digest(row)
            mapping = mappings.get(sid)
            if mapping is not None and mapping.digest == digest:
                report.unchanged += 1
                continue
            post_id = posts.get(as_int(row.get("PostId")) or 0)
            if post_id is None:
                report.skip("comment on a post not imported", sid)
                continue
            text = row.get("Text") or ""
            if not text.strip():
                self._skip(report, "empty comment", sid, problem=True)
                continue
            outcome = self._outcome(("comment", sid), "comment", text)
            if outcome.hostile or outcome.rendered is None:
                self._skip(
                    report,
                    "hostile link in a comment",
                    sid,
                    problem=True,
                    detail=f"{report.name}: row {sid}: the comment has {outcome.hostile}",
                )
                continue
            ready.append((sid, row, digest, mapping, post_id, outcome.rendered))
        users = self._resolve(
            self._author_key(row, "UserId", "UserDisplayName") for _, row, _, _, _, _ in ready
        )
        new_comments: list[Comment] = []
        new_mappings: list[tuple[int, int]] = []
        changed: list[tuple[ImportedComment, dict[str, Any], int]] = []
        count_deltas: Counter[int] = Counter()
        for sid, row, digest, mapping, post_id, rendered in ready:
            fields = {
                "author_id": users[self._author_key(row, "UserId", "UserDisplayName")],
                "body_source": rendered.source,
                "body_html": rendered.html,
                "created_at": as_date(row.get("CreationDate")) or timezone.now(),
            }
            if mapping is None:
                # A top-level comment is its own tree, numbered by its id (as in
                # qa.services); until the ids are known, tree 0 holds the batch
                # at positions no single comment (at 1) takes.
                position = TEMPORARY_POSITION + 2 * len(new_comments)
                new_comments.append(
                    Comment(
                        post_id=post_id,
                        lft=position,
                        rght=position + 1,
                        level=0,
                        tree_id=0,
                        **fields,
                    )
                )
                new_mappings.append((sid, digest))
                count_deltas[post_id] += 1
            else:
                changed.append((mapping, fields, digest))
        Comment.objects.bulk_create(new_comments)
        Comment.objects.filter(pk__in=[c.pk for c in new_comments]).update(
            tree_id=F("id"), lft=1, rght=2
        )
        ImportedComment.objects.bulk_create(
            ImportedComment(site=self.site, source_id=sid, comment=comment, digest=digest)
            for (sid, digest), comment in zip(new_mappings, new_comments, strict=True)
        )
        if changed:
            comments = Comment.objects.in_bulk([m.comment_id for m, _, _ in changed])
            for mapping, fields, digest in changed:
                for name, value in fields.items():
                    setattr(comments[mapping.comment_id], name, value)
                mapping.digest = digest
            Comment.objects.bulk_update(
                comments.values(), ["author", "body_source", "body_html", "created_at"]
            )
            ImportedComment.objects.bulk_update([m for m, _, _ in changed], ["digest"])
        _bump(Post, "comment_count", count_deltas)
        report.imported += len(new_comments)
        report.updated += len(changed)

    # Votes ----------------------------------------------------------------------

    def _before_votes(self) -> None:
        # Tallied afresh on every run, so an interrupted run never counts twice.
        ImportedPost.objects.filter(site=self.site).exclude(vote_tally=0).update(vote_tally=0)

    def _votes(self, rows: list[dict[str, str]], report: FileReport) -> None:
        tally: Counter[int] = Counter()  # up minus down, per dump post
        votes: dict[int, list[int]] = defaultdict(list)  # the vote rows, per dump post
        for row in rows:
            sid = self._source_id(report, row)
            if sid is None:
                continue
            kind = row.get("VoteTypeId", "")
            post_sid = as_int(row.get("PostId"))
            if kind in (VOTE_UP, VOTE_DOWN) and post_sid is not None:
                tally[post_sid] += 1 if kind == VOTE_UP else -1
                votes[post_sid].append(sid)
            elif kind in VOTE_TYPE_LABELS:
                report.skip(f"{VOTE_TYPE_LABELS[kind]} not imported", sid)
            else:
                self._skip(report, f"unknown VoteTypeId {kind!r}", sid, problem=True)
        known = set(
            ImportedPost.objects.filter(site=self.site, source_id__in=tally).values_list(
                "source_id", flat=True
            )
        )
        by_delta: dict[int, list[int]] = defaultdict(list)
        for post_sid, delta in tally.items():
            if post_sid in known:
                by_delta[delta].append(post_sid)
                report.imported += len(votes[post_sid])
            else:
                for vote_sid in votes[post_sid]:
                    report.skip("vote on a post not in the dump", vote_sid)
        for delta, sids in by_delta.items():
            ImportedPost.objects.filter(site=self.site, source_id__in=sids).update(
                vote_tally=F("vote_tally") + delta
            )

    def _after_votes(self, report: FileReport) -> None:
        """Scores become the dump's votes (plus any cast here since the last import)."""
        differing = ImportedPost.objects.filter(site=self.site).exclude(
            vote_tally=F("source_score")
        )
        with transaction.atomic():
            posts = list(differing.values_list("post_id", "post__parent_id"))
            delta = ImportedPost.objects.filter(post_id=OuterRef("pk")).values(
                d=F("vote_tally") - F("source_score")
            )[:1]
            Post.objects.filter(pk__in=[pk for pk, _ in posts]).update(
                score=F("score") + Subquery(delta)
            )
            differing.update(source_score=F("vote_tally"))
            if posts:
                outbox.enqueue(DocumentKind.QUESTION, {parent or pk for pk, parent in posts})
        report.updated += len(posts)

    # Badges ---------------------------------------------------------------------

    def _badges(self, rows: list[dict[str, str]], report: FileReport) -> None:
        from .badges import import_badges

        import_badges(self, rows, report)
