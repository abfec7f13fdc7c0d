"""Domain actions of the Q&A core: ask, answer, comment, vote, accept, edit, delete.

Each function is one transaction. It checks permissions and rules, changes
the rows, and is the single place later features hook into (the reputation
ledger, the search outbox, notifications are called from here, inside the same
transaction). Counters move with ``F()`` under a row lock on the post being
fought over; nothing is read into Python, added and written back.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.counter_buffer import CounterBuffer, add_counts
from entraide.errors import ApplicationError
from entraide.links import link
from entraide.rendering import excerpt, plain_text, render_inline_markdown, render_markdown
from moderation import hooks as moderation
from moderation import limits
from moderation.log import log_action
from moderation.models import ActionType
from notifications import follows
from notifications.services import notify, notify_mentions
from reputation import badges, bounties
from reputation import services as reputation
from search import outbox
from search import services as search_services
from versioning.models import RevisionKind
from versioning.services import clean_summary, revision_record
from webhooks import services as webhooks

from . import page_cache, permissions, validators
from .models import Category, Comment, Post, PostType, Tag, Vote
from .permissions import require
from .revisions import post_revision_baseline
from .selectors import category_path


def _views_add(views: dict[int, int]) -> None:
    add_counts(Post, "view_count", views)


# Question views waiting in Redis (production) to be added to the questions.
VIEWS = CounterBuffer("qa:views", _views_add)


def _clean_fields(**cleaners: tuple[Any, Any]) -> dict[str, Any]:
    """Run each ``(cleaner, value)``; raise all field errors together."""
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[ValidationError]] = {}
    for field, (cleaner, value) in cleaners.items():
        try:
            cleaned[field] = cleaner(value)
        except ValidationError as error:
            errors[field] = [error]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lock_post(post_id: int) -> Post:
    # NO KEY UPDATE: serialises the writers of this post, but not the
    # foreign-key checks of rows that merely point at it (a vote, a ledger
    # row, a reversal); a plain FOR UPDATE blocks those and two actions on a
    # question and its answer then deadlock (seen under tests/faults).
    try:
        return Post.objects.select_for_update(no_key=True).get(pk=post_id)
    except Post.DoesNotExist:
        raise ValidationError(_("This post does not exist.")) from None


def _rendered(body: str) -> dict[str, str]:
    """The stored columns rendered from a post's Markdown body."""
    html = render_markdown(body)
    return {"body_source": body, "body_html": html, "excerpt": excerpt(plain_text(html))}


def _tags_for(user: Any, names: list[str]) -> list[Tag]:
    """The tags named, creating new ones if ``user`` may create tags."""
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    new = [name for name in names if name not in existing]
    if new:
        decision = permissions.can_create_tags(user)
        if not decision:
            raise ValidationError(
                {
                    "tags": _("“%(tags)s” would be a new tag. %(reason)s Use existing tags.")
                    % {"tags": "”, “".join(new), "reason": decision.reason}
                }
            )
    # get_or_create survives two askers creating the same new tag at once:
    # the loser's insert hits the unique constraint and it reads the row.
    return [existing.get(name) or Tag.objects.get_or_create(name=name)[0] for name in names]


def _thread_link(question_id: int, slug: str, anchor: str = "") -> str:
    """A post's place on its question page, for notifications."""
    return link("qa:question_detail", pk=question_id, slug=slug or "question") + anchor


def _move_tag_counts(names: Iterable[str], delta: int) -> None:
    names = list(names)
    if names:
        Tag.objects.filter(name__in=names).update(usage_count=F("usage_count") + delta)


