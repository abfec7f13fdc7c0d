"""The demo community loaded by ``manage.py seed_demo`` on every ``make run``."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, F, Min, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from qa.demo import DEMO_PASSWORD, QUESTIONS, USERS, demo_seed
from qa.models import Category, Comment, Post, Tag, Vote

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return _seed()


def test_seed_creates_a_community_in_english_and_french(demo: str) -> None:
    assert "Loaded the demo community" in demo
    titles = set(Post.objects.questions().values_list("title", flat=True))
    assert titles == {q.title for q in QUESTIONS}
    assert 25 <= len(titles) <= 35
    languages = [q.language for q in QUESTIONS]
    assert languages.count("en") >= 15
    assert languages.count("fr") >= 8
    assert Post.objects.questions().filter(title__contains="Comment obtenir").exists()


def test_seed_spreads_questions_over_categories_and_tags(demo: str) -> None:
    assert Category.objects.filter(parent__isnull=False).count() >= 8
    per_category = Post.objects.questions().values("category").annotate(n=Count("id"))
    assert len(per_category) >= 10
    assert not Post.objects.questions().filter(category__isnull=True).exists()
    tag_counts = Post.objects.questions().annotate(n=Count("tags")).values_list("n", flat=True)
    assert all(1 <= n <= 5 for n in tag_counts)
    assert Tag.objects.filter(name="facturation").exists()


def test_seed_has_answers_accepted_answers_votes_and_nested_comments(demo: str) -> None:
    questions = Post.objects.questions()
    assert Post.objects.answers().count() >= 25
    assert questions.filter(answer_count=0).count() >= 2  # some stay unanswered
    assert questions.filter(accepted_answer__isnull=False).count() >= 10
    assert Comment.objects.filter(parent__isnull=True).exists()
    assert Comment.objects.filter(level=1).exists()
    assert Comment.objects.filter(level=2).exists()  # a reply to a reply
    assert Vote.objects.filter(value=Vote.Value.UP).count() >= 50
    assert Vote.objects.filter(value=Vote.Value.DOWN).exists()
    assert Post.objects.filter(score__lt=0).exists()
    assert Post.objects.answers().filter(deleted_at__isnull=False).exists()
    # Accepted answers belong to their question and are visible.
    for question in questions.filter(accepted_answer__isnull=False).select_related(
        "accepted_answer"
    ):
        assert question.accepted_answer is not None
        assert question.accepted_answer.parent_id == question.pk
        assert question.accepted_answer.deleted_at is None


def test_seed_counters_agree_with_the_rows_they_count(demo: str) -> None:
    wrong_scores = Post.objects.annotate(total=Coalesce(Sum("votes__value"), Value(0))).exclude(
        score=F("total")
    )
    assert not wrong_scores.exists()
    wrong_answer_counts = (
        Post.objects.questions()
        .annotate(n=Count("answers", filter=Q(answers__deleted_at__isnull=True)))
        .exclude(answer_count=F("n"))
    )
    assert not wrong_answer_counts.exists()
    wrong_comment_counts = Post.objects.annotate(n=Count("comments")).exclude(comment_count=F("n"))
    assert not wrong_comment_counts.exists()
    wrong_tag_counts = Tag.objects.annotate(
        n=Count("questions", filter=Q(questions__deleted_at__isnull=True))
    ).exclude(usage_count=F("n"))
    assert not wrong_tag_counts.exists()
    assert not Vote.objects.filter(user=F("post__author")).exists()


def test_seed_dates_content_over_the_last_two_months(demo: str) -> None:
    now = timezone.now()
    posts = Post.objects.all()
    assert not posts.filter(created_at__gt=now).exists()
    assert not posts.filter(created_at__lt=now - timedelta(days=61)).exists()
    oldest = posts.aggregate(oldest=Min("created_at"))["oldest"]
    assert oldest < now - timedelta(days=45)
    assert not posts.filter(last_activity_at__lt=F("created_at")).exists()
    assert not Post.objects.answers().filter(created_at__lte=F("parent__created_at")).exists()
    assert not Comment.objects.filter(created_at__lt=F("post__created_at")).exists()
    assert not Comment.objects.filter(created_at__lte=F("parent__created_at")).exists()
    assert not Vote.objects.filter(created_at__lt=F("post__created_at")).exists()
    # Nobody writes before joining.
    assert not posts.filter(created_at__lt=F("author__date_joined")).exists()
    assert not Comment.objects.filter(created_at__lt=F("author__date_joined")).exists()
    # Answered questions were active after they were asked.
    answered = Post.objects.questions().filter(answer_count__gt=0)
    assert not answered.filter(last_activity_at=F("created_at")).exists()


def test_seed_users_log_in_with_the_demo_password(demo: str) -> None:
    assert User.objects.count() == len(USERS)
    for spec in USERS:
        assert authenticate(username=spec.username, password=DEMO_PASSWORD) is not None
    staff = User.objects.get(username="staff")
    assert staff.is_staff
    assert list(User.objects.filter(is_staff=True)) == [staff]
    reputations = set(User.objects.values_list("reputation", flat=True))
    assert len(reputations) == len(USERS)
    assert min(reputations) >= 1
    assert {"en", "fr"} <= set(User.objects.values_list("preferred_language", flat=True))


def test_running_twice_does_not_duplicate(demo: str, django_assert_max_num_queries) -> None:
    counts = (Post.objects.count(), Comment.objects.count(), Vote.objects.count())
    with django_assert_max_num_queries(4):  # + whether the demo FAQ is there
        output = _seed()
    assert output.strip() == "Demo community already loaded; nothing to do."
    assert (Post.objects.count(), Comment.objects.count(), Vote.objects.count()) == counts
    assert User.objects.count() == len(USERS)
    assert demo_seed() is None


def test_demo_pages_render(demo: str, client) -> None:
    assert client.get(reverse("qa:home")).status_code == 200
    assert client.get(reverse("qa:category_list")).status_code == 200
    assert client.get(reverse("qa:tag_list")).status_code == 200
    for question in Post.objects.questions():
        assert client.get(question.get_absolute_url()).status_code == 200
    client.force_login(User.objects.get(username="staff"))
    for answer in Post.objects.answers().filter(deleted_at__isnull=False):
        assert client.get(answer.get_absolute_url(), follow=True).status_code == 200


def test_demo_gives_the_moderator_pages_something_to_show(demo: str) -> None:
    from moderation.models import Flag, ReviewTask
    from qa.demo import PROTECTED_TITLE

    assert Post.objects.get(title=PROTECTED_TITLE).is_protected
    assert Flag.objects.filter(status="pending").count() == 1
    assert ReviewTask.objects.filter(queue="first_posts").exists()
