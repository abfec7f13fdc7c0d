"""The moderation log: append-only in the database, filterable by moderators."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from moderation import services
from moderation.log import log_action
from moderation.models import ActionType, ModerationAction
from qa import services as qa_services
from tests.factories import QuestionFactory, UserFactory

from .helpers import staff

pytestmark = pytest.mark.django_db


def test_the_log_refuses_updates_in_the_database() -> None:
    row = log_action(actor=None, action=ActionType.POST_HIDDEN, reason="6 spam flags")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ModerationAction.objects.filter(pk=row.pk).update(reason="nothing happened")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        row.reason = "rewritten"
        row.save()
    assert ModerationAction.objects.get().reason == "6 spam flags"


def test_the_log_refuses_deletes_on_postgresql(postgres_only) -> None:
    row = log_action(actor=None, action=ActionType.POST_HIDDEN, reason="6 spam flags")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ModerationAction.objects.filter(pk=row.pk).delete()
    assert ModerationAction.objects.count() == 1


def test_a_logged_post_cannot_be_removed_from_under_the_log() -> None:
    question = QuestionFactory()
    services.post_lock(moderator=staff(), post=question, kind="content_dispute", reason="War")
    with pytest.raises(DatabaseError), transaction.atomic():
        question.delete()


def test_every_moderator_action_is_logged_with_actor_target_and_reason() -> None:
    moderator = staff()
    question = QuestionFactory()
    qa_services.post_delete(user=moderator, post=question, reason="Off-site advert")
    qa_services.post_undelete(user=moderator, post=question)
    own = QuestionFactory()
    qa_services.post_delete(user=own.author, post=own)  # an author's own deletion is not moderation
    rows = list(
        ModerationAction.objects.order_by("pk").values_list(
            "actor", "action", "target_post", "reason"
        )
    )
    assert rows == [
        (moderator.pk, "post_deleted", question.pk, "Off-site advert"),
        (moderator.pk, "post_undeleted", question.pk, "Undeleted by staff"),
    ]


def test_log_page_is_for_moderators_and_filters(client) -> None:
    moderator, other = staff(), staff()
    member = UserFactory()
    services.user_suspend(moderator=moderator, user=member, days=1, reason="Spam links")
    services.moderator_message_send(
        moderator=other, recipient=UserFactory(), subject="Hello there", body="Be nice please."
    )
    log_action(actor=None, action=ActionType.POST_HIDDEN, reason="automatic one")
    client.force_login(UserFactory(reputation=9000))
    assert client.get("/moderation/log/").status_code == 403
    client.force_login(moderator)
    page = client.get("/moderation/log/").content.decode()
    assert "Spam links" in page and "Hello there" in page and "automatic one" in page
    page = client.get(f"/moderation/log/?actor={other.username}").content.decode()
    assert "Hello there" in page and "Spam links" not in page
    page = client.get("/moderation/log/?action=user_suspended").content.decode()
    assert "Spam links" in page and "Hello there" not in page
    page = client.get(f"/moderation/log/?target={member.username}").content.decode()
    assert "Spam links" in page and "Hello there" not in page
    page = client.get("/moderation/log/?automatic=on").content.decode()
    assert "automatic one" in page and "Spam links" not in page
    today = timezone.now().date()
    assert "Spam links" in client.get(f"/moderation/log/?since={today}").content.decode()
    yesterday = today - timedelta(days=1)
    page = client.get(f"/moderation/log/?until={yesterday}").content.decode()
    assert "Spam links" not in page and "Nothing yet." in page
    assert client.get("/moderation/log/?since=not-a-date").status_code == 400
    response = client.get("/moderation/log/?actor=nobody-by-that-name")
    assert (
        response.status_code == 400 and "No member has this username" in response.content.decode()
    )


def test_no_code_path_edits_the_log() -> None:
    from django.contrib import admin

    model_admin = admin.site._registry[ModerationAction]
    request = RequestFactory().get("/admin/")
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_add_permission(request)
    assert connection.vendor in {"sqlite", "postgresql"}


def test_serial_voting_reversal_is_logged_as_an_automatic_action() -> None:
    from qa import services as qa_services
    from reputation.serial_voting import serial_votes_reverse

    author, voter = UserFactory(reputation=1), UserFactory()
    for _ in range(10):
        qa_services.vote_cast(voter=voter, post=QuestionFactory(author=author), value=1)
    serial_votes_reverse()
    row = ModerationAction.objects.get(action=ActionType.REPUTATION_REVERSED)
    assert row.actor is None and row.target_user == voter
    assert "10 votes" in row.reason
