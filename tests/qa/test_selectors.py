from datetime import timedelta

import pytest
from django.utils import timezone

from qa import selectors, services
from qa.models import Category, Post, Tag
from tests.factories import AnswerFactory, QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def _titles(page) -> list[str]:
    return [q.title for q in page.object_list]


def _question(title: str, days_old: int, **fields) -> Post:
    question = QuestionFactory(title=title, **fields)
    when = timezone.now() - timedelta(days=days_old)
    Post.objects.filter(pk=question.pk).update(created_at=when, last_activity_at=when)
    return question


def test_sorts_active_newest_votes_unanswered() -> None:
    old = _question("Old but active question", days_old=10)
    new = _question("Newest question of all", days_old=1)
    top = _question("Most voted question here", days_old=5)
    Post.objects.filter(pk=top.pk).update(score=7)
    Post.objects.filter(pk=old.pk).update(last_activity_at=timezone.now())
    AnswerFactory(parent=old)
    AnswerFactory(parent=top)
    assert _titles(selectors.question_list(sort="active"))[0] == old.title
    assert _titles(selectors.question_list(sort="newest")) == [new.title, top.title, old.title]
    assert _titles(selectors.question_list(sort="votes"))[0] == top.title
    assert _titles(selectors.question_list(sort="unanswered")) == [new.title]


def test_unknown_sort_falls_back_to_active() -> None:
    assert selectors.QuestionSort.parse("drop table") == "active"


def test_category_filter_includes_the_whole_subtree() -> None:
    billing = Category.objects.create(name="Billing", slug="billing")
    invoices = Category.objects.create(name="Invoices", slug="invoices", parent=billing)
    devices = Category.objects.create(name="Devices", slug="devices")
    in_child = _question("Where is my invoice for May?", 1, category=invoices)
    in_parent = _question("Can I change my billing date?", 2, category=billing)
    _question("My bulb does not pair at all", 3, category=devices)
    billing.refresh_from_db()
    assert set(_titles(selectors.question_list(category=billing))) == {
        in_child.title,
        in_parent.title,
    }
    assert _titles(selectors.question_list(category=invoices)) == [in_child.title]


def test_tag_filter() -> None:
    _question("Question about the hub only", 1, tags=["hub"])
    wifi = _question("Question about the wifi link", 2, tags=["wifi", "hub"])
    assert _titles(selectors.question_list(tag=TagFactory(name="wifi"))) == [wifi.title]


def test_pagination_clamps_bad_page_numbers(settings) -> None:
    settings.QA = {**settings.QA, "QUESTIONS_PER_PAGE": 2}
    for n in range(5):
        _question(f"Paginated question number {n}", n)
    assert selectors.question_list(page=2).number == 2
    assert selectors.question_list(page=99).number == 3
    assert selectors.question_list(page="abc").number == 1


def test_question_page_orders_accepted_first_then_by_score() -> None:
    question = QuestionFactory()
    low = AnswerFactory(parent=question)
    high = AnswerFactory(parent=question)
    accepted = AnswerFactory(parent=question)
    Post.objects.filter(pk=high.pk).update(score=10)
    Post.objects.filter(pk=low.pk).update(score=-1)
    services.answer_accept(user=question.author, answer=accepted)
    page = selectors.question_page(question_id=question.pk, viewer=UserFactory())
    assert page.answers == [accepted, high, low]


def test_deleted_answers_are_shown_only_to_their_author_and_staff() -> None:
    answer = AnswerFactory()
    services.post_delete(user=answer.author, post=answer)
    question_id = answer.parent_id
    assert selectors.question_page(question_id=question_id, viewer=UserFactory()).answers == []
    assert selectors.question_page(question_id=question_id, viewer=answer.author).answers == [
        answer
    ]
    staff = UserFactory(is_staff=True)
    assert selectors.question_page(question_id=question_id, viewer=staff).answers == [answer]


def test_popular_tag_filter_finds_the_same_questions() -> None:
    _question("Question about the hub only", 1, tags=["hub"])
    wifi = _question("Question about the wifi link", 2, tags=["wifi", "hub"])
    tag = TagFactory(name="wifi")
    Tag.objects.filter(pk=tag.pk).update(usage_count=selectors.TAG_EXISTS_FROM)
    tag.refresh_from_db()
    assert _titles(selectors.question_list(tag=tag)) == [wifi.title]
