"""Following a question, a tag or a category, and telling followers of new
activity there (inside the activity's transaction, like every notification)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qa.models import Category, Post, Tag

from .models import Follow
from .services import notify_many


def _target(question: Post | None, tag: Tag | None, category: Category | None) -> dict[str, Any]:
    given = {
        name: value
        for name, value in (("question", question), ("tag", tag), ("category", category))
        if value is not None
    }
    if len(given) != 1:
        raise ValueError("Follow exactly one question, tag or category.")
    if question is not None and (not question.is_question or question.is_deleted):
        raise ValidationError(_("Only a visible question can be followed."))
    return given


@transaction.atomic
def follow_add(
    *,
    user: Any,
    question: Post | None = None,
    tag: Tag | None = None,
    category: Category | None = None,
) -> bool:
    """Follow one question, tag or category; ``False`` if already followed."""
    if not user.is_authenticated:
        raise PermissionDenied(_("You must log in to follow."))
    target = _target(question, tag, category)
    try:
        with transaction.atomic():
            Follow.objects.create(user=user, **target)
    except IntegrityError:  # the unique constraint: followed already (or a race)
        return False
    return True


@transaction.atomic
def follow_remove(
    *,
    user: Any,
    question: Post | None = None,
    tag: Tag | None = None,
    category: Category | None = None,
) -> bool:
    """Stop following; ``False`` if it was not followed."""
    deleted, _rows = Follow.objects.filter(
        user_id=user.pk, **_target(question, tag, category)
    ).delete()
    return bool(deleted)


def follow_quietly(*, user_id: int, question_id: int) -> None:
    """The asker and the answerers follow their question (as on Stack Exchange)."""
    Follow.objects.bulk_create(
        [Follow(user_id=user_id, question_id=question_id)], ignore_conflicts=True
    )


def followers_notify_answer(
    *, question: Post, answer: Post, url: str, exclude: set[int]
) -> set[int]:
    """Followers of ``question`` (but ``exclude``, told already) hear of ``answer``."""
    followers = Follow.objects.filter(question_id=question.pk).exclude(user_id__in=exclude)
    return notify_many(
        followers.values_list("user_id", flat=True),
        "followed_answer",
        answer.author_id,
        answer,
        title=question.title,
        url=url,
    )


def followers_notify_question(
    *, question: Post, tag_ids: list[int], category_ids: list[int], url: str, exclude: set[int]
) -> set[int]:
    """Followers of the new question's tags and of its category or any category
    above it hear of it, once each."""
    followers = Follow.objects.filter(tag_id__in=tag_ids) | Follow.objects.filter(
        category_id__in=category_ids
    )
    return notify_many(
        followers.exclude(user_id__in=exclude).values_list("user_id", flat=True).distinct(),
        "followed_question",
        question.author_id,
        question,
        title=question.title,
        url=url,
        body=question.excerpt,
    )
