"""FAQ entries: write, promote from an answer, review and publish, follow
the source answer. Every change, state changes included, is a revision."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError
from entraide.rendering import render_markdown
from notifications.services import notify
from qa import validators
from qa.models import Category, Post
from qa.permissions import require
from qa.revisions import post_revision_baseline
from qa.services import _clean_fields
from reputation import badges
from search import outbox
from search.models import DocumentKind
from versioning.models import RevisionInfo, RevisionKind
from versioning.selectors import revision_entry, revision_get
from versioning.services import EditConflict, clean_summary, revision_latest_number, revision_record
from webhooks.services import webhook_faq_published

from .. import permissions
from ..models import FaqEntry, FaqStatus


def clean_faq_question(question: str) -> str:
    question = " ".join((question or "").split())
    if not 10 <= len(question) <= 200:
        raise ValidationError(
            _("A FAQ question is 10 to 200 characters long; this one is %(n)d.")
            % {"n": len(question)}
        )
    return question


def _lock_entry(entry_id: int) -> FaqEntry:
    try:
        return FaqEntry.objects.select_for_update().get(pk=entry_id)
    except FaqEntry.DoesNotExist:
        raise ValidationError(_("This FAQ entry does not exist.")) from None


def _record(
    entry: FaqEntry, author: Any, kind: RevisionKind, summary: str = "", **extra: Any
) -> RevisionInfo:
    """Record the entry's revision and queue it for the search index."""
    info = revision_record(obj=entry, author=author, kind=kind, summary=summary, **extra)
    FaqEntry.objects.filter(pk=entry.pk).update(revision_number=info.number)
    entry.revision_number = info.number
    outbox.enqueue(DocumentKind.FAQ, [entry.pk])
    return info


# Paths of the FAQ's own pages, which no entry may take.
RESERVED_SLUGS = {"new", "desk", "reverify"}


def _unique_slug(question: str) -> str:
    base = slugify(question)[:70].strip("-") or "entry"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or FaqEntry.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def faq_entry_create(
    *,
    author: Any,
    question: str,
    answer: str,
    category: Category | None = None,
    order: int = 0,
    source_answer: Post | None = None,
) -> FaqEntry:
    """Write a new FAQ entry; it starts as a draft."""
    require(permissions.can_curate_faq(author))
    data = _clean_fields(
        question=(clean_faq_question, question), answer=(validators.clean_body, answer)
    )
    now = timezone.now()
    source_fields: dict[str, Any] = {}
    if source_answer is not None:
        source_fields = {
            "source_answer": source_answer,
            "attributed_to_id": source_answer.author_id,
            "source_revision": revision_latest_number(source_answer),
        }
    try:
        with transaction.atomic():
            entry = FaqEntry.objects.create(
                question=data["question"],
                slug=_unique_slug(data["question"]),
                answer_source=data["answer"],
                answer_html=render_markdown(data["answer"]),
                category=category,
                order=order,
                created_by=author,
                created_at=now,
                updated_at=now,
                last_editor=author,
                **source_fields,
            )
    except IntegrityError:
        raise ApplicationError(
            _("This answer is already in the FAQ."), code="already_promoted"
        ) from None
    _record(entry, author, RevisionKind.CREATED, created_at=now)
    return entry


@transaction.atomic
def faq_promote(*, user: Any, answer: Post) -> FaqEntry:
    """Start a FAQ entry from an answer: its question's title, the answer's
    text, the question's category, credit to the answer's author and a link
    back. The entry is a draft until it is reviewed and published."""
    require(permissions.can_curate_faq(user))
    answer = Post.objects.select_for_update(of=("self",)).select_related("parent").get(pk=answer.pk)
    if answer.is_question or answer.parent is None:
        raise ValidationError(_("Only answers can be promoted to the FAQ."))
    if answer.is_deleted:
        raise ApplicationError(_("A deleted answer cannot be promoted."), code="deleted")
    if FaqEntry.objects.filter(source_answer=answer).exists():
        raise ApplicationError(_("This answer is already in the FAQ."), code="already_promoted")
    # The revision the entry copies, so a later edit of the answer shows.
    post_revision_baseline(answer)
    question = answer.parent.title
    return faq_entry_create(
        author=user,
        question=question if len(question) >= 10 else f"{question} (FAQ)",
        answer=answer.body_source,
        category=answer.parent.category,
        source_answer=answer,
    )


