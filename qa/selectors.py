"""Reads for the Q&A pages, each in a fixed number of queries."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from . import permissions
from .models import Category, Comment, Post, Tag, Vote


class QuestionSort:
    ACTIVE = "active"
    NEWEST = "newest"
    VOTES = "votes"
    UNANSWERED = "unanswered"
    CHOICES = [
        (ACTIVE, "Active"),
        (NEWEST, "Newest"),
        (VOTES, "Most votes"),
        (UNANSWERED, "Unanswered"),
    ]
    ORDERING = {
        ACTIVE: ("-last_activity_at",),
        NEWEST: ("-created_at",),
        VOTES: ("-score", "-created_at"),
        UNANSWERED: ("-created_at",),
    }

    @classmethod
    def parse(cls, value: str | None) -> str:
        return value if value in cls.ORDERING else cls.ACTIVE


_TAGS = Prefetch("tags", queryset=Tag.objects.only("id", "name").order_by("name"))


def question_list(
    *,
    sort: str = QuestionSort.ACTIVE,
    tag: Tag | None = None,
    category: Category | None = None,
    author: Any = None,
    page: Any = 1,
    per_page: int | None = None,
) -> Page:
    """One page of visible questions: a count, the rows and their tags (3 queries)."""
    sort = QuestionSort.parse(sort)
    questions = (
        Post.objects.questions()
        .visible()
        .select_related("author")
        .defer("body_source", "body_html", "author__password")
        .prefetch_related(_TAGS)
        .order_by(*QuestionSort.ORDERING[sort], "-id")
    )
    if sort == QuestionSort.UNANSWERED:
        questions = questions.filter(answer_count=0)
    if tag is not None:
        questions = questions.filter(tags=tag)
    if category is not None:
        # The whole subtree, by its nested-set bounds: a join, no extra query.
        questions = questions.filter(
            category__tree_id=category.tree_id,
            category__lft__gte=category.lft,
            category__rght__lte=category.rght,
        )
    if author is not None:
        questions = questions.filter(author=author)
    paginator = Paginator(questions, per_page or settings.QA["QUESTIONS_PER_PAGE"])
    return paginator.get_page(page)


@dataclass
class QuestionPage:
    question: Post
    answers: list[Post]
    comments: dict[int, list[Comment]]
    votes: dict[int, int]
    category_path: list[Category] = field(default_factory=list)

    def comments_for(self, post: Post) -> list[Comment]:
        return self.comments.get(post.pk, [])


def question_page(*, question_id: int, viewer: Any) -> QuestionPage:
    """The question, its answers (accepted first, then by score), every comment
    thread and the viewer's votes, in six queries whatever their number."""
    question = (
        Post.objects.questions()
        .select_related("author", "category")
        .prefetch_related(_TAGS)
        .filter(pk=question_id)
        .first()
    )
    if question is None or not permissions.can_view_post(viewer, question):
        raise Http404("No such question.")

    visible = Q(deleted_at__isnull=True)
    if viewer is not None and viewer.is_staff:
        visible = Q()
    elif viewer is not None and viewer.is_authenticated:
        visible |= Q(author=viewer)
    answers = list(
        Post.objects.filter(visible, parent=question)
        .select_related("author")
        .annotate(
            is_accepted_first=Case(
                When(pk=question.accepted_answer_id or 0, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("is_accepted_first", "-score", "created_at")
    )
    post_ids = [question.pk, *(answer.pk for answer in answers)]

    comments: dict[int, list[Comment]] = {}
    for comment in (
        Comment.objects.filter(post_id__in=post_ids)
        .select_related("author")
        .order_by("tree_id", "lft")
    ):
        comments.setdefault(comment.post_id, []).append(comment)

    votes: dict[int, int] = {}
    if viewer is not None and viewer.is_authenticated:
        votes = dict(
            Vote.objects.filter(user=viewer, post_id__in=post_ids).values_list("post_id", "value")
        )
    category_path = (
        list(question.category.get_ancestors(include_self=True)) if question.category else []
    )
    return QuestionPage(question, answers, comments, votes, category_path)


def post_for_action(post_id: int) -> Post:
    """The post a form acts on; 404 when it does not exist."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise Http404("No such post.")
    return post


def tag_list(*, query: str = "") -> QuerySet[Tag]:
    tags = Tag.objects.filter(usage_count__gt=0).order_by("-usage_count", "name")
    if query:
        tags = tags.filter(name__contains=query.lower())
    return tags


def category_tree() -> list[Category]:
    return list(Category.objects.all())


def user_posts(*, user: Any, post_type: str, limit: int = 20) -> list[Post]:
    posts = (
        Post.objects.visible()
        .filter(author=user, post_type=post_type)
        .select_related("parent")
        .defer("body_source", "body_html")
        .order_by("-score", "-created_at")[:limit]
    )
    return list(posts)
