"""Roles and the privilege ladder under both presets, and the privileges page."""

import pytest
from django.contrib.auth.models import AnonymousUser

from reputation import privileges, selectors
from reputation.privileges import Privilege, Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def beta(settings) -> None:
    settings.REPUTATION = {**settings.REPUTATION, "PRIVILEGE_PRESET": "beta"}


@pytest.mark.parametrize(
    ("reputation", "role"),
    [
        (1, Role.OBSERVER),
        (14, Role.OBSERVER),
        (15, Role.NOVICE),
        (125, Role.REGULAR),
        (999, Role.REGULAR),
        (1_000, Role.LEADER),
        (10_000, Role.SENIOR),
    ],
)
def test_role_follows_the_standard_thresholds(reputation, role) -> None:
    assert privileges.role_of(UserFactory.build(reputation=reputation)) == role


@pytest.mark.parametrize(
    ("reputation", "role"),
    [
        (1, Role.OBSERVER),
        (5, Role.NOVICE),
        (10, Role.REGULAR),
        (200, Role.LEADER),
        (1_999, Role.LEADER),
        (2_000, Role.SENIOR),
    ],
)
def test_role_follows_the_beta_thresholds(beta, reputation, role) -> None:
    assert privileges.role_of(UserFactory.build(reputation=reputation)) == role


def test_staff_and_super_users_are_senior_with_every_privilege_whatever_their_reputation() -> None:
    for member in [
        UserFactory(reputation=1, is_staff=True),
        UserFactory(reputation=1, is_super_user=True),
    ]:
        assert privileges.role_of(member) == Role.SENIOR
        assert all(step.has_it for step in privileges.ladder(member))


def test_a_refusal_names_the_privilege_its_threshold_and_the_reputation() -> None:
    decision = privileges.check(UserFactory(reputation=100), Privilege.VOTE_DOWN)
    assert not decision
    assert "vote down" in decision.reason and "125" in decision.reason and "100" in decision.reason


def test_standard_ladder_groups_privileges_by_role() -> None:
    standing = selectors.privilege_standing(viewer=UserFactory(reputation=200))
    by_role = {rung.role: [step.privilege for step in rung.steps] for rung in standing.rungs}
    assert by_role[Role.OBSERVER] == []
    assert (
        Privilege.VOTE_UP in by_role[Role.NOVICE] and Privilege.VOTE_DOWN in by_role[Role.REGULAR]
    )
    assert by_role[Role.SENIOR] == [
        Privilege.MODERATOR_TOOLS,
        Privilege.PROTECT_QUESTIONS,
        Privilege.TRUSTED_USER,
    ]
    assert [rung.minimum for rung in standing.rungs] == [1, 15, 125, 1_000, 10_000]


def test_beta_ladder_uses_the_beta_thresholds(beta) -> None:
    standing = selectors.privilege_standing(viewer=UserFactory(reputation=200))
    assert standing.preset == "beta"
    by_role = {rung.role: [step.privilege for step in rung.steps] for rung in standing.rungs}
    assert Privilege.VOTE_UP in by_role[Role.OBSERVER]  # at 1 reputation
    assert Privilege.EDIT_ANY_POST in by_role[Role.LEADER]
    assert standing.next_threshold == 500
    assert set(standing.next_privileges) == {Privilege.EDIT_ANY_POST, Privilege.CLOSE_VOTES}


def test_the_next_step_names_what_it_unlocks_and_how_far_it_is() -> None:
    standing = selectors.privilege_standing(viewer=UserFactory(reputation=200))
    assert standing.role == Role.REGULAR
    assert standing.next_threshold == 500 and standing.next_privileges == [Privilege.REVIEW]
    # Progress from the last privilege reached (vote down at 125) to the next.
    assert (standing.progress_value, standing.progress_max, standing.to_go) == (75, 375, 300)
    assert standing.next_role == Role.LEADER and standing.next_role_minimum == 1_000
    current = [rung.role for rung in standing.rungs if rung.is_current]
    reached = [rung.role for rung in standing.rungs if rung.is_reached]
    assert current == [Role.REGULAR] and reached == [Role.OBSERVER, Role.NOVICE, Role.REGULAR]


def test_tied_privileges_unlock_together_as_the_next_step() -> None:
    standing = selectors.privilege_standing(viewer=UserFactory(reputation=1))
    assert standing.next_threshold == 15
    assert standing.next_privileges == [Privilege.VOTE_UP, Privilege.FLAG]


def test_a_member_at_the_top_has_no_next_step() -> None:
    standing = selectors.privilege_standing(viewer=UserFactory(reputation=25_000))
    assert standing.next_threshold is None and standing.role == Role.SENIOR


def test_an_anonymous_visitor_sees_the_ladder_without_a_standing() -> None:
    standing = selectors.privilege_standing(viewer=AnonymousUser())
    assert standing.reputation is None and standing.role is None
    assert not any(rung.is_reached for rung in standing.rungs)
    assert not any(step.has_it for rung in standing.rungs for step in rung.steps)


def test_privileges_page_works_for_visitors_without_a_query(
    client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(0):
        response = client.get("/privileges/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "sign up" in html and "Vote up" in html and "20,000" in html


def test_privileges_page_shows_where_the_member_stands(client, django_assert_num_queries) -> None:
    client.force_login(UserFactory(reputation=200))
    with django_assert_num_queries(1):  # the user; the session comes from the cache
        html = client.get("/privileges/").content.decode()
    assert "<strong>200</strong> reputation" in html and "you are here" in html
    assert "300 reputation to go" in html and "access review queues" in html
    assert "you become a Leader" in html


def test_privileges_page_follows_the_beta_preset(client, beta) -> None:
    client.force_login(UserFactory(reputation=200))
    html = client.get("/privileges/").content.decode()
    assert "“beta” preset" in html and "4,000" in html and "20,000" not in html


def test_privileges_page_tells_a_super_user_they_hold_everything(client) -> None:
    client.force_login(UserFactory(reputation=3, is_super_user=True))
    html = client.get("/privileges/").content.decode()
    assert "a super-user" in html and "every privilege" in html