@transaction.atomic
def question_ask(
    *,
    author: Any,
    title: str,
    body: str,
    tags: str | Iterable[str],
    category: Category | None = None,
    support_visit_id: int | None = None,
) -> Post:
    """Create a question with its tags; bump the tags' usage counts.

    ``support_visit_id`` is the asker's open "ask" visit (the similar
    questions they were shown): asking ends it without a deflection.
    """
    require(permissions.can_ask_question(author))
    data = _clean_fields(
        title=(validators.clean_title, title),
        body=(validators.clean_body, body),
        tags=(validators.clean_tags, tags),
    )
    limits.check_new_post(
        author=author, post_type=PostType.QUESTION, body=data["body"], title=data["title"]
    )
    now = timezone.now()
    question = Post.objects.create(
        post_type=PostType.QUESTION,
        author=author,
        title=data["title"],
        slug=Post.slug_for(data["title"]),
        **_rendered(data["body"]),
        category=category,
        tag_names=" ".join(data["tags"]),
        created_at=now,
        last_activity_at=now,
    )
    tag_rows = _tags_for(author, data["tags"])
    question.tags.set(tag_rows)
    _move_tag_counts(data["tags"], +1)
    revision_record(obj=question, author=author, kind=RevisionKind.CREATED, created_at=now)
    _notify_new_question(question, [tag.pk for tag in tag_rows])
    moderation.review_tasks_for_new_post(post=question)
    outbox.enqueue_question(question.pk)
    webhooks.webhook_question_asked(question=question)
    if support_visit_id is not None:
        search_services.visit_end_with_question(visit_id=support_visit_id)
    return question


def _notify_new_question(question: Post, tag_ids: list[int]) -> None:
    """The asker follows the question; the members it mentions, then the
    followers of its tags and categories, hear of it (once each)."""
    url = _thread_link(question.pk, question.slug)
    follows.follow_quietly(user_id=question.author_id, question_id=question.pk)
    told = notify_mentions(
        text=question.body_source,
        actor=question.author_id,
        target=question,
        title=question.title,
        url=url,
    )
    follows.followers_notify_question(
        question=question,
        tag_ids=tag_ids,
        category_ids=[category.pk for category in category_path(question.category_id)],
        url=url,
        exclude=told,
    )


@transaction.atomic
def answer_post(*, author: Any, question: Post, body: str) -> Post:
    """Answer a question. Locks the question row to move its answer count."""
    question = _lock_post(question.pk)
    if not question.is_question:
        raise ValidationError(_("Answers can only be posted to questions."))
    require(permissions.can_answer_question(author, question))
    data = _clean_fields(body=(validators.clean_body, body))
    limits.check_new_post(author=author, post_type=PostType.ANSWER, body=data["body"])
    now = timezone.now()
    answer = Post.objects.create(
        post_type=PostType.ANSWER,
        parent=question,
        author=author,
        **_rendered(data["body"]),
        created_at=now,
        last_activity_at=now,
    )
    Post.objects.filter(pk=question.pk).update(
        answer_count=F("answer_count") + 1, last_activity_at=now
    )
    revision_record(obj=answer, author=author, kind=RevisionKind.CREATED, created_at=now)
    badges.badges_after_answer(answer=answer)
    _notify_answer(question, answer)
    moderation.review_tasks_for_new_post(post=answer, question=question)
    outbox.enqueue_question(question.pk)
    webhooks.webhook_answer_posted(question=question, answer=answer)
    return answer


def _notify_answer(question: Post, answer: Post) -> None:
    """The asker, the members the answer mentions, then the question's other
    followers hear of it, once each; the answerer now follows the question."""
    url = _thread_link(question.pk, question.slug, f"#answer-{answer.pk}")
    follows.follow_quietly(user_id=answer.author_id, question_id=question.pk)
    actor = answer.author_id
    told = {question.author_id}
    notify(question.author_id, "answer", actor, answer, title=question.title, url=url)
    told |= notify_mentions(
        text=answer.body_source,
        actor=actor,
        target=answer,
        title=question.title,
        url=url,
        exclude=told,
    )
    follows.followers_notify_answer(question=question, answer=answer, url=url, exclude=told)


