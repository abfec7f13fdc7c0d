"""Personal data held by the Q&A core (see privacy.registry).

Posts and comments are the community's: they stay after an erasure, attributed
to the anonymous "user<id>" account, and their questions are re-indexed so the
search documents lose the member's name. Votes stay counted without a voter.
"""

from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from privacy.registry import register
from search import outbox
from search.models import DocumentKind

from .models import Comment, Post, SuggestedEdit, Vote


def _revisions(user: Any, post_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    by_post: dict[int, list[dict[str, Any]]] = defaultdict(list)
    versions = (
        Version.objects.filter(
            content_type=ContentType.objects.get_for_model(Post),
            object_id__in=[str(pk) for pk in post_ids],
        )
        .select_related("revision")
        .order_by("revision__date_created")
    )
    for version in versions:
        fields = version.field_dict
        by_post[int(version.object_id)].append(
            {
                "date": version.revision.date_created,
                "comment": version.revision.comment,
                "by_you": version.revision.user_id == user.pk,
                "title": fields.get("title", ""),
                "body": fields.get("body_source", ""),
            }
        )
    return by_post


def _posts(user: Any) -> list[Any]:
    posts = list(Post.objects.filter(author=user).select_related("parent").order_by("created_at"))
    revisions = _revisions(user, [post.pk for post in posts])
    return [
        {
            "id": post.pk,
            "type": post.post_type,
            "question_id": post.question_id,
            "title": post.title if post.is_question else post.parent.title,  # type: ignore[union-attr]
            "body": post.body_source,
            "tags": post.tag_names.split(),
            "score": post.score,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "deleted_at": post.deleted_at,
            "revisions": revisions.get(post.pk, []),
        }
        for post in posts
    ]


def _comments(user: Any) -> list[Any]:
    return list(
        Comment.objects.filter(author=user)
        .order_by("created_at")
        .values("id", "post_id", "parent_id", "body_source", "created_at", "deleted_at")
    )


def _votes(user: Any) -> list[Any]:
    return list(
        Vote.objects.filter(user=user)
        .order_by("created_at")
        .values("post_id", "value", "created_at")
    )


def contributions_reindex(user: Any) -> None:
    """Queue every question whose search document or page may show the
    member's name (after an erasure or a new name; this also drops the
    cached pages of those questions)."""
    asked_or_answered = Post.objects.filter(author=user).values_list("parent_id", "pk", "post_type")
    question_ids = {parent_id or pk for parent_id, pk, _ in asked_or_answered}
    for post_id, parent_id in Comment.objects.filter(author=user).values_list(
        "post_id", "post__parent_id"
    ):
        question_ids.add(parent_id or post_id)
    outbox.enqueue(DocumentKind.QUESTION, question_ids)


register(
    "posts",
    description="Questions and answers with their revisions (kept, attributed to user<id>).",
    export=_posts,
    erase=contributions_reindex,
    models=("qa.Post", "reversion.Revision", "versioning.RevisionInfo"),
)
register(
    "comments",
    description="Comments (kept, attributed to user<id>).",
    export=_comments,
    models=("qa.Comment",),
)
register(
    "votes",
    description="Votes cast (kept in scores, the link to the voter removed).",
    export=_votes,
    erase=lambda user: Vote.objects.filter(user=user).update(user=None),
    models=("qa.Vote",),
)


def _suggested_edits(user: Any) -> list[Any]:
    return list(
        SuggestedEdit.objects.filter(author=user)
        .order_by("created_at")
        .values("post_id", "title", "body_source", "summary", "status", "created_at")
    )


register(
    "suggested_edits",
    description="Edits suggested to others' posts (approved ones live on in the post history).",
    export=_suggested_edits,
    # Never published: nothing for the community to keep.
    erase=lambda user: (
        SuggestedEdit.objects.filter(author=user)
        .exclude(status=SuggestedEdit.Status.APPROVED)
        .delete()
    ),
    models=("qa.SuggestedEdit",),
)