@transaction.atomic
def faq_entry_edit(
    *,
    editor: Any,
    entry: FaqEntry,
    question: str,
    answer: str,
    category: Category | None,
    order: int,
    base_revision: int,
    summary: str = "",
) -> FaqEntry:
    """Save a new version of an entry; refused with ``EditConflict`` when
    someone saved since ``base_revision`` (nothing is overwritten)."""
    entry = _lock_entry(entry.pk)
    require(permissions.can_curate_faq(editor))
    if base_revision != entry.revision_number:
        raise EditConflict(base_revision=base_revision, current_revision=entry.revision_number)
    data = _clean_fields(
        question=(clean_faq_question, question),
        answer=(validators.clean_body, answer),
        summary=(clean_summary, summary),
    )
    return _apply(
        entry,
        editor,
        {
            "question": data["question"],
            "answer_source": data["answer"],
            "category": category,
            "order": order,
        },
        RevisionKind.EDITED,
        data["summary"],
    )


def _apply(
    entry: FaqEntry,
    user: Any,
    changes: dict[str, Any],
    kind: RevisionKind,
    summary: str,
    **extra: Any,
) -> FaqEntry:
    if "answer_source" in changes:
        changes["answer_html"] = render_markdown(changes["answer_source"])
    changes |= {"updated_at": timezone.now(), "last_editor": user}
    FaqEntry.objects.filter(pk=entry.pk).update(**changes)
    for field, value in changes.items():
        setattr(entry, field, value)
    _record(entry, user, kind, summary, **extra)
    return entry


def _require_status(entry: FaqEntry, *allowed: FaqStatus) -> None:
    if entry.status not in allowed:
        raise ApplicationError(
            _("This entry is %(status)s; that cannot be done now.")
            % {"status": FaqStatus(entry.status).label.lower()},
            code="wrong_status",
        )


@transaction.atomic
def faq_entry_submit(*, user: Any, entry: FaqEntry) -> FaqEntry:
    """Send a draft for review (draft → in review)."""
    entry = _lock_entry(entry.pk)
    require(permissions.can_curate_faq(user))
    _require_status(entry, FaqStatus.DRAFT)
    return _apply(
        entry,
        user,
        {"status": FaqStatus.IN_REVIEW, "submitted_by": user},
        RevisionKind.STATUS,
        _("Submitted for review"),
    )


@transaction.atomic
def faq_entry_approve(*, user: Any, entry: FaqEntry) -> FaqEntry:
    """Publish an entry. With ``FAQ["REQUIRE_SECOND_APPROVAL"]`` only an
    entry in review can be published, by someone other than its submitter;
    without it, staff may also publish a draft directly."""
    entry = _lock_entry(entry.pk)
    require(permissions.can_approve_faq_entry(user, entry))
    if settings.FAQ["REQUIRE_SECOND_APPROVAL"]:
        _require_status(entry, FaqStatus.IN_REVIEW)
    else:
        _require_status(entry, FaqStatus.DRAFT, FaqStatus.IN_REVIEW)
    first_time = entry.published_at is None
    now = timezone.now()
    _apply(
        entry,
        user,
        {"status": FaqStatus.PUBLISHED, "approved_by": user, "published_at": now},
        RevisionKind.STATUS,
        _("Approved and published"),
        approved_by=user,
    )
    if entry.source_answer_id is not None:
        answer = Post.objects.get(pk=entry.source_answer_id)
        if first_time:
            badges.badges_after_faq_promotion(answer=answer)
            # Told once, when the answer actually lives on in the FAQ.
            notify(
                answer.author_id, "faq_promoted", entry.created_by_id, entry, title=entry.question
            )
        # The thread shows the link to its FAQ entry.
        outbox.enqueue_question(answer.question_id)
    webhook_faq_published(entry=entry)
    return entry