@transaction.atomic
def comment_add(*, author: Any, post: Post, body: str, parent: Comment | None = None) -> Comment:
    """Comment on a post, or reply to one of its comments.

    Locks the post row: replies shift the ``lft``/``rght`` numbers of their
    thread, and two replies computing them at once would corrupt the tree.
    """
    post = _lock_post(post.pk)
    question = (
        post
        if post.is_question
        else Post.objects.only("author_id", "title", "slug").get(pk=post.question_id)
    )
    require(
        permissions.can_comment_post(
            author, post, question_author_id=None if post.is_question else question.author_id
        )
    )
    data = _clean_fields(body=(validators.clean_comment, body))
    limits.check_blocked_terms(author, body=data["body"])
    fields = {
        "post": post,
        "author": author,
        "body_source": data["body"],
        "body_html": render_inline_markdown(data["body"]),
    }
    if parent is None:
        # A top-level comment starts its own tree whose id is its primary
        # key; mptt's default (max(tree_id) + 1) races between requests.
        comment = Comment(**fields, lft=1, rght=2, level=0, tree_id=0)
        Comment.objects.bulk_create([comment])
        Comment.objects.filter(pk=comment.pk).update(tree_id=comment.pk)
        comment.tree_id = comment.pk
    else:
        parent = Comment.objects.get(pk=parent.pk)
        if parent.post_id != post.pk:
            raise ValidationError({"parent": _("You can only reply to a comment on this post.")})
        if parent.is_deleted:
            raise ValidationError({"parent": _("This comment has been deleted.")})
        max_depth = settings.QA["COMMENT_MAX_DEPTH"]
        if parent.level >= max_depth:
            raise ValidationError(
                {
                    "parent": _(
                        "Replies nest at most %(depth)d levels deep; reply to an earlier comment."
                    )
                    % {"depth": max_depth}
                }
            )
        comment = Comment(**fields, parent=parent)
        comment.save()
    Post.objects.filter(pk=post.pk).update(comment_count=F("comment_count") + 1)
    badges.badges_after_comment(comment=comment)
    _notify_comment(comment, post, question, parent)
    # Comments are not in the search document; the cached page shows them.
    page_cache.questions_changed([question.pk])
    return comment


def _notify_comment(comment: Comment, post: Post, question: Post, parent: Comment | None) -> None:
    """The replied-to comment's author, the post's author (once, as a reply if
    both), and the members the comment mentions."""
    about = {
        "actor": comment.author_id,
        "target": comment,
        "title": question.title,
        "url": _thread_link(question.pk, question.slug, f"#comment-{comment.pk}"),
        "body": plain_text(comment.body_html),
    }
    told: set[int] = set()
    if parent is not None and notify(parent.author_id, "reply", **about):
        told.add(parent.author_id)
    if post.author_id not in told and notify(post.author_id, "comment", **about):
        told.add(post.author_id)
    notify_mentions(text=comment.body_source, exclude=told, **about)


@dataclass(frozen=True)
class VoteResult:
    score: int
    value: int  # the voter's vote now: +1, -1 or 0 when retracted


def _votes_today(voter: Any) -> int:
    start = reputation.day_start(timezone.now())
    return Vote.objects.filter(user=voter, created_at__gte=start).count()


