"""sitemap.xml: questions worth indexing, tags, and (when installed) the FAQ and the wiki."""

from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet

from entraide.links import link
from qa.models import Post, Tag

from .rules import indexable_questions_q


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


def sitemaps() -> dict[str, type[Sitemap] | Sitemap]:
    return {"questions": QuestionSitemap, "tags": TagSitemap}
