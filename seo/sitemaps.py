"""sitemap.xml: questions worth indexing, tags, and (when installed) the FAQ and the wiki."""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from entraide.links import link
from qa.models import Post, Tag
from wiki.models import FaqEntry, FaqStatus, WikiPage

from .rules import indexable_questions_q, indexable_wiki_pages_q


class QuestionSitemap(Sitemap):
    limit = 10_000
    changefreq = "weekly"

    def items(self) -> QuerySet[Post]:
        return (
            Post.objects.filter(indexable_questions_q())
            .only("pk", "slug", "last_activity_at", "post_type")
            .order_by("pk")
        )

    def location(self, item: Post) -> str:
        return link("qa:question_detail", pk=item.pk, slug=item.slug)

    def lastmod(self, item: Post) -> Any:
        return item.last_activity_at


class TagSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> QuerySet[Tag]:
        return Tag.objects.filter(usage_count__gt=0).only("name").order_by("name")

    def location(self, item: Tag) -> str:
        return link("qa:tag_detail", name=item.name)


class FaqSitemap(Sitemap):
    """The FAQ page and each published entry's own page (drafts are noindex)."""

    changefreq = "weekly"

    def items(self) -> list[FaqEntry | None]:
        entries = FaqEntry.objects.filter(status=FaqStatus.PUBLISHED).only("slug", "updated_at")
        return [None, *entries.order_by("pk")]

    def location(self, item: FaqEntry | None) -> str:
        return link("wiki:faq_index") if item is None else item.get_absolute_url()

    def lastmod(self, item: FaqEntry | None) -> Any:
        return None if item is None else item.updated_at


class WikiSitemap(Sitemap):
    """Wiki pages with text (empty placeholders are noindex)."""

    changefreq = "weekly"

    def items(self) -> QuerySet[WikiPage]:
        return (
            WikiPage.objects.filter(indexable_wiki_pages_q())
            .only("path", "updated_at")
            .order_by("tree_id", "lft")
        )

    def location(self, item: WikiPage) -> str:
        return item.get_absolute_url()

    def lastmod(self, item: WikiPage) -> Any:
        return item.updated_at


def sitemaps() -> dict[str, type[Sitemap] | Sitemap]:
    return {
        "questions": QuestionSitemap,
        "tags": TagSitemap,
        "faq": FaqSitemap,
        "wiki": WikiSitemap,
    }
