"""Collaborative editing of posts: rollback, suggested edits and their review,
the community-wiki flag.

Each function is one transaction that locks the post row first, like the
services in ``qa.services``; every content change goes through
``qa.services.post_apply_edit``, so it is a revision of the post.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError
from entraide.links import link
from notifications.services import notify
from reputation import services as reputation
from search import outbox
from versioning.models import RevisionInfo, RevisionKind
from versioning.selectors import revision_entry
from versioning.services import revision_latest_number, revision_record

from . import permissions
from .models import Category, Post, SuggestedEdit
from .permissions import require
from .revisions import post_revision_baseline
from .services import _lock_post, clean_post_edit, post_apply_edit


@transaction.atomic
def post_rollback(*, user: Any, post: Post, revision: RevisionInfo, summary: str = "") -> Post:
    """Restore the content of one of ``post``'s revisions, as a new revision.

    Anyone who may edit the post may roll it back. A revision of another
    post, or the current revision, is refused.
    """
    post = _lock_post(post.pk)
    require(permissions.can_edit_post(user, post))
    entry = revision_entry(post, revision)
    if entry.number == revision_latest_number(post):
        raise ApplicationError(
            _("Revision %(n)d is the current one; there is nothing to roll back.")
            % {"n": entry.number},
            code="current_revision",
        )
    fields = entry.fields
    category_id = fields.get("category")
    category = Category.objects.filter(pk=category_id).first() if category_id else None
    return post_apply_edit(
        post=post,
        editor=user,
        body=fields.get("body_source", ""),
        title=fields.get("title"),
        tags=fields.get("tag_names"),
        category=category,
        summary=summary or _("Rolled back to revision %(n)d") % {"n": entry.number},
        kind=RevisionKind.ROLLED_BACK,
        restored_number=entry.number,
    )


@transaction.atomic
def post_set_community_wiki(*, user: Any, post: Post, is_community_wiki: bool) -> Post:
    """Turn a post into community wiki (its author or staff), or back (staff).

    Community-wiki posts can be edited by members with the low "edit
    community wiki" privilege and earn their author no reputation from then on.
    """
    post = _lock_post(post.pk)
    require(permissions.can_set_community_wiki(user, post, is_community_wiki))
    if post.is_community_wiki == is_community_wiki:
        raise ApplicationError(
            _("This post is already community wiki.")
            if is_community_wiki
            else _("This post is not community wiki."),
            code="unchanged",
        )
    post_revision_baseline(post)
    post.is_community_wiki = is_community_wiki
    post.save(update_fields=["is_community_wiki"])
    revision_record(
        obj=post,
        author=user,
        kind=RevisionKind.COMMUNITY_WIKI,
        summary=_("Made community wiki") if is_community_wiki else _("Community wiki removed"),
    )
    outbox.enqueue_question(post.question_id)
    return post


# Suggested edits --------------------------------------------------------------


@transaction.atomic
def suggested_edit_create(
    *,
    author: Any,
    post: Post,
    body: str,
    summary: str,
    title: str | None = None,
    tags: str | None = None,
) -> SuggestedEdit:
    """Propose an edit of a post one may not edit directly; it waits for review.

    Refused when the post already has a suggestion waiting (the database's
    unique constraint is the last word when two members race).
    """
    post = _lock_post(post.pk)
    require(permissions.can_suggest_edit(author, post))
    data = clean_post_edit(post, body=body, title=title, tags=tags, summary=summary)
    if not data["summary"]:
        raise ValidationError({"summary": _("Tell the reviewers what you changed and why.")})
    proposed = {
        "body_source": data["body"],
        "title": data.get("title", post.title),
        "tag_names": " ".join(data["tags"]) if post.is_question else post.tag_names,
    }
    if all(getattr(post, name) == value for name, value in proposed.items()):
        raise ValidationError(_("Your edit changes nothing; change the post before suggesting."))
    if SuggestedEdit.objects.filter(post=post, status=SuggestedEdit.Status.PENDING).exists():
        raise _already_pending()
    post_revision_baseline(post)
    try:
        with transaction.atomic():
            return SuggestedEdit.objects.create(
                post=post,
                author=author,
                summary=data["summary"],
                base_revision=revision_latest_number(post),
                **proposed,
            )
    except IntegrityError:
        raise _already_pending() from None


def _already_pending() -> ApplicationError:
    return ApplicationError(
        _("This post already has an edit waiting for review; try again once it is reviewed."),
        code="edit_pending",
    )


def _lock_pending(suggestion: SuggestedEdit, reviewer: Any) -> tuple[SuggestedEdit, Post]:
    """Lock the post, then the suggestion; check it still waits and who reviews."""
    post = _lock_post(suggestion.post_id)
    suggestion = SuggestedEdit.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestedEdit.Status.PENDING:
        raise ApplicationError(
            _("This suggested edit has already been reviewed."), code="already_reviewed"
        )
    require(permissions.can_review_suggested_edit(reviewer, suggestion, post))
    return suggestion, post


def suggested_edit_is_stale(suggestion: SuggestedEdit) -> bool:
    """The post has changed since the suggestion was made."""
    return revision_latest_number(suggestion.post) > suggestion.base_revision


@transaction.atomic
def suggested_edit_approve(*, reviewer: Any, suggestion: SuggestedEdit) -> SuggestedEdit:
    """Apply a waiting suggestion as a revision authored by its suggester and
    approved by ``reviewer``; credit the suggester (+2, see reputation).

    A stale suggestion (the post changed since) is refused: it would undo
    the later edit. The reviewer rejects it instead, or the member suggests
    again from the current version.
    """
    suggestion, post = _lock_pending(suggestion, reviewer)
    if revision_latest_number(post) > suggestion.base_revision:
        raise ApplicationError(
            _(
                "The post was edited after this suggestion was made; approving it would "
                "undo that edit. Reject it as conflicting with a later edit."
            ),
            code="stale",
        )
    post_apply_edit(
        post=post,
        editor=suggestion.author,
        body=suggestion.body_source,
        title=suggestion.title if post.is_question else None,
        tags=suggestion.tag_names if post.is_question else None,
        category=post.category,
        summary=suggestion.summary,
        kind=RevisionKind.SUGGESTED_EDIT,
        approved_by=reviewer,
    )
    suggestion.status = SuggestedEdit.Status.APPROVED
    suggestion.reviewer = reviewer
    suggestion.reviewed_at = timezone.now()
    suggestion.save(update_fields=["status", "reviewer", "reviewed_at"])
    reputation.reputation_credit_edit_approval(
        suggester=suggestion.author, key=f"edit:{suggestion.pk}", post=post, reviewer=reviewer
    )
    _notify_review(suggestion, post, "edit_approved")
    return suggestion


def _notify_review(suggestion: SuggestedEdit, post: Post, kind: str) -> None:
    """Tell the suggester how the review went (a rejection says why)."""
    question = post if post.is_question else Post.objects.get(pk=post.question_id)
    body = ""
    if suggestion.reject_reason:
        body = str(SuggestedEdit.RejectReason(suggestion.reject_reason).label)
        if suggestion.reject_note:
            body += f": {suggestion.reject_note}"
    notify(
        suggestion.author_id,
        kind,
        suggestion.reviewer_id,
        post,
        title=question.title,
        url=link("qa:suggested_edit_detail", pk=suggestion.pk),
        body=body,
    )


@transaction.atomic
def suggested_edit_reject(
    *, reviewer: Any, suggestion: SuggestedEdit, reason: str, note: str = ""
) -> SuggestedEdit:
    """Turn a waiting suggestion down with a reason (and a note for "other")."""
    if reason not in SuggestedEdit.RejectReason.values:
        raise ValidationError({"reason": _("Choose why the edit is rejected.")})
    note = " ".join(note.split())
    if len(note) > 300:
        raise ValidationError({"note": _("Keep the note to 300 characters.")})
    if reason == SuggestedEdit.RejectReason.OTHER and not note:
        raise ValidationError({"note": _("Explain the rejection to the member who suggested it.")})
    suggestion, post = _lock_pending(suggestion, reviewer)
    suggestion.status = SuggestedEdit.Status.REJECTED
    suggestion.reviewer = reviewer
    suggestion.reviewed_at = timezone.now()
    suggestion.reject_reason = reason
    suggestion.reject_note = note
    suggestion.save(
        update_fields=["status", "reviewer", "reviewed_at", "reject_reason", "reject_note"]
    )
    _notify_review(suggestion, post, "edit_rejected")
    return suggestion
