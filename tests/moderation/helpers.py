"""Shared set-up for the moderation tests."""

from qa.models import Post
from search.models import DocumentKind, IndexOperation
from tests.factories import UserFactory


def flaggers(n: int) -> list:
    """``n`` members with the flag privilege (15 reputation) and little more."""
    return [UserFactory(reputation=20) for _ in range(n)]


def reviewers(n: int, reputation: int = 600) -> list:
    """Members with the review privilege (500 reputation)."""
    return [UserFactory(reputation=reputation) for _ in range(n)]


def closers(n: int) -> list:
    """Members with the close-vote privilege (3,000 reputation)."""
    return [UserFactory(reputation=3000) for _ in range(n)]


def staff():
    return UserFactory(is_staff=True, reputation=1)


def queued_questions() -> list[int]:
    return list(
        IndexOperation.objects.filter(kind=DocumentKind.QUESTION)
        .order_by("id")
        .values_list("object_id", flat=True)
    )


def fresh(post: Post) -> Post:
    return Post.objects.get(pk=post.pk)
