"""Erasure: nothing personal remains (database and search index); posts stay
as "user<id>", votes stay counted; a grace period; staff erasure on request."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from accounts.models import LoginRecord, User
from accounts.services import login_record
from privacy import registry, services
from privacy.models import ErasureRequest
from qa import services as qa
from qa.models import Comment, Post, Vote
from reputation.models import ReputationEvent
from search.models import IndexOperation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def _personal_strings(member: User) -> list[str]:
    return [
        member.username,
        member.email,
        member.display_name,
        member.about_source,
        member.location,
        member.website_url,
    ]


def _every_stored_value() -> list[tuple[str, str]]:
    """Every text-like value in every table, as (table.column, text)."""
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.ForeignKey)]
        for row in model._default_manager.all().values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, row, strict=True):
                if value is not None:
                    found.append((f"{model._meta.db_table}.{field.column}", str(value)))
    return found


def test_nothing_personal_remains_in_the_database(active_member, private_storage) -> None:
    member = active_member["member"]
    # Others mention the member: the mention goes too (it becomes "@user<id>").
    qa.comment_add(
        author=active_member["other"],
        post=active_member["answer"],
        body="Thanks @camille, it works!",
    )
    login_record(user=member, session_key="abc", user_agent="Firefox/130", method="password")
    services.policies_accept(user=member)
    services.export_request(user=member)
    secrets = _personal_strings(member)
    assert any(secret in text for secret in secrets for _, text in _every_stored_value())

    services.account_erase(user=member)

    leaks = [
        (where, secret)
        for where, text in _every_stored_value()
        for secret in secrets
        if secret.lower() in text.lower()
    ]
    assert leaks == []
    assert not LoginRecord.objects.filter(user=member).exists()
    assert not list(private_storage.joinpath("private").rglob("*.zip"))
    member.refresh_from_db()
    assert member.username == f"user{member.pk}" and member.public_name == f"user{member.pk}"
    assert not member.has_usable_password() and not member.is_active


def test_posts_stay_as_user_number_and_votes_stay_counted(active_member) -> None:
    member = active_member["member"]
    their_question, answer = active_member["their_question"], active_member["answer"]
    services.account_erase(user=member)

    assert Post.objects.filter(author=member).count() == 2
    assert Comment.objects.filter(author=member).count() == 1
    their_question.refresh_from_db()
    assert their_question.score == 1  # the member's upvote still counts…
    vote = Vote.objects.get(post=their_question)
    assert vote.user_id is None  # …without a link to them
    # Credits other members got from the member's votes no longer name the voter.
    assert not ReputationEvent.objects.filter(actor=member).exists()
    # The answer keeps its author (the anonymous account) and the vote it received.
    answer.refresh_from_db()
    assert answer.author_id == member.pk and answer.score == 1


def test_erasure_reindexes_every_question_that_showed_the_member(active_member) -> None:
    member = active_member["member"]
    IndexOperation.objects.all().delete()
    services.account_erase(user=member)
    queued = set(IndexOperation.objects.values_list("kind", "object_id"))
    assert queued == {
        ("question", active_member["question"].pk),
        ("question", active_member["their_question"].pk),
    }


def test_member_deletes_their_account_after_a_grace_period_and_can_cancel(client) -> None:
    member = UserFactory(username="camille", password=PASSWORD)
    client.force_login(member)
    response = client.post("/accounts/privacy/delete/")
    assert response.status_code == 302
    assert client.get("/").context["user"].is_anonymous  # logged out at once
    pending = ErasureRequest.objects.get(user=member)
    assert pending.scheduled_for > timezone.now() + timedelta(days=6)

    # Logging in again reminds them, and they cancel.
    response = client.post(
        "/accounts/login/", {"login": "camille", "password": PASSWORD}, follow=True
    )
    assert "scheduled for deletion" in response.content.decode()
    assert client.post("/accounts/privacy/delete/cancel/").status_code == 302
    pending.refresh_from_db()
    assert pending.cancelled_at is not None
    services.erasures_run_due(now=timezone.now() + timedelta(days=30))
    member.refresh_from_db()
    assert member.erased_at is None and member.username == "camille"


def test_the_scheduler_erases_accounts_whose_grace_period_is_over(client) -> None:
    member = UserFactory(username="camille", password=PASSWORD)
    services.erasure_request(user=member)
    call_command("privacy_run")  # not due yet
    member.refresh_from_db()
    assert member.erased_at is None
    ErasureRequest.objects.filter(user=member).update(
        scheduled_for=timezone.now() - timedelta(minutes=1)
    )
    call_command("privacy_run")
    member.refresh_from_db()
    assert member.erased_at is not None and member.username == f"user{member.pk}"
    assert ErasureRequest.objects.get(user=member).completed_at is not None
    # The erased account can no longer log in.
    response = client.post("/accounts/login/", {"login": "camille", "password": PASSWORD})
    assert response.status_code == 400


def test_a_second_request_while_one_is_pending_is_a_409(client) -> None:
    member = UserFactory()
    services.erasure_request(user=member)
    client.force_login(member)
    assert client.post("/accounts/privacy/delete/").status_code == 409


def test_staff_erase_an_account_on_request_after_confirming(client, active_member) -> None:
    member = active_member["member"]
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    url = f"/users/{member.pk}/erase/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm_username": "wrong"})
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.erased_at is None
    response = client.post(url, {"confirm_username": "camille"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.erased_at is not None
    request = ErasureRequest.objects.get(user=member)
    assert request.requested_by == staff and request.completed_at is not None


def test_members_cannot_erase_others(client, active_member) -> None:
    client.force_login(active_member["other"])
    response = client.post(
        f"/users/{active_member['member'].pk}/erase/", {"confirm_username": "camille"}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=active_member["member"].pk).erased_at is None


def test_every_model_pointing_at_a_member_is_declared_in_the_registry() -> None:
    """A model added later that holds a member's data must say how to export
    and erase it (privacy.registry); this fails until it does."""
    declared = {label for entry in registry.entries() for label in entry.models}
    user_model = apps.get_model("accounts", "User")
    undeclared = sorted(
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is user_model
        and model._meta.label not in declared
    )
    assert undeclared == []
