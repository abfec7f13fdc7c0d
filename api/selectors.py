"""Reads the API needs beyond the pages' selectors: shaped trees and public rows."""

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from qa import selectors as qa_selectors
from qa.models import Category, Comment, Post
from reputation import selectors as reputation_selectors
from reputation.privileges import role_of
from wiki.models import FaqEntry, FaqStatus

from .models import ApiKey

QUESTION_LIST_FIELDS = (
    *("title", "slug", "excerpt", "tag_names", "score", "answer_count", "view_count"),
    *("accepted_answer_id", "created_at", "last_activity_at", "post_type", "author_id"),
    *("author__username", "author__display_name", "author__reputation"),
)


def question_rows() -> QuerySet[Post]:
    """Visible questions with what a list shows (filter and order it after)."""
    return Post.objects.questions().visible().select_related("author").only(*QUESTION_LIST_FIELDS)


def comment_forest(comments: Iterable[Comment]) -> list[Comment]:
    """Comments (in tree order) as roots, each with ``thread_replies`` nested."""
    by_id: dict[int, Comment] = {}
    roots: list[Comment] = []
    for comment in comments:
        comment.thread_replies = []
        by_id[comment.pk] = comment
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        if parent is None:
            roots.append(comment)
        else:
            parent.thread_replies.append(comment)
    return roots


def thread_forests(page: qa_selectors.QuestionPage) -> dict[int, list[Comment]]:
    return {post_id: comment_forest(comments) for post_id, comments in page.comments.items()}


def post_comments(*, post: Post) -> list[Comment]:
    comments = Comment.objects.filter(post=post).select_related("author").order_by("tree_id", "lft")
    return comment_forest(comments)


def category_forest() -> list[Category]:
    """The category tree (cached by qa.selectors) as roots with ``tree_children``."""
    categories = qa_selectors.category_tree()
    by_id = {category.pk: category for category in categories}
    roots: list[Category] = []
    for category in categories:
        category.tree_children = []
    for category in categories:
        parent = by_id.get(category.parent_id) if category.parent_id else None
        if parent is None:
            roots.append(category)
        else:
            parent.tree_children.append(category)
    return roots


def public_member(*, user_id: int) -> User:
    """An active member with their role and badge counts; 404 otherwise."""
    member = User.objects.filter(pk=user_id, is_active=True).first()
    if member is None:
        raise Http404("No such member.")
    counts = {"gold": 0, "silver": 0, "bronze": 0}
    for badge in reputation_selectors.user_badges(user=member):
        counts[badge.tier] += badge.times  # type: ignore[attr-defined]
    member.badge_counts = counts  # type: ignore[attr-defined]
    member.role = role_of(member).value  # type: ignore[attr-defined]
    return member


def answer_for_api(*, answer_id: int, viewer: Any) -> qa_selectors.QuestionPage:
    """The thread holding an answer, read like the question page; 404 when the
    answer does not exist or the viewer may not see it."""
    parent_id = (
        Post.objects.answers().filter(pk=answer_id).values_list("parent_id", flat=True).first()
    )
    if parent_id is None:
        raise Http404("No such answer.")
    page = qa_selectors.question_page(question_id=parent_id, viewer=viewer)
    if not any(answer.pk == answer_id for answer in page.answers):
        raise Http404("No such answer.")
    return page


def faq_rows(*, category: str = "") -> QuerySet[FaqEntry]:
    """Published FAQ entries (in ``category``, a slug, and its subcategories
    when given), with their category."""
    rows = FaqEntry.objects.filter(status=FaqStatus.PUBLISHED).select_related("category")
    if category:
        found = Category.objects.filter(slug=category).first()
        if found is None:
            return rows.none()
        rows = rows.filter(category__in=found.get_descendants(include_self=True))
    return rows


# An API key as authentication reads it, kept a minute: a help centre's
# widget calls as its visitors type, and the row changes only when staff
# revoke the key (api.services.api_key_revoke forgets it at once).
API_KEY_CACHE_SECONDS = 60


def api_key_cache_key(prefix: str) -> str:
    return f"api:key:{prefix}"


def api_key_by_prefix(prefix: str) -> ApiKey | None:
    key = cache.get(api_key_cache_key(prefix))
    if not isinstance(key, ApiKey):
        key = ApiKey.objects.filter(prefix=prefix).first()
        if key is not None:
            cache.set(api_key_cache_key(prefix), key, timeout=API_KEY_CACHE_SECONDS)
    return key
