"""Suggested edits: made by members who cannot edit, reviewed in a queue."""

from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from entraide.errors import ApplicationError
from qa import editing, services
from qa.models import SuggestedEdit
from reputation.models import Reason, ReputationEvent
from tests.concurrency import run_at_once
from tests.factories import AnswerFactory, UserFactory
from versioning.models import RevisionKind
from versioning.selectors import revision_history

pytestmark = pytest.mark.django_db

BODY = "Hold the reset button for twenty seconds, then log in again as admin."


def _suggest(answer, author=None, body=BODY) -> SuggestedEdit:
    return editing.suggested_edit_create(
        author=author or UserFactory(reputation=50), post=answer, body=body, summary="clearer"
    )


def test_approval_applies_the_edit_as_the_suggesters_revision_and_credits_two() -> None:
    answer = AnswerFactory()
    suggestion = _suggest(answer)
    reviewer = UserFactory(reputation=2000)
    editing.suggested_edit_approve(reviewer=reviewer, suggestion=suggestion)
    answer.refresh_from_db()
    assert answer.body_source == BODY
    latest = revision_history(answer)[1][0]
    assert latest.author == suggestion.author and latest.info.approved_by == reviewer
    assert latest.info.kind == RevisionKind.SUGGESTED_EDIT and latest.summary == "clearer"
    suggestion.author.refresh_from_db()
    assert suggestion.author.reputation == 52
    assert ReputationEvent.objects.filter(
        user=suggestion.author, reason=Reason.EDIT_APPROVED, key=f"edit:{suggestion.pk}"
    ).exists()


def test_members_who_can_edit_are_told_to_edit_directly() -> None:
    answer = AnswerFactory()
    with pytest.raises(PermissionDenied, match="edit this post directly"):
        _suggest(answer, author=answer.author)


def test_a_suggestion_needs_a_summary_and_a_change() -> None:
    answer = AnswerFactory()
    with pytest.raises(ValidationError) as caught:
        editing.suggested_edit_create(author=UserFactory(), post=answer, body=BODY, summary="   ")
    assert "summary" in caught.value.message_dict
    with pytest.raises(ValidationError, match="changes nothing"):
        _suggest(answer, body=answer.body_source)


def test_two_pending_suggestions_on_one_post_are_refused() -> None:
    answer = AnswerFactory()
    _suggest(answer)
    with pytest.raises(ApplicationError, match="already has an edit waiting"):
        _suggest(answer, body=BODY + " Then wait.")
    # The database holds the rule even past the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        SuggestedEdit.objects.create(
            post=answer, author=UserFactory(), body_source="x", summary="y", base_revision=1
        )


def test_a_suggestion_made_stale_by_a_later_edit_cannot_be_approved() -> None:
    answer = AnswerFactory()
    suggestion = _suggest(answer)
    services.post_edit(editor=answer.author, post=answer, body=BODY + " Or ask support.")
    assert editing.suggested_edit_is_stale(suggestion)
    reviewer = UserFactory(reputation=2000)
    with pytest.raises(ApplicationError, match="edited after this suggestion"):
        editing.suggested_edit_approve(reviewer=reviewer, suggestion=suggestion)
    editing.suggested_edit_reject(
        reviewer=reviewer, suggestion=suggestion, reason=SuggestedEdit.RejectReason.STALE
    )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestedEdit.Status.REJECTED


def test_reviewers_need_the_privilege_and_cannot_review_their_own() -> None:
    answer = AnswerFactory()
    suggestion = _suggest(answer, author=UserFactory(reputation=1999))
    with pytest.raises(PermissionDenied, match="edit any post"):
        editing.suggested_edit_approve(reviewer=UserFactory(reputation=1999), suggestion=suggestion)
    with pytest.raises(PermissionDenied, match="your own"):
        editing.suggested_edit_approve(reviewer=suggestion.author, suggestion=suggestion)
    # The post's author may review suggestions on their own post.
    editing.suggested_edit_approve(reviewer=answer.author, suggestion=suggestion)


def test_rejection_needs_a_reason_and_a_note_for_other_and_happens_once() -> None:
    suggestion = _suggest(AnswerFactory())
    reviewer = UserFactory(reputation=2000)
    with pytest.raises(ValidationError):
        editing.suggested_edit_reject(reviewer=reviewer, suggestion=suggestion, reason="meh")
    with pytest.raises(ValidationError) as caught:
        editing.suggested_edit_reject(
            reviewer=reviewer, suggestion=suggestion, reason=SuggestedEdit.RejectReason.OTHER
        )
    assert "note" in caught.value.message_dict
    editing.suggested_edit_reject(
        reviewer=reviewer, suggestion=suggestion, reason=SuggestedEdit.RejectReason.NO_IMPROVEMENT
    )
    with pytest.raises(ApplicationError, match="already been reviewed"):
        editing.suggested_edit_approve(reviewer=reviewer, suggestion=suggestion)
    suggestion.author.refresh_from_db()
    assert suggestion.author.reputation == 50  # nothing earned


def test_suggest_page_queue_and_review_through_the_client(client) -> None:
    answer = AnswerFactory()
    suggester = UserFactory(reputation=50)
    client.force_login(suggester)
    assert client.get(f"/posts/{answer.pk}/edit/")["Location"] == (
        f"/posts/{answer.pk}/suggest-edit/"
    )
    response = client.post(f"/posts/{answer.pk}/suggest-edit/", {"body": BODY, "summary": ""})
    assert response.status_code == 400 and b"Tell the reviewers" in response.content
    client.post(f"/posts/{answer.pk}/suggest-edit/", {"body": BODY, "summary": "more precise"})
    suggestion = SuggestedEdit.objects.get()
    assert client.get("/review/suggested-edits/").status_code == 403
    client.force_login(UserFactory(reputation=2000))
    assert b"more precise" in client.get("/review/suggested-edits/").content
    detail = client.get(f"/review/suggested-edits/{suggestion.pk}/")
    assert b"<ins>twenty</ins>" in detail.content
    response = client.post(f"/review/suggested-edits/{suggestion.pk}/", {"action": "reject"})
    assert response.status_code == 400  # no reason given
    response = client.post(f"/review/suggested-edits/{suggestion.pk}/", {"action": "approve"})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.body_source == BODY


@pytest.mark.django_db(transaction=True)
def test_two_members_suggesting_at_once_leave_one_pending(postgres_only) -> None:
    answer = AnswerFactory()
    members = [UserFactory(reputation=50) for _ in range(2)]
    errors = run_at_once(
        [partial(_suggest, answer, author=m, body=f"{BODY} ({m.pk})") for m in members]
    )
    assert SuggestedEdit.objects.filter(status="pending").count() == 1
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError)


def test_the_suggester_is_told_how_the_review_went() -> None:
    from notifications.models import Notification

    approved, rejected = _suggest(AnswerFactory()), _suggest(AnswerFactory())
    reviewer = UserFactory(reputation=2000)
    editing.suggested_edit_approve(reviewer=reviewer, suggestion=approved)
    editing.suggested_edit_reject(
        reviewer=reviewer,
        suggestion=rejected,
        reason=SuggestedEdit.RejectReason.OTHER,
        note="The steps were right as they were.",
    )
    told = Notification.objects.filter(kind__in=["edit_approved", "edit_rejected"])
    assert {(n.recipient_id, n.kind) for n in told} == {
        (approved.author_id, "edit_approved"),
        (rejected.author_id, "edit_rejected"),
    }
    assert told.get(kind="edit_rejected").body == (
        "Other (explained below): The steps were right as they were."
    )
