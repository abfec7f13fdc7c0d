"""Reads for the Q&A pages, each in a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from entraide.db_router import replica_reads
from entraide.sql import sql_names
from moderation.selectors import ThreadModeration, thread_moderation
from notifications.models import Follow
from reputation.bounties import bounty_offer_amounts
from reputation.models import Bounty
from versioning.models import RevisionInfo
from wiki.models import FaqEntry, FaqStatus

from . import permissions
from .models import Category, Comment, Post, PostLink, PostType, SuggestedEdit, Tag, Vote

CATEGORY_TREE_CACHE_KEY = "qa:category-tree"
LIST_COUNT_SECONDS = 60
TAG_EXISTS_FROM = 200  # questions; measured on the 20,000-question bench data


class QuestionSort:
    ACTIVE = "active"
    NEWEST = "newest"
    VOTES = "votes"
    UNANSWERED = "unanswered"
    CHOICES = [
        (ACTIVE, pgettext_lazy("sort", "Active")),
        (NEWEST, _("Newest")),
        (VOTES, _("Most votes")),
        (UNANSWERED, _("Unanswered")),
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


class _DeferredJoin:
    """What ``Paginator`` slices: the page's ids are picked on an index (no
    table rows read however deep the page), then only those rows are loaded,
    in the same query through a subquery."""

    def __init__(self, questions: QuerySet[Post], ordering: tuple[str, ...], count_key: str):
        self.questions = questions
        self.ordering = ordering
        self.count_key = count_key
        self._count: int | None = None

    def count(self) -> int:
        # COUNT(*) grows with the site (2 ms at 20,000 questions, far more at
        # a million); the total shown above a list may lag by a minute.
        if self._count is None:
            count = cache.get(self.count_key)
            if count is None:
                count = self.questions.order_by().count()
                cache.set(self.count_key, count, LIST_COUNT_SECONDS)
            self._count = count
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Post]:
        ids = self.questions.order_by(*self.ordering).values("pk")[window]
        rows = (
            Post.objects.filter(pk__in=ids)
            .select_related("author")
            .only(*_LIST_FIELDS)
            .order_by(*self.ordering)
        )
        return list(rows)


_LIST_FIELDS = (
    *("title", "slug", "excerpt", "tag_names", "score", "answer_count", "view_count"),
    *("accepted_answer_id", "created_at", "last_activity_at", "post_type"),
    *("author__username", "author__display_name", "author__reputation"),
)


@replica_reads()
def question_list(
    *,
    sort: str = QuestionSort.ACTIVE,
    tag: Tag | None = None,
    category: Category | None = None,
    author: Any = None,
    page: Any = 1,
    per_page: int | None = None,
) -> Page:
    """One page of visible questions: a count and the rows (2 queries)."""
    sort = QuestionSort.parse(sort)
    questions = Post.objects.questions().visible()
    if sort == QuestionSort.UNANSWERED:
        questions = questions.filter(answer_count=0)
    if tag is not None:
        if tag.usage_count >= TAG_EXISTS_FROM:
            # A popular tag: walk the sort's index and test each question for
            # the tag, rather than sort thousands of tagged rows.
            tagged = Post.tags.through.objects.filter(post_id=OuterRef("pk"), tag_id=tag.pk)
            questions = questions.filter(Exists(tagged))
        else:
            questions = questions.filter(tags=tag)
    if category is not None:
        # The whole subtree, by its nested-set bounds.
        questions = questions.filter(
            category__in=Category.objects.filter(
                tree_id=category.tree_id, lft__gte=category.lft, rght__lte=category.rght
            )
        )
    if author is not None:
        questions = questions.filter(author=author)
    ordering = (*QuestionSort.ORDERING[sort], "-id")
    count_key = "qa:count:{}:{}:{}:{}".format(
        sort == QuestionSort.UNANSWERED,
        tag.pk if tag else "",
        category.pk if category else "",
        author.pk if author else "",
    )
    paginator: Paginator[Post] = Paginator(
        _DeferredJoin(questions, ordering, count_key),  # type: ignore[arg-type]
        per_page or settings.QA["QUESTIONS_PER_PAGE"],
    )
    return paginator.get_page(page)


@dataclass
class QuestionPage:
    question: Post
    answers: list[Post]
    comments: dict[int, list[Comment]]
    votes: dict[int, int]
    category_path: list[Category] = field(default_factory=list)
    # The running bounty, and the amounts the viewer may offer (empty when
    # they may not offer one).
    open_bounty: Bounty | None = None
    bounty_amounts: list[int] = field(default_factory=list)
    # Who closed, locked, protected or deleted what (banners).
    moderation: ThreadModeration = field(default_factory=ThreadModeration)
    # Questions linked to or from this one, and its original if a duplicate.
    linked: list[Post] = field(default_factory=list)

    def comments_for(self, post: Post) -> list[Comment]:
        return self.comments.get(post.pk, [])

    def newest_date(self) -> datetime:
        """The most recent date the page prints (how long it may be cached)."""
        posts = [self.question, *self.answers]
        dates = [self.question.last_activity_at]
        dates += [date for post in posts for date in (post.created_at, post.edited_at) if date]
        dates += [c.created_at for post in posts for c in self.comments_for(post)]
        return max(dates)

    def participants(self) -> list[dict[str, str]]:
        """The asker, answerers and commenters, once each: whom a member can
        @mention here (read from the rows already loaded)."""
        people: dict[str, str] = {}
        posts = [self.question, *self.answers]
        comments = [comment for post in posts for comment in self.comments_for(post)]
        for author in [post.author for post in posts] + [c.author for c in comments]:
            people.setdefault(author.username, author.public_name)
        return [{"username": username, "name": name} for username, name in people.items()]


# What the thread shows; fewer columns compile and load faster.
_AUTHOR = ("author__username", "author__display_name", "author__reputation")
_ANSWER_FIELDS = (
    *("parent_id", "post_type", "body_html", "score", "created_at", "edited_at", "deleted_at"),
    "is_community_wiki",
    *_AUTHOR,
)
_BOUNTY_FIELDS = (
    *("question", "offered_by", "amount", "ends_at", "awarded_at", "expired_at"),
    *("offered_by__username", "offered_by__display_name"),
)
_COMMENT_FIELDS = (
    *("post_id", "parent_id", "body_html", "created_at", "deleted_at"),
    *("level", "tree_id", "lft", "rght"),
    *_AUTHOR,
)


@lru_cache(maxsize=1)
def _thread_extra_sql() -> dict[str, str]:
    """Correlated subqueries on the thread's rows, written once per process
    (see ``entraide.sql``)."""
    _post, row = sql_names(Post, "id")
    bounty, bounty_id, question, awarded, expired, ends = sql_names(
        Bounty, "id", "question", "awarded_at", "expired_at", "ends_at"
    )
    faq, slug, source, status = sql_names(FaqEntry, "slug", "source_answer", "status")
    follow, follower, followed = sql_names(Follow, "user", "question")
    link, link_from, link_to = sql_names(PostLink, "from_post", "to_post")
    return {
        "open_bounty_id": (
            f"SELECT {bounty_id} FROM {bounty} WHERE {question} = {row}"
            f" AND {awarded} IS NULL AND {expired} IS NULL AND {ends} > %s LIMIT 1"
        ),
        "faq_slug": f"SELECT {slug} FROM {faq} WHERE {source} = {row} AND {status} = %s LIMIT 1",
        # Most questions have no links: knowing it here spares the page the
        # linked-questions query.
        "has_links": (
            f"EXISTS(SELECT 1 FROM {link} WHERE {link_from} = {row})"
            f" OR EXISTS(SELECT 1 FROM {link} WHERE {link_to} = {row})"
        ),
        "is_followed": (
            f"EXISTS(SELECT 1 FROM {follow} WHERE {followed} = {row} AND {follower} = %s)"
        ),
    }


def _thread_extras(viewer: Any, now: Any) -> dict[str, RawSQL]:
    """The running bounty's id, the published FAQ entry an answer lives on in,
    whether the post has linked questions and (for a member) whether they
    follow it."""
    sql = _thread_extra_sql()
    extras = {
        "open_bounty_id": RawSQL(sql["open_bounty_id"], (now,)),
        "faq_slug": RawSQL(sql["faq_slug"], (FaqStatus.PUBLISHED,)),
        "has_links": RawSQL(sql["has_links"], (), BooleanField()),
    }
    if viewer is not None and viewer.is_authenticated:
        extras["is_followed"] = RawSQL(sql["is_followed"], (viewer.pk,), BooleanField())
    return extras


@replica_reads()
def question_page(*, question_id: int, viewer: Any) -> QuestionPage:
    """The question, its answers (accepted first, then by score), every comment
    thread, the viewer's votes, the open bounty and the linked questions:
    two queries for a visitor and three for a member whatever their number
    (one more while a bounty is open, one when the question has linked
    questions; a closed, locked, protected question or a deleted post adds
    one to name who did it, a duplicate one for its original)."""
    # The question and its answers in one query: on this scale building a
    # query costs more than running it, so the per-row extras are plain SQL
    # (``_thread_extras``) rather than ORM subqueries, which took more Python
    # to compile than everything else on the page's queries together.
    rows = (
        Post.objects.filter(
            Q(pk=question_id, post_type=PostType.QUESTION) | Q(parent_id=question_id)
        )
        # Imported posts name their origin and author (CC BY-SA attribution):
        # joined here, so the page needs no query for it.
        .select_related("author", "imported_from__site", "author__imported_from")
        .annotate(**_thread_extras(viewer, timezone.now()))
        .order_by("-score", "created_at")
    )
    thread = list(rows)
    question = next((post for post in thread if post.pk == question_id), None)
    if question is None or not permissions.can_view_post(viewer, question):
        raise Http404("No such question.")
    answers = [
        post
        for post in thread
        if post.pk != question_id and permissions.can_view_post(viewer, post)
    ]
    # Accepted first; the query already ordered the rest by score.
    answers.sort(key=lambda answer: answer.pk != question.accepted_answer_id)
    post_ids = [question.pk, *(answer.pk for answer in answers)]

    comments: dict[int, list[Comment]] = {}
    for comment in (
        Comment.objects.filter(post_id__in=post_ids)
        .select_related("author")
        .only(*_COMMENT_FIELDS)
        .order_by("tree_id", "lft")
    ):
        comments.setdefault(comment.post_id, []).append(comment)

    votes: dict[int, int] = {}
    if viewer is not None and viewer.is_authenticated:
        votes = dict(
            Vote.objects.filter(user=viewer, post_id__in=post_ids).values_list("post_id", "value")
        )
    open_bounty_id = getattr(question, "open_bounty_id", None)  # annotated above
    has_links = getattr(question, "has_links", False)
    open_bounty = (
        Bounty.objects.select_related("offered_by").only(*_BOUNTY_FIELDS).get(pk=open_bounty_id)
        if open_bounty_id
        else None
    )
    return QuestionPage(
        question,
        answers,
        comments,
        votes,
        category_path(question.category_id),
        open_bounty,
        bounty_offer_amounts(viewer, question, open_bounty),
        thread_moderation(question=question, answers=answers),
        linked_questions(question) if has_links or question.duplicate_of_id else [],
    )


LINKED_MAX = 10


def linked_questions(question: Post) -> list[Post]:
    """Visible questions this one links to or is linked from (Stack Exchange's
    "Linked"), with its original when it is a duplicate; best first, one query."""
    linked = Q(pk__in=PostLink.objects.filter(from_post_id=question.pk).values("to_post_id")) | Q(
        pk__in=PostLink.objects.filter(to_post_id=question.pk).values("from_post_id")
    )
    if question.duplicate_of_id:
        linked |= Q(pk=question.duplicate_of_id)
    # Id subqueries, no joins and no ORDER BY in SQL: with either, SQLite
    # walked the score index over every question (2.5-3.5 ms on the bench
    # data); this probes the link table's indexes and the primary key, and
    # the few rows are ranked here.
    rows = (
        Post.objects.questions()
        .visible()
        .filter(linked)
        .exclude(pk=question.pk)
        .only("title", "slug", "score", "answer_count", "accepted_answer_id", "post_type")
        .order_by()
    )
    return sorted(rows, key=lambda post: (-post.score, -post.pk))[:LINKED_MAX]


def post_for_action(post_id: int) -> Post:
    """The post a form acts on; 404 when it does not exist."""
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        raise Http404("No such post.")
    return post


@replica_reads()
def tag_list(*, query: str = "") -> QuerySet[Tag]:
    tags = Tag.objects.filter(usage_count__gt=0).order_by("-usage_count", "name")
    if query:
        tags = tags.filter(name__contains=query.lower())
    return tags


def category_tree() -> list[Category]:
    """Every category in tree order; cached, since the tree changes rarely.

    ``qa.apps`` clears the cache when a category is saved or deleted.
    """
    tree = cache.get(CATEGORY_TREE_CACHE_KEY)
    if tree is None:
        tree = list(Category.objects.all())
        cache.set(CATEGORY_TREE_CACHE_KEY, tree, timeout=300)
    return tree


def category_path(category_id: int | None) -> list[Category]:
    """The breadcrumbs of a category: its ancestors and itself (no query when cached)."""
    if category_id is None:
        return []
    by_id = {category.pk: category for category in category_tree()}
    path: list[Category] = []
    current = by_id.get(category_id)
    while current is not None:
        path.append(current)
        current = by_id.get(current.parent_id) if current.parent_id else None
    return path[::-1]


def user_posts(*, user: Any, post_type: str, limit: int = 20) -> list[Post]:
    posts = (
        Post.objects.visible()
        .filter(author=user, post_type=post_type)
        .select_related("parent")
        .defer("body_source", "body_html")
        .order_by("-score", "-created_at")[:limit]
    )
    return list(posts)


def suggested_edit_queue(*, limit: int = 50) -> list[SuggestedEdit]:
    """Suggested edits waiting for review, oldest first, each annotated with
    its post's latest revision number (stale when above ``base_revision``)."""
    latest = (
        RevisionInfo.objects.filter(
            content_type=ContentType.objects.get_for_model(Post), object_id=OuterRef("post_id")
        )
        .order_by("-number")
        .values("number")[:1]
    )
    return list(
        SuggestedEdit.objects.filter(status=SuggestedEdit.Status.PENDING)
        .select_related("post__parent", "author")
        .annotate(latest_revision=Subquery(latest))
        .order_by("created_at")[:limit]
    )
