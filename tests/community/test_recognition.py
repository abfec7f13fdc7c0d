"""Member recognition: the spotlight (staff's choice or the suggestion) and the
top contributors of the week per category."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community import selectors, services
from community.models import Spotlight
from qa import services as qa
from qa.models import Category
from reputation.models import Reason, ReputationEvent
from tests.factories import AnswerFactory, QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def _upvote(post, times: int = 1) -> None:
    for _ in range(times):
        qa.vote_cast(voter=UserFactory(), post=post, value=1)


def test_the_suggestion_is_who_earned_most_by_helping_lately() -> None:
    busy, quiet = AnswerFactory(), AnswerFactory()
    _upvote(busy, 3)
    _upvote(quiet, 1)
    suggestions = selectors.spotlight_suggestions()
    assert [(s.user, s.earned, s.answers) for s in suggestions] == [
        (busy.author, 30, 1),
        (quiet.author, 10, 1),
    ]
    assert "Earned 30 reputation" in suggestions[0].reason


def test_old_staff_and_recently_spotlighted_members_are_not_suggested() -> None:
    old, staff, recent = (
        AnswerFactory(),
        AnswerFactory(author=UserFactory(is_staff=True)),
        AnswerFactory(),
    )
    for answer in (old, staff, recent):
        _upvote(answer)
    ReputationEvent.objects.filter(user=old.author).update(
        created_at=timezone.now() - timedelta(days=20)
    )
    Spotlight.objects.create(
        user=recent.author,
        reason="Great help",
        starts_at=timezone.now() - timedelta(days=30),
        ends_at=timezone.now() - timedelta(days=23),
    )
    assert selectors.spotlight_suggestions() == []


def test_a_retracted_upvote_does_not_count() -> None:
    answer = AnswerFactory()
    voter = UserFactory()
    qa.vote_cast(voter=voter, post=answer, value=1)
    qa.vote_cast(voter=voter, post=answer, value=0)
    assert selectors.spotlight_suggestions() == []


def test_the_home_page_shows_staffs_choice_else_the_suggestion(
    client, django_capture_on_commit_callbacks
) -> None:
    answer = AnswerFactory(author=UserFactory(display_name="Suggested Sam"))
    _upvote(answer)
    page = client.get("/").content.decode()
    assert "Suggested Sam" in page and "Suggested from recent helpful activity." in page
    chosen = UserFactory(username="chosen", display_name="Chosen Chloé")
    with django_capture_on_commit_callbacks(execute=True):  # the cached spotlight is cleared
        services.spotlight_set(
            staff=UserFactory(is_staff=True), username="chosen", reason="Wrote our best guide."
        )
    page = client.get("/").content.decode()
    assert (
        "Chosen Chloé" in page and "Wrote our best guide." in page and "Chosen by the team." in page
    )
    assert "Suggested Sam" not in page
    with django_capture_on_commit_callbacks(execute=True):
        services.spotlight_end(staff=UserFactory(is_staff=True))
    assert "Suggested Sam" in client.get("/").content.decode()
    assert chosen.pk


def test_the_spotlight_is_cached_so_the_home_page_query_count_holds(
    client, django_assert_num_queries
) -> None:
    _upvote(AnswerFactory())
    client.get("/")
    with django_assert_num_queries(1):  # the list's rows only (count and spotlight cached)
        client.get("/")


def test_only_staff_choose_and_the_choice_is_checked() -> None:
    UserFactory(username="member")
    with pytest.raises(PermissionDenied):
        services.spotlight_set(staff=UserFactory(), username="member", reason="Nice.")
    with pytest.raises(ValidationError) as caught:
        services.spotlight_set(
            staff=UserFactory(is_staff=True), username="nobody", reason="", days=0
        )
    assert set(caught.value.message_dict) == {"username", "reason", "days"}


def test_a_new_spotlight_ends_the_running_one() -> None:
    staff = UserFactory(is_staff=True)
    UserFactory(username="first")
    UserFactory(username="second")
    services.spotlight_set(staff=staff, username="first", reason="Helped a lot.")
    services.spotlight_set(staff=staff, username="second", reason="Helped even more.")
    now = timezone.now()
    running = Spotlight.objects.filter(starts_at__lte=now, ends_at__gt=now)
    assert list(running.values_list("user__username", flat=True)) == ["second"]


def test_the_staff_page(client) -> None:
    _upvote(AnswerFactory(author=UserFactory(username="helper")))
    client.force_login(UserFactory())
    assert client.get("/community/spotlight/").status_code == 403
    client.force_login(UserFactory(is_staff=True))
    page = client.get("/community/spotlight/").content.decode()
    assert "?username=helper" in page
    response = client.post(
        "/community/spotlight/", {"username": "nobody", "reason": "x", "days": 7}
    )
    assert response.status_code == 400 and "no active member" in response.content.decode()
    response = client.post(
        "/community/spotlight/", {"username": "helper", "reason": "Thanks!", "days": 7}
    )
    assert response.status_code == 302 and Spotlight.objects.get().user.username == "helper"


def test_top_contributors_this_week_per_category() -> None:
    devices = Category.objects.create(name="Devices", slug="devices")
    billing = Category.objects.create(name="Billing", slug="billing")
    first = AnswerFactory(parent=QuestionFactory(category=devices))
    second = AnswerFactory(parent=QuestionFactory(category=devices))
    asker_q = QuestionFactory(category=billing)
    _upvote(first, 2)
    _upvote(second, 1)
    _upvote(asker_q, 1)  # a question earns in its own category
    last_week = AnswerFactory(parent=QuestionFactory(category=billing))
    _upvote(last_week, 5)
    ReputationEvent.objects.filter(user=last_week.author).update(
        created_at=timezone.now() - timedelta(days=8)
    )
    top = selectors.top_contributors_week()
    assert [(c.user, c.earned) for c in top[devices]] == [(first.author, 20), (second.author, 10)]
    assert [(c.user, c.earned) for c in top[billing]] == [(asker_q.author, 10)]


def test_only_five_per_category(client) -> None:
    devices = Category.objects.create(name="Devices", slug="devices")
    for _ in range(7):
        _upvote(AnswerFactory(parent=QuestionFactory(category=devices)))
    assert len(selectors.top_contributors_week()[devices]) == selectors.TOP_PER_CATEGORY
    page = client.get("/community/").content.decode()
    assert "Top contributors this week" in page and page.count("+10") == 5


def test_imported_reputation_is_not_recognition() -> None:
    user = UserFactory()
    ReputationEvent.objects.create(user=user, amount=500, reason=Reason.IMPORTED, key="x")
    assert selectors.spotlight_suggestions() == []
