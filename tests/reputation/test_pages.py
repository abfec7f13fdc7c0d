"""Reputation pages through the test client: profile, history, leaderboards,
the staff's community page; query counts asserted."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.models import User
from qa import services as qa_services
from qa.models import Comment, Post
from reputation import selectors
from reputation.models import Badge, BadgeAward, BadgeTier, Reason, ReputationEvent
from reputation.services import reputation_credit, user_set_super_user
from tests.factories import (
    AnswerFactory,
    CommentFactory,
    QuestionFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# member + badges + top questions + top answers + chart by day + customers helped
PROFILE_QUERIES = 6
# member + count + one page of ledger rows (posts and reversals joined)
HISTORY_QUERIES = 3
MEMBER = 1  # the logged-in user; the session comes from the cache


def credit(
    user: User, amount: int, *, reason: Reason = Reason.ANSWER_UPVOTED, **kwargs
) -> ReputationEvent:
    event = reputation_credit(
        user_id=user.pk,
        amount=amount,
        reason=reason,
        key=f"test:{ReputationEvent.objects.count()}",
        **kwargs,
    )
    assert event is not None
    return event


def backdate(event: ReputationEvent, when) -> None:
    ReputationEvent.objects.filter(pk=event.pk).update(created_at=when)


def _busy_member(size: int) -> User:
    member = UserFactory(reputation=1)
    for index in range(size):
        question = QuestionFactory(author=member)
        answer = AnswerFactory(author=member)
        backdate(credit(member, 10, post=question), timezone.now() - timedelta(days=index))
        credit(member, 10, post=answer)
        badge = Badge.objects.create(
            slug=f"badge-{index}", name=f"Badge {index}", tier=BadgeTier.BRONZE, description="x"
        )
        BadgeAward.objects.create(user=member, badge=badge)
    return member


# The profile ------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 12])
def test_profile_query_count_is_fixed(client, django_assert_num_queries, size) -> None:
    member = _busy_member(size)
    with django_assert_num_queries(PROFILE_QUERIES):
        response = client.get(member.get_absolute_url())
    assert response.status_code == 200
    client.force_login(UserFactory())
    with django_assert_num_queries(PROFILE_QUERIES + MEMBER):
        assert client.get(member.get_absolute_url()).status_code == 200


def test_profile_shows_reputation_role_badges_and_top_posts(client) -> None:
    member = UserFactory(reputation=1_200, display_name="Alice Marsh")
    question = QuestionFactory(author=member, title="How do I pair a Glow bulb again?")
    answer = AnswerFactory(author=member)
    gold = Badge.objects.create(slug="famous", name="Famous", tier=BadgeTier.GOLD, description="x")
    nice = Badge.objects.create(
        slug="nice", name="Nice Answer", tier=BadgeTier.BRONZE, description="x", is_per_post=True
    )
    BadgeAward.objects.create(user=member, badge=gold)
    BadgeAward.objects.create(user=member, badge=nice, key="1")
    BadgeAward.objects.create(user=member, badge=nice, key="2")
    html = client.get(member.get_absolute_url()).content.decode()
    assert "1,200" in html and "Leader" in html and "/privileges/" in html
    assert "1 gold" in html and "0 silver" in html and "2 bronze" in html
    assert "Famous" in html and "Nice Answer" in html and "× 2" in html
    assert html.index("Famous") < html.index("Nice Answer")  # gold first
    assert question.title in html and answer.parent.title in html


def test_profile_chart_is_inline_svg_with_a_title_a_description_and_labels(client) -> None:
    member = UserFactory(reputation=1)
    backdate(credit(member, 40), timezone.now() - timedelta(days=10))
    credit(member, 9)
    html = client.get(member.get_absolute_url()).content.decode()
    assert '<svg class="rep-chart"' in html and 'role="img"' in html
    assert '<title id="rep-chart-title">' in html and '<desc id="rep-chart-desc">' in html
    assert "to 50 on" in html  # the description ends at today's total
    assert html.count('class="x-label"') == 5 and 'class="y-label"' in html


def test_chart_totals_are_summed_per_day_in_the_database() -> None:
    member = UserFactory(reputation=1)
    now = timezone.now()
    for days_ago, amount in [(3, 10), (3, 15), (1, -2), (0, 10)]:
        backdate(
            credit(member, amount, reason=Reason.ANSWER_ACCEPTED), now - timedelta(days=days_ago)
        )
    days = selectors.user_reputation_by_day(user=member)
    assert [change for _, change in days] == [25, -2, 10]
    chart = selectors.reputation_chart(days, today=timezone.localdate())
    assert [total for _, total in chart.days] == [26, 24, 34]
    # 1 the day before the first change, then one point per day with a change.
    assert len(chart.points.split()) == 4


def test_chart_of_a_newcomer_is_a_flat_line_at_one() -> None:
    today = date(2025, 3, 10)
    chart = selectors.reputation_chart([], today=today)
    assert chart.days == [] and len(chart.points.split()) == 2
    assert "from 1 on" in chart.description and "to 1 on" in chart.description
    assert len({tick.label for tick in chart.x_ticks}) == len(chart.x_ticks) == 2


def test_chart_description_names_a_peak_higher_than_today() -> None:
    today = date(2025, 3, 10)
    chart = selectors.reputation_chart(
        [(date(2025, 3, 1), 500), (date(2025, 3, 5), -100)], today=today
    )
    assert "to 401 on" in chart.description and "The highest was 501" in chart.description
    assert chart.y_ticks[-1].label == "600" and chart.y_ticks[0].label == "0"


def test_wrong_slug_still_redirects_to_the_profile(client) -> None:
    member = UserFactory()
    response = client.get(f"/users/{member.pk}/wrong/?tab=reputation")
    assert response.status_code == 301 and response["Location"] == member.get_absolute_url()


# The reputation history --------------------------------------------------------


@pytest.mark.parametrize("size", [1, 40])
def test_history_query_count_is_fixed(client, django_assert_num_queries, size) -> None:
    member = UserFactory(reputation=1)
    for _ in range(size):
        event = credit(member, 10, post=AnswerFactory(author=member))
        ReputationEvent.objects.create(
            user=member,
            amount=-10,
            reason=Reason.SERIAL_VOTING,
            key=event.key,
            reverses=event,
            post_id=event.post_id,
        )
    url = f"{member.get_absolute_url()}?tab=reputation"
    with django_assert_num_queries(HISTORY_QUERIES):
        assert client.get(url).status_code == 200
    client.force_login(member)
    with django_assert_num_queries(HISTORY_QUERIES + MEMBER):
        assert client.get(url + "&page=2").status_code == 200


def test_history_marks_reversals_and_strikes_through_the_credit_they_undo(client) -> None:
    member = UserFactory(reputation=1)
    answer = AnswerFactory(author=member)
    upvote = credit(member, 10, post=answer)
    ReputationEvent.objects.create(
        user=member,
        amount=-10,
        reason=Reason.SERIAL_VOTING,
        key=upvote.key,
        reverses=upvote,
        post=answer,
    )
    html = client.get(f"{member.get_absolute_url()}?tab=reputation").content.decode()
    assert 'class="is-reversal"' in html and "Reversed:</span> serial voting" in html
    assert 'class="was-reversed"' in html and "<del>+10</del>" in html
    assert "reversed on" in html and answer.get_absolute_url() in html


def test_history_is_newest_first_with_reason_labels_and_post_links(client) -> None:
    member = UserFactory(reputation=1)
    question = QuestionFactory(author=member, title="Why does my hub blink orange?")
    old = credit(member, 10, reason=Reason.QUESTION_UPVOTED, post=question)
    backdate(old, timezone.now() - timedelta(days=2))
    credit(member, 15, reason=Reason.ANSWER_ACCEPTED, post=AnswerFactory(author=member))
    html = client.get(f"{member.get_absolute_url()}?tab=reputation").content.decode()
    assert html.index("Answer accepted") < html.index("Question voted up")
    assert question.get_absolute_url() in html and question.title in html


def test_history_names_a_deleted_post_only_to_its_author_and_staff(client) -> None:
    member = UserFactory(reputation=1)
    question = QuestionFactory(author=member, title="A question that was deleted later")
    credit(member, 10, post=question)
    Post.objects.filter(pk=question.pk).update(deleted_at=timezone.now())
    url = f"{member.get_absolute_url()}?tab=reputation"
    assert question.title not in client.get(url).content.decode()
    client.force_login(member)
    assert question.title in client.get(url).content.decode()


# Leaderboards --------------------------------------------------------------------

LEADERBOARD_QUERIES = 2  # popular tags + the ranked members


@pytest.mark.parametrize("period", ["week", "month", "year"])
def test_leaderboard_counts_only_reputation_gained_since_the_period_start(client, period) -> None:
    start = selectors.period_start(period)
    assert start is not None
    recent, earlier = UserFactory(reputation=1), UserFactory(reputation=1)
    credit(recent, 10)
    backdate(credit(earlier, 500), start - timedelta(minutes=1))
    credit(earlier, 5)
    leaders = selectors.leaderboard(period=period)
    assert [(leader.user, leader.gained) for leader in leaders] == [(recent, 10), (earlier, 5)]
    html = client.get(f"/leaderboard/?period={period}").content.decode()
    assert html.index(recent.public_name) < html.index(earlier.public_name)


def test_all_time_leaderboard_ranks_by_total_reputation() -> None:
    low, high = UserFactory(reputation=50), UserFactory(reputation=900)
    UserFactory(reputation=1)  # nothing gained: not listed
    leaders = selectors.leaderboard(period="all")
    assert [(leader.rank, leader.user, leader.gained) for leader in leaders] == [
        (1, high, 900),
        (2, low, 50),
    ]


def test_period_leaderboards_leave_out_imported_reputation() -> None:
    UserFactory(reputation=5_000)  # the factory imports its reputation today
    assert selectors.leaderboard(period="week") == []


def test_tag_leaderboard_counts_questions_with_the_tag_and_answers_to_them() -> None:
    asker, answerer, elsewhere = (UserFactory(reputation=1) for _ in range(3))
    tagged = QuestionFactory(author=asker, tags=["hub", "wifi"])
    credit(asker, 10, reason=Reason.QUESTION_UPVOTED, post=tagged)
    credit(answerer, 25, post=AnswerFactory(parent=tagged, author=answerer))
    credit(elsewhere, 100, post=QuestionFactory(author=elsewhere, tags=["bulbs"]))
    credit(elsewhere, 3)  # no post at all
    hub = TagFactory(name="hub")
    ranked = [
        (leader.user, leader.gained) for leader in selectors.leaderboard(period="all", tag=hub)
    ]
    assert ranked == [(answerer, 25), (asker, 10)]


def test_tag_leaderboard_respects_the_period() -> None:
    member = UserFactory(reputation=1)
    question = QuestionFactory(author=member, tags=["hub"])
    start = selectors.period_start("year")
    assert start is not None
    backdate(credit(member, 40, post=question), start - timedelta(days=1))
    credit(member, 2, post=question)
    [leader] = selectors.leaderboard(period="year", tag=TagFactory(name="hub"))
    assert leader.gained == 2


@pytest.mark.parametrize("size", [1, 30])
def test_leaderboard_query_count_is_fixed(client, django_assert_num_queries, size) -> None:
    for _ in range(size):
        member = UserFactory(reputation=1)
        credit(member, 10, post=QuestionFactory(author=member, tags=["hub"]))
    for url, extra in [
        ("/leaderboard/", 0),
        ("/leaderboard/?period=all", 0),
        ("/leaderboard/?period=month&tag=hub", 1),
    ]:  # + the tag
        with django_assert_num_queries(LEADERBOARD_QUERIES + extra):
            response = client.get(url)
        assert response.status_code == 200 and response.content.count(b'class="rank"') == size + 1


def test_leaderboard_of_an_unknown_tag_is_not_found(client) -> None:
    assert client.get("/leaderboard/?tag=nope").status_code == 404


def test_leaderboard_shows_at_most_fifty_members() -> None:
    for _ in range(52):
        credit(UserFactory(reputation=1), 10)
    assert len(selectors.leaderboard(period="week")) == 50


def test_unknown_period_falls_back_to_the_week(client) -> None:
    response = client.get("/leaderboard/?period=decade")
    assert response.status_code == 200 and response.context["period"] == "week"


# The staff's community page -------------------------------------------------------

COMMUNITY_QUERIES = MEMBER + 3  # candidates + quiet leaders + super-users


def test_community_page_is_for_staff_only(client) -> None:
    assert client.get("/staff/community/").status_code == 302  # to the log-in page
    client.force_login(UserFactory(reputation=50_000))
    assert client.get("/staff/community/").status_code == 403
    assert client.post("/staff/community/", {"user": "x", "action": "name"}).status_code == 403


def test_only_staff_can_name_a_super_user() -> None:
    member = UserFactory()
    with pytest.raises(PermissionDenied):
        user_set_super_user(staff=UserFactory(reputation=50_000), user=member, is_super_user=True)
    user_set_super_user(staff=UserFactory(is_staff=True), user=member, is_super_user=True)
    member.refresh_from_db()
    assert member.is_super_user


def test_staff_name_and_remove_a_super_user_through_the_page(client) -> None:
    staff, member = UserFactory(is_staff=True), UserFactory(username="chloe")
    client.force_login(staff)
    response = client.post("/staff/community/", {"user": "chloe", "action": "name"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_super_user
    assert "chloe" in client.get("/staff/community/").content.decode()
    client.post("/staff/community/", {"user": "chloe", "action": "remove"})
    member.refresh_from_db()
    assert not member.is_super_user


def test_naming_an_unknown_member_shows_an_error(client) -> None:
    client.force_login(UserFactory(is_staff=True))
    response = client.post("/staff/community/", {"user": "ghost", "action": "name"})
    assert response.status_code == 400 and b"No active member has that username" in response.content


def _accepted_answer(author: User, *, days_ago: int) -> Post:
    question = QuestionFactory()
    answer = AnswerFactory(parent=question, author=author)
    Post.objects.filter(pk=question.pk).update(
        accepted_answer=answer, accepted_at=timezone.now() - timedelta(days=days_ago)
    )
    return answer


def test_candidates_are_ranked_by_accepted_answers_and_edits_in_the_last_90_days() -> None:
    helper, editor, old_timer = (UserFactory(reputation=300) for _ in range(3))
    _accepted_answer(helper, days_ago=3)
    _accepted_answer(helper, days_ago=80)
    _accepted_answer(old_timer, days_ago=120)  # too long ago
    Post.objects.filter(pk=QuestionFactory().pk).update(
        last_editor=editor, edited_at=timezone.now() - timedelta(days=1)
    )
    own = QuestionFactory(author=editor)  # editing one's own post does not count
    Post.objects.filter(pk=own.pk).update(last_editor=editor, edited_at=timezone.now())
    candidates = selectors.super_user_candidates()
    assert [(c.user, c.accepted, c.edits) for c in candidates] == [(helper, 2, 0), (editor, 0, 1)]


def test_candidates_leave_out_staff_super_users_and_seniors() -> None:
    for user in [
        UserFactory(is_staff=True),
        UserFactory(is_super_user=True),
        UserFactory(reputation=10_000),
    ]:
        _accepted_answer(user, days_ago=1)
    assert selectors.super_user_candidates() == []


def test_leaders_with_no_activity_for_30_days_are_flagged_as_quiet() -> None:
    long_ago = timezone.now() - timedelta(days=45)
    quiet = UserFactory(reputation=1_500)
    Post.objects.filter(pk=QuestionFactory(author=quiet).pk).update(created_at=long_ago)
    voting, commenting = UserFactory(reputation=2_000), UserFactory(reputation=12_000)
    qa_services.vote_cast(voter=voting, post=QuestionFactory(), value=1)
    CommentFactory(author=commenting)
    champion = UserFactory(reputation=20, is_super_user=True)  # a super-user counts too
    UserFactory(reputation=200)  # not a leader
    UserFactory(reputation=5_000, is_staff=True)  # staff are not volunteers
    flagged = selectors.quiet_leaders()
    assert [member.user for member in flagged] == [quiet, champion]
    assert flagged[0].last_active_at == long_ago and flagged[1].last_active_at is None


def test_a_recent_comment_keeps_a_leader_off_the_quiet_list() -> None:
    leader = UserFactory(reputation=1_500)
    comment = CommentFactory(author=leader)
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=29))
    assert selectors.quiet_leaders() == []


@pytest.mark.parametrize("size", [1, 15])
def test_community_page_query_count_is_fixed(client, django_assert_num_queries, size) -> None:
    for _ in range(size):
        _accepted_answer(UserFactory(reputation=300), days_ago=5)
        UserFactory(reputation=1_500)  # quiet
        UserFactory(is_super_user=True)
    client.force_login(UserFactory(is_staff=True))
    with django_assert_num_queries(COMMUNITY_QUERIES):
        response = client.get("/staff/community/")
    assert response.status_code == 200
    assert len(response.context["candidates"]) == size
    assert len(response.context["super_users"]) == size