@transaction.atomic
def vote_cast(*, voter: Any, post: Post, value: int) -> VoteResult:
    """Vote a post up (+1) or down (-1), change a vote, or retract it (0).

    Locks the post row, so concurrent votes on one post queue up and the
    score always equals the sum of the votes; then the author's and the
    voter's rows, in id order, for their reputation. A changed vote is a new
    vote: the old one's reputation is reversed and the new one credited.
    """
    if value not in (1, -1, 0):
        raise ValidationError({"value": _("A vote is up (1), down (-1) or retracted (0).")})
    post = _lock_post(post.pk)
    require(permissions.can_vote_post(voter, post, value))
    existing = Vote.objects.filter(user=voter, post=post).first()
    current = existing.value if existing else 0
    if value == current:
        message = {
            1: _("You have already voted this post up."),
            -1: _("You have already voted this post down."),
            0: _("You have not voted on this post."),
        }[value]
        raise ApplicationError(message, code="already_voted")
    limit = int(settings.REPUTATION["DAILY_VOTE_LIMIT"])
    if value and _votes_today(voter) >= limit:
        raise ApplicationError(
            _("You have cast your %(limit)d votes for today; you can vote again after 00:00 UTC.")
            % {"limit": limit},
            code="vote_limit",
        )
    reputation.users_lock([post.author_id, voter.pk])
    if existing is not None:
        reputation.reputation_undo_vote(vote_id=existing.pk)
        existing.delete()
    if value:
        try:
            with transaction.atomic():
                vote = Vote.objects.create(user=voter, post=post, value=value)
        except IntegrityError:
            # Only reachable without a row lock (SQLite ignores FOR UPDATE,
            # but it serialises writers anyway): the constraint holds the line.
            raise ApplicationError(
                _("You have already voted on this post."), code="already_voted"
            ) from None
        reputation.reputation_credit_vote(vote=vote, post=post)
    Post.objects.filter(pk=post.pk).update(score=F("score") + (value - current))
    post.score = Post.objects.values_list("score", flat=True).get(pk=post.pk)
    if value:
        badges.badges_after_vote(vote=vote, post=post)
    outbox.enqueue_question(post.question_id, score_only=True)
    return VoteResult(score=post.score, value=value)


@transaction.atomic
def answer_accept(*, user: Any, answer: Post) -> Post:
    """Mark an answer accepted, moving the mark from any previous one.

    Locks the question row: one accepted answer per question is the single
    ``accepted_answer`` column, so racing accepts simply serialise.
    """
    answer = _lock_post(answer.pk)
    if answer.is_question or answer.parent_id is None:
        raise ValidationError(_("Only answers can be accepted."))
    if answer.is_deleted:
        raise ApplicationError(_("A deleted answer cannot be accepted."), code="deleted")
    question = _lock_post(answer.parent_id)
    require(permissions.can_accept_answer(user, question))
    if question.accepted_answer_id == answer.pk:
        raise ApplicationError(_("This answer is already accepted."), code="already_accepted")
    previous_author = (
        Post.objects.values_list("author_id", flat=True).get(pk=question.accepted_answer_id)
        if question.accepted_answer_id
        else None
    )
    reputation.users_lock([answer.author_id, user.pk, previous_author])
    reputation.reputation_undo_accept(question=question)
    now = timezone.now()
    Post.objects.filter(pk=question.pk).update(
        accepted_answer=answer, accepted_at=now, last_activity_at=now
    )
    question.refresh_from_db()
    reputation.reputation_credit_accept(question=question, answer=answer, accepter=user)
    badges.badges_after_accept(question=question, answer=answer, accepter=user)
    notify(
        answer.author_id,
        "accepted",
        user,
        answer,
        title=question.title,
        url=_thread_link(question.pk, question.slug, f"#answer-{answer.pk}"),
    )
    outbox.enqueue_question(question.pk)
    webhooks.webhook_answer_accepted(question=question, answer=answer, accepted_at=now)
    return question


@transaction.atomic
def answer_unaccept(*, user: Any, answer: Post) -> Post:
    """Remove the accepted mark from an answer."""
    answer = _lock_post(answer.pk)
    if answer.parent_id is None:
        raise ValidationError(_("Only answers can be accepted."))
    question = _lock_post(answer.parent_id)
    require(permissions.can_accept_answer(user, question))
    if question.accepted_answer_id != answer.pk:
        raise ApplicationError(_("This answer is not the accepted one."), code="not_accepted")
    reputation.users_lock([answer.author_id, user.pk])
    reputation.reputation_undo_accept(question=question)
    Post.objects.filter(pk=question.pk).update(accepted_answer=None, accepted_at=None)
    question.refresh_from_db()
    outbox.enqueue_question(question.pk)
    return question


