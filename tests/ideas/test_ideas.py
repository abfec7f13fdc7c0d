"""Ideas: propose, vote, follow, staff status with a public note, the list."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from entraide.errors import ApplicationError
from ideas import services
from ideas.models import Idea, IdeaFollower, IdeaStatus, IdeaStatusChange, IdeaVote
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BODY = "Let me schedule a scene to start at sunset, whatever the season."


def _idea(author=None, title: str = "Schedule scenes by sunset time") -> Idea:
    return services.idea_propose(author=author or UserFactory(), title=title, body=BODY)


def _staff():
    return UserFactory(is_staff=True)


def test_proposing_follows_the_idea_and_renders_markdown() -> None:
    idea = services.idea_propose(
        author=UserFactory(), title="Schedule scenes by sunset time", body=f"**Please** {BODY}"
    )
    assert idea.status == IdeaStatus.OPEN and "<strong>Please</strong>" in idea.body_html
    assert IdeaFollower.objects.filter(idea=idea, user=idea.author).exists()


def test_a_proposal_follows_the_question_rules() -> None:
    with pytest.raises(ValidationError) as caught:
        services.idea_propose(author=UserFactory(), title="Short", body="Too short")
    assert set(caught.value.message_dict) == {"title", "body"}


def test_a_vote_counts_once_and_can_be_taken_back() -> None:
    idea, voter = _idea(), UserFactory()
    assert services.idea_vote(user=voter, idea=idea) == 1
    with pytest.raises(ApplicationError, match="already support"):
        services.idea_vote(user=voter, idea=idea)
    assert IdeaFollower.objects.filter(idea=idea, user=voter).exists()  # voters follow
    assert services.idea_vote(user=voter, idea=idea, support=False) == 0
    with pytest.raises(ApplicationError, match="do not support"):
        services.idea_vote(user=voter, idea=idea, support=False)


def test_one_vote_per_member_is_a_database_rule() -> None:
    idea, voter = _idea(), UserFactory()
    IdeaVote.objects.create(idea=idea, user=voter)
    with pytest.raises(IntegrityError), transaction.atomic():
        IdeaVote.objects.create(idea=idea, user=voter)


def test_no_vote_for_ones_own_idea_or_a_settled_one() -> None:
    idea = _idea()
    with pytest.raises(PermissionDenied):
        services.idea_vote(user=idea.author, idea=idea)
    services.idea_set_status(staff=_staff(), idea=idea, status="declined", note="Not for now.")
    with pytest.raises(ApplicationError, match="declined"):
        services.idea_vote(user=UserFactory(), idea=idea)


def test_only_staff_set_a_status_and_a_note_is_required() -> None:
    idea = _idea()
    with pytest.raises(PermissionDenied):
        services.idea_set_status(staff=UserFactory(), idea=idea, status="planned", note="Soon.")
    with pytest.raises(ValidationError) as caught:
        services.idea_set_status(staff=_staff(), idea=idea, status="someday", note=" ")
    assert set(caught.value.message_dict) == {"status", "note"}


def test_a_status_change_is_public_history_and_notifies_every_follower() -> None:
    idea = _idea()
    voter, follower, bystander = UserFactory(), UserFactory(), UserFactory()
    services.idea_vote(user=voter, idea=idea)
    services.idea_follow(user=follower, idea=idea)
    staff = _staff()
    idea = services.idea_set_status(
        staff=staff, idea=idea, status="planned", note="We start in the spring release."
    )
    assert (idea.status, idea.status_note) == ("planned", "We start in the spring release.")
    assert IdeaStatusChange.objects.get(idea=idea).changed_by == staff
    told = Notification.objects.filter(kind="idea_status")
    assert set(told.values_list("recipient_id", flat=True)) == {
        idea.author_id,
        voter.pk,
        follower.pk,
    }
    assert {n.body for n in told} == {"Planned: We start in the spring release."}
    assert not Notification.objects.filter(recipient=bystander).exists()


def test_an_unfollower_is_not_notified() -> None:
    idea, voter = _idea(), UserFactory()
    services.idea_vote(user=voter, idea=idea)
    services.idea_follow(user=voter, idea=idea, follow=False)
    services.idea_set_status(staff=_staff(), idea=idea, status="planned", note="Soon.")
    assert not Notification.objects.filter(recipient=voter).exists()


# Pages -------------------------------------------------------------------------


def test_the_list_sorts_by_votes_or_newest_and_filters_by_status(client) -> None:
    older = _idea(title="An older idea with many votes")
    newer = _idea(title="A newer idea with fewer votes")
    for _ in range(2):
        services.idea_vote(user=UserFactory(), idea=older)
    services.idea_set_status(staff=_staff(), idea=newer, status="shipped", note="Out in 2.3!")
    top = client.get("/ideas/").content.decode()
    assert top.index(older.title) < top.index(newer.title)
    newest = client.get("/ideas/?sort=newest").content.decode()
    assert newest.index(newer.title) < newest.index(older.title)
    shipped = client.get("/ideas/?status=shipped").content.decode()
    assert newer.title in shipped and older.title not in shipped
    assert 'Shipped <span class="count">1</span>' in shipped


def test_the_list_query_count_is_fixed(client, django_assert_num_queries) -> None:
    for n in range(3):
        _idea(title=f"An idea worth voting on, number {n}")
    client.force_login(UserFactory())
    # user + status counts + page count + rows (with the viewer's vote); the
    # session comes from the cache
    with django_assert_num_queries(4):
        client.get("/ideas/")
    for n in range(10):
        _idea(title=f"Another idea worth voting on {n}")
    with django_assert_num_queries(4):
        client.get("/ideas/")


def test_proposing_through_the_page(client) -> None:
    member = UserFactory()
    client.force_login(member)
    response = client.post("/ideas/new/", {"title": "Short", "body": BODY})
    assert response.status_code == 400 and "at least 15 characters" in response.content.decode()
    response = client.post("/ideas/new/", {"title": "Dim all bulbs at bedtime", "body": BODY})
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == idea.get_absolute_url()


def test_voting_and_following_through_the_page(client) -> None:
    idea, member = _idea(), UserFactory()
    client.force_login(member)
    response = client.post(f"/ideas/{idea.pk}/vote/", HTTP_ACCEPT="application/json")
    assert response.json() == {"votes": 1, "voted": True}
    assert "Supported" in client.get(idea.get_absolute_url()).content.decode()
    response = client.post(f"/ideas/{idea.pk}/vote/", HTTP_ACCEPT="application/json")
    assert response.status_code == 409
    client.post(f"/ideas/{idea.pk}/vote/", {"action": "withdraw"})
    client.post(f"/ideas/{idea.pk}/follow/", {"action": "unfollow"})
    assert not IdeaFollower.objects.filter(user=member).exists()


def test_visitors_cannot_vote(client) -> None:
    idea = _idea()
    assert client.post(f"/ideas/{idea.pk}/vote/").status_code == 403
    assert "Log in to vote" in client.get(idea.get_absolute_url()).content.decode()


def test_the_status_form_is_for_staff_and_shows_errors_next_to_fields(client) -> None:
    idea = _idea()
    client.force_login(UserFactory())
    assert "Set the status" not in client.get(idea.get_absolute_url()).content.decode()
    assert (
        client.post(f"/ideas/{idea.pk}/status/", {"status": "planned", "note": "x"}).status_code
        == 403
    )
    client.force_login(_staff())
    response = client.post(f"/ideas/{idea.pk}/status/", {"status": "planned", "note": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(
        f"/ideas/{idea.pk}/status/", {"status": "planned", "note": "In the spring release."}
    )
    assert response.status_code == 302
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "From the team:" in page and "In the spring release." in page


def test_a_wrong_slug_redirects_to_the_canonical_url(client) -> None:
    idea = _idea()
    response = client.get(f"/ideas/{idea.pk}/wrong/")
    assert response.status_code == 301 and response["Location"] == idea.get_absolute_url()