@transaction.atomic
def faq_entry_return_to_draft(*, user: Any, entry: FaqEntry, reason: str) -> FaqEntry:
    """Send an entry in review back to its writer with a reason."""
    entry = _lock_entry(entry.pk)
    require(permissions.can_curate_faq(user))
    _require_status(entry, FaqStatus.IN_REVIEW)
    reason = _clean_fields(reason=(clean_summary, reason))["reason"]
    if not reason:
        raise ValidationError({"reason": _("Say what needs to change before it can be published.")})
    return _apply(
        entry,
        user,
        {"status": FaqStatus.DRAFT},
        RevisionKind.STATUS,
        _("Returned to draft: %(reason)s") % {"reason": reason},
    )


@transaction.atomic
def faq_entry_unpublish(*, user: Any, entry: FaqEntry) -> FaqEntry:
    """Take a published entry off the FAQ page (published → draft)."""
    entry = _lock_entry(entry.pk)
    require(permissions.can_curate_faq(user))
    _require_status(entry, FaqStatus.PUBLISHED)
    _apply(entry, user, {"status": FaqStatus.DRAFT}, RevisionKind.STATUS, _("Unpublished"))
    if entry.source_answer_id is not None:
        outbox.enqueue_question(Post.objects.get(pk=entry.source_answer_id).question_id)
    return entry


def _source_state(entry: FaqEntry) -> tuple[Post, int]:
    if entry.source_answer_id is None:
        raise ValidationError(_("This entry was not promoted from an answer."))
    answer = Post.objects.get(pk=entry.source_answer_id)
    latest = revision_latest_number(answer)
    if latest <= (entry.source_revision or 0):
        raise ApplicationError(
            _("The source answer has not changed since."), code="source_unchanged"
        )
    return answer, latest


@transaction.atomic
def faq_source_pull(*, user: Any, entry: FaqEntry) -> FaqEntry:
    """Replace the entry's answer by the source answer's current text."""
    entry = _lock_entry(entry.pk)
    require(permissions.can_curate_faq(user))
    answer, latest = _source_state(entry)
    body = revision_get(answer, latest).fields.get("body_source", answer.body_source)
    return _apply(
        entry,
        user,
        {"answer_source": body, "source_revision": latest},
        RevisionKind.SOURCE_PULLED,
        _("Took in revision %(n)d of the source answer") % {"n": latest},
    )


@transaction.atomic
def faq_source_dismiss(*, user: Any, entry: FaqEntry) -> FaqEntry:
    """Keep the entry as it is; stop showing the source answer's change."""
    entry = _lock_entry(entry.pk)
    require(permissions.can_curate_faq(user))
    _answer, latest = _source_state(entry)
    return _apply(
        entry,
        user,
        {"source_revision": latest},
        RevisionKind.SOURCE_DISMISSED,
        _("Kept the entry; revision %(n)d of the source answer dismissed") % {"n": latest},
    )


@transaction.atomic
def faq_entry_revert(
    *, user: Any, entry: FaqEntry, revision: RevisionInfo, summary: str = ""
) -> FaqEntry:
    """Restore the question, answer, category and order of one of the entry's
    revisions, as a new revision (its status stays as it is). A revision of
    anything else is refused."""
    entry = _lock_entry(entry.pk)
    require(permissions.can_curate_faq(user))
    fields = revision_entry(entry, revision).fields
    if revision.number == entry.revision_number:
        raise ApplicationError(
            _("Revision %(n)d is the current one.") % {"n": revision.number},
            code="current_revision",
        )
    category_id = fields.get("category")
    return _apply(
        entry,
        user,
        {
            "question": fields.get("question", entry.question),
            "answer_source": fields.get("answer_source", entry.answer_source),
            "category": Category.objects.filter(pk=category_id).first() if category_id else None,
            "order": fields.get("order", entry.order),
        },
        RevisionKind.ROLLED_BACK,
        summary or _("Reverted to revision %(n)d") % {"n": revision.number},
        restored_number=revision.number,
    )