@transaction.atomic
def post_edit(
    *,
    editor: Any,
    post: Post,
    body: str,
    title: str | None = None,
    tags: str | Iterable[str] | None = None,
    category: Category | None = None,
    summary: str = "",
) -> Post:
    """Edit a question (title, body, tags, category) or an answer (body).

    The edit is a new revision of the post, with ``summary`` as its edit
    summary (see ``qa.revisions``).
    """
    post = _lock_post(post.pk)
    require(permissions.can_edit_post(editor, post))
    return post_apply_edit(
        post=post,
        editor=editor,
        body=body,
        title=title,
        tags=tags,
        category=category,
        summary=summary,
        kind=RevisionKind.EDITED,
    )


def clean_post_edit(
    post: Post, *, body: str, title: str | None, tags: Any, summary: str
) -> dict[str, Any]:
    """The cleaned fields of an edit (or a suggested one); every field's
    error at once. A question's edit has a title and tags, an answer's not."""
    cleaners: dict[str, tuple[Any, Any]] = {
        "body": (validators.clean_body, body),
        "summary": (clean_summary, summary),
    }
    if post.is_question:
        cleaners["title"] = (validators.clean_title, title or "")
        cleaners["tags"] = (validators.clean_tags, tags or "")
    return _clean_fields(**cleaners)


def post_apply_edit(
    *,
    post: Post,
    editor: Any,
    body: str,
    title: str | None,
    tags: str | Iterable[str] | None,
    category: Category | None,
    summary: str,
    kind: RevisionKind,
    restored_number: int | None = None,
    approved_by: Any = None,
) -> Post:
    """Change a locked post's content and record the revision; the caller has
    checked who may do it. Edits, rollbacks and approved suggestions share it."""
    data = clean_post_edit(post, body=body, title=title, tags=tags, summary=summary)
    limits.check_edit(editor=editor, body=data["body"], title=data.get("title", ""))
    post_revision_baseline(post)
    now = timezone.now()
    previous_body = post.body_source
    rendered = _rendered(data["body"])
    for field, value in rendered.items():
        setattr(post, field, value)
    post.edited_at = now
    post.last_editor = editor
    post.last_activity_at = now
    update_fields = [*rendered, "edited_at", "last_editor", "last_activity_at"]
    if post.is_question:
        post.title = data["title"]
        post.slug = Post.slug_for(data["title"])
        post.category = category
        post.tag_names = " ".join(data["tags"])
        update_fields += ["title", "slug", "category", "tag_names"]
        old = set(post.tags.values_list("name", flat=True))
        new = set(data["tags"])
        post.tags.set(_tags_for(editor, data["tags"]))
        _move_tag_counts(new - old, +1)
        _move_tag_counts(old - new, -1)
    else:
        Post.objects.filter(pk=post.question_id).update(last_activity_at=now)
    post.save(update_fields=update_fields)
    revision_record(
        obj=post,
        author=editor,
        kind=kind,
        summary=data["summary"],
        created_at=now,
        restored_number=restored_number,
        approved_by=approved_by,
    )
    badges.badges_after_edit(post=post, editor=editor)
    _notify_edit(post, editor, previous_body)
    outbox.enqueue_question(post.question_id)
    return post


def _notify_edit(post: Post, editor: Any, previous_body: str) -> None:
    """The post's author (when someone else edited), and members newly mentioned."""
    if post.is_question:
        title, slug = post.title, post.slug
        url = _thread_link(post.pk, slug)
    else:
        title, slug = Post.objects.values_list("title", "slug").get(pk=post.question_id)
        url = _thread_link(post.question_id, slug, f"#answer-{post.pk}")
    notify(post.author_id, "edit", editor, post, title=title, url=url)
    notify_mentions(
        text=post.body_source,
        previous_text=previous_body,
        actor=editor,
        target=post,
        title=title,
        url=url,
        exclude=[post.author_id],
    )


