"""Query-string filters of the question list (django-filter)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from qa.models import Category, Post
from qa.selectors import QuestionSort

# Each sort's order, ending in the unique id the cursor needs.
SORT_ORDERING = {sort: (*fields, "-id") for sort, fields in QuestionSort.ORDERING.items()}


MAX_ID = 2**63 - 1


class IdFilter(django_filters.Filter):
    """A whole number that fits an id column (NumberFilter takes decimals)."""

    field_class = forms.IntegerField

    def __init__(self, *, field_name: str, help_text: str) -> None:
        super().__init__(field_name=field_name, help_text=help_text, min_value=1, max_value=MAX_ID)


BOOLEAN = [("true", "true"), ("false", "false")]


def _boolean(method: str, help_text: str) -> django_filters.ChoiceFilter:
    """``true`` or ``false`` only: django-filter's BooleanFilter reads ``maybe`` as unset."""
    return django_filters.ChoiceFilter(
        choices=BOOLEAN, method=method, empty_label=None, help_text=help_text
    )


class QuestionFilter(django_filters.FilterSet):
    sort = django_filters.ChoiceFilter(
        choices=QuestionSort.CHOICES,
        method="filter_sort",
        empty_label=None,
        help_text="active (default), newest, votes or unanswered.",
    )
    tag = django_filters.CharFilter(method="filter_tag", help_text="A tag name.")
    category = django_filters.CharFilter(
        method="filter_category", help_text="A category's slug; includes its subcategories."
    )
    answered = _boolean("filter_answered", "Questions with (true) or without (false) answers.")
    accepted = _boolean(
        "filter_accepted", "Questions with (true) or without (false) an accepted answer."
    )
    user = IdFilter(field_name="author_id", help_text="The asker's id.")

    class Meta:
        model = Post
        fields: list[str] = []

    def filter_sort(self, queryset: QuerySet[Post], name: str, value: str) -> QuerySet[Post]:
        if value == QuestionSort.UNANSWERED:
            return queryset.filter(answer_count=0)
        return queryset

    def filter_tag(self, queryset: QuerySet[Post], name: str, value: str) -> QuerySet[Post]:
        tagged = Post.tags.through.objects.filter(post_id=OuterRef("pk"), tag__name=value)
        return queryset.filter(Exists(tagged))

    def filter_category(self, queryset: QuerySet[Post], name: str, value: str) -> QuerySet[Post]:
        category = Category.objects.filter(slug=value).first()
        if category is None:
            return queryset.none()
        return queryset.filter(
            category__in=Category.objects.filter(
                tree_id=category.tree_id, lft__gte=category.lft, rght__lte=category.rght
            )
        )

    def filter_answered(self, queryset: QuerySet[Post], name: str, value: str) -> QuerySet[Post]:
        if value == "true":
            return queryset.filter(answer_count__gt=0)
        return queryset.filter(answer_count=0)

    def filter_accepted(self, queryset: QuerySet[Post], name: str, value: str) -> QuerySet[Post]:
        return queryset.filter(accepted_answer__isnull=value != "true")

    def ordering(self) -> tuple[str, ...]:
        sort = QuestionSort.parse(self.form.cleaned_data.get("sort") if self.is_bound else None)
        return SORT_ORDERING[sort]
