"""Atom feeds: the site's newest questions, a tag's, a category's, and one
question with its answers. Visible posts only; 30 entries, newest first."""

from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entraide.links import link
from qa.models import Category, Post, Tag, thread_url

FEED_SIZE = 30


class _PostFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item: Post) -> str:
        return (
            item.title
            if item.is_question
            else _("Answer by %(name)s") % {"name": item.author.public_name}
        )

    def item_description(self, item: Post) -> str:
        return item.body_html  # rendered and sanitised when saved

    def item_link(self, item: Post) -> str:
        return thread_url(item)

    def item_pubdate(self, item: Post) -> Any:
        return item.created_at

    def item_updateddate(self, item: Post) -> Any:
        return item.edited_at or item.created_at

    def item_author_name(self, item: Post) -> str:
        return item.author.public_name

    def item_author_link(self, item: Post) -> str:
        return item.author.get_absolute_url()

    def item_categories(self, item: Post) -> list[str]:
        return item.tag_list


def _questions() -> QuerySet[Post]:
    return (
        Post.objects.questions().visible().select_related("author").order_by("-created_at", "-id")
    )


class QuestionsFeed(_PostFeed):
    title = gettext_lazy("Entraide: newest questions")
    subtitle = gettext_lazy("The newest questions asked on Entraide.")

    def link(self) -> str:
        return link("qa:question_list") + "?sort=newest"

    def items(self) -> QuerySet[Post]:
        return _questions()[:FEED_SIZE]


class TagFeed(_PostFeed):
    def get_object(self, request: HttpRequest, name: str) -> Tag:
        return get_object_or_404(Tag, name=name)

    def title(self, tag: Tag) -> str:
        return _("Entraide: questions tagged %(tag)s") % {"tag": tag.name}

    def subtitle(self, tag: Tag) -> str:
        return _("The newest questions tagged “%(tag)s”.") % {"tag": tag.name}

    def link(self, tag: Tag) -> str:
        return tag.get_absolute_url()

    def items(self, tag: Tag) -> QuerySet[Post]:
        return _questions().filter(tags=tag)[:FEED_SIZE]


class CategoryFeed(_PostFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Category:
        return get_object_or_404(Category, slug=slug)

    def title(self, category: Category) -> str:
        return f"Entraide: {category.name}"

    def subtitle(self, category: Category) -> str:
        return _("The newest questions in %(category)s and its subcategories.") % {
            "category": category.name
        }

    def link(self, category: Category) -> str:
        return category.get_absolute_url()

    def items(self, category: Category) -> QuerySet[Post]:
        subtree = Category.objects.filter(
            tree_id=category.tree_id, lft__gte=category.lft, rght__lte=category.rght
        )
        return _questions().filter(category__in=subtree)[:FEED_SIZE]


class QuestionFeed(_PostFeed):
    """One question and its answers, newest first: follow a thread in a reader."""

    def get_object(self, request: HttpRequest, pk: int) -> Post:
        question = _questions().filter(pk=pk).first()
        if question is None:
            raise Http404("No such question.")
        return question

    def title(self, question: Post) -> str:
        return f"Entraide: {question.title}"

    def subtitle(self, question: Post) -> str:
        return question.excerpt

    def link(self, question: Post) -> str:
        return question.get_absolute_url()

    def items(self, question: Post) -> list[Post]:
        answers = (
            Post.objects.answers()
            .visible()
            .filter(parent=question)
            .select_related("author", "parent")
            .order_by("-created_at", "-id")[: FEED_SIZE - 1]
        )
        return [*answers, question]