@transaction.atomic
def post_delete(*, user: Any, post: Post, as_spam: bool = False, reason: str = "") -> Post:
    """Soft-delete a post: it leaves lists, counts and search but stays for
    its author and staff.

    Everything the post earned or cost in reputation is reversed; staff may
    delete it as spam or abuse, which also costs its author 100.
    """
    post = _lock_post(post.pk)
    require(permissions.can_delete_post(user, post))
    if as_spam and not user.is_staff:
        raise PermissionDenied(_("Only staff can delete a post as spam or abuse."))
    if not reason:
        reason = (
            _("Deleted by its author")
            if user.pk == post.author_id
            else _("Deleted as spam or abuse")
            if as_spam
            else _("Deleted by a moderator")
        )
    return post_remove(post=post, by=user, reason=reason, spam_penalty=as_spam)


def post_remove(*, post: Post, by: Any, reason: str, spam_penalty: bool = False) -> Post:
    """Soft-delete ``post`` without a permission check: for ``post_delete``
    and for moderation (flag thresholds, reviews), which decided already.

    Runs in the caller's transaction with ``post`` locked by it. ``by`` is
    ``None`` for automatic removals.
    """
    now = timezone.now()
    Post.objects.filter(pk=post.pk).update(
        deleted_at=now, deleted_by=by, deletion_reason=reason[:200]
    )
    if post.is_question:
        _move_tag_counts(post.tags.values_list("name", flat=True), -1)
        bounties.bounty_refund_for_deleted_question(question=post)
    else:
        question = _lock_post(post.question_id)
        changes: dict[str, Any] = {"answer_count": F("answer_count") - 1}
        if question.accepted_answer_id == post.pk:
            changes |= {"accepted_answer": None, "accepted_at": None}
        Post.objects.filter(pk=question.pk).update(**changes)
    reputation.reputation_reverse_post(post=post)
    if spam_penalty:
        reputation.reputation_penalise_spam(post=post, moderator=by, deleted_at=now)
    moderation.post_removed(post=post, by=by, reason=reason)
    outbox.enqueue_question(post.question_id)
    post.refresh_from_db()
    return post


@transaction.atomic
def post_undelete(*, user: Any, post: Post, reason: str = "") -> Post:
    """Bring a deleted post back (staff): it returns to lists, counts, search,
    and its author gets back the reputation its votes earned (and any spam
    penalty is lifted).
    """
    post = _lock_post(post.pk)
    require(permissions.can_undelete_post(user, post))
    Post.objects.filter(pk=post.pk).update(deleted_at=None, deleted_by=None, deletion_reason="")
    if post.is_question:
        _move_tag_counts(post.tags.values_list("name", flat=True), +1)
    else:
        _lock_post(post.question_id)
        Post.objects.filter(pk=post.question_id).update(answer_count=F("answer_count") + 1)
    reputation.reputation_restore_post(post=post)
    log_action(
        actor=user,
        action=ActionType.POST_UNDELETED,
        reason=reason or _("Undeleted by staff"),
        post=post,
    )
    outbox.enqueue_question(post.question_id)
    post.refresh_from_db()
    return post


def question_view_record(*, question_id: int) -> None:
    """Count one view of a question.

    With Redis (production), one HINCRBY in a hash of pending views, added
    to the questions by :func:`question_views_flush` (the scheduler, every
    few seconds): a popular page then costs no write, no row lock and no
    WAL traffic per view. Without it, a single UPDATE. No lock either way.
    The view badges are awarded by the scheduler's sweep
    (``reputation.badges.badges_award_view_badges``), not here.
    """
    VIEWS.add(question_id)


def question_views_flush() -> int:
    """Add the buffered views to their questions; return how many questions moved.

    One UPDATE per batch of questions, their rows locked in id order
    (``entraide.counter_buffer.add_counts``). A batch's views leave the
    buffer only after its UPDATE committed.
    """
    return VIEWS.flush()
