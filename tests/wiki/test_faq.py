"""The FAQ: entries, review and publication, promotion from answers, the
source answer's changes, "verified by support" stamps, helpful votes."""

from datetime import timedelta
from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from entraide.errors import ApplicationError
from notifications.models import Notification
from qa import services as qa_services
from qa.models import Category
from reputation.models import BadgeAward
from search.models import DocumentKind, IndexOperation
from tests.factories import AnswerFactory, QuestionFactory, UserFactory
from versioning.models import RevisionKind
from versioning.selectors import revision_history
from versioning.services import EditConflict
from wiki import selectors, services
from wiki.models import FaqEntry, FaqStatus

pytestmark = pytest.mark.django_db

ANSWER = "Open **Account › Billing** and click *Download* next to the invoice you need."


@pytest.fixture
def staff():
    return UserFactory(username="support", is_staff=True)


@pytest.fixture
def second_staff():
    return UserFactory(username="support2", is_staff=True)


def _entry(staff, **kwargs) -> FaqEntry:
    fields = {"question": "How do I download an invoice?", "answer": ANSWER, **kwargs}
    return services.faq_entry_create(author=staff, **fields)


def _publish(entry: FaqEntry, staff, second_staff) -> FaqEntry:
    services.faq_entry_submit(user=staff, entry=entry)
    return services.faq_entry_approve(user=second_staff, entry=entry)


def test_an_entry_starts_as_a_draft_only_curators_see(client, staff) -> None:
    entry = _entry(staff)
    assert entry.status == FaqStatus.DRAFT and entry.slug == "how-do-i-download-an-invoice"
    assert client.get(entry.get_absolute_url()).status_code == 404
    client.force_login(UserFactory(is_super_user=True))
    assert client.get(entry.get_absolute_url()).status_code == 200
    assert IndexOperation.objects.filter(kind=DocumentKind.FAQ, object_id=entry.pk).exists()


def test_members_cannot_write_the_faq() -> None:
    with pytest.raises(PermissionDenied, match="staff and super-users"):
        _entry(UserFactory(reputation=50_000))


def test_publication_needs_a_second_approver_and_every_step_is_in_the_history(
    staff, second_staff
) -> None:
    entry = _entry(staff)
    with pytest.raises(ApplicationError, match="is draft"):
        services.faq_entry_approve(user=second_staff, entry=entry)  # review first
    services.faq_entry_submit(user=staff, entry=entry)
    with pytest.raises(PermissionDenied, match="second staff member"):
        services.faq_entry_approve(user=staff, entry=entry)
    services.faq_entry_return_to_draft(user=second_staff, entry=entry, reason="Add a screenshot")
    services.faq_entry_submit(user=staff, entry=entry)
    services.faq_entry_approve(user=UserFactory(is_super_user=True), entry=entry)
    entry.refresh_from_db()
    assert entry.status == FaqStatus.PUBLISHED and entry.published_at is not None
    _, history = revision_history(entry)
    assert [(e.info.kind, e.summary, e.fields["status"]) for e in history] == [
        (RevisionKind.STATUS, "Approved and published", "published"),
        (RevisionKind.STATUS, "Submitted for review", "in_review"),
        (RevisionKind.STATUS, "Returned to draft: Add a screenshot", "draft"),
        (RevisionKind.STATUS, "Submitted for review", "in_review"),
        (RevisionKind.CREATED, "", "draft"),
    ]


def test_without_the_setting_staff_publish_a_draft_directly(settings, staff) -> None:
    settings.FAQ = {**settings.FAQ, "REQUIRE_SECOND_APPROVAL": False}
    entry = services.faq_entry_approve(user=staff, entry=_entry(staff))
    assert entry.status == FaqStatus.PUBLISHED


def test_returning_to_draft_needs_a_reason(staff, second_staff) -> None:
    entry = _entry(staff)
    services.faq_entry_submit(user=staff, entry=entry)
    with pytest.raises(ValidationError):
        services.faq_entry_return_to_draft(user=second_staff, entry=entry, reason="  ")


def test_faq_page_groups_published_entries_by_category_with_anchors(
    client, staff, second_staff
) -> None:
    billing = Category.objects.create(name="Billing", slug="billing")
    devices = Category.objects.create(name="Devices", slug="devices")
    _publish(
        _entry(staff, category=devices, question="How do I pair a new bulb?"), staff, second_staff
    )
    _publish(_entry(staff, category=billing, order=2), staff, second_staff)
    _publish(
        _entry(staff, category=billing, order=1, question="Can I pay by bank transfer?"),
        staff,
        second_staff,
    )
    _entry(staff, question="A draft nobody should see yet")
    content = client.get("/faq/").content.decode()
    assert '<section class="faq-section" id="billing"' in content and 'href="#devices"' in content
    assert content.index("bank transfer") < content.index("download an invoice")
    assert content.index("download an invoice") < content.index("pair a new bulb")
    assert "nobody should see" not in content
    entry = FaqEntry.objects.get(question="How do I pair a new bulb?")
    assert client.get(f"/faq/{entry.slug}/").status_code == 200


def test_promoting_an_answer_prefills_credits_and_links_back(client, staff, second_staff) -> None:
    category = Category.objects.create(name="Billing", slug="billing")
    question = QuestionFactory(title="Where can I find my invoices?", category=category)
    answer = AnswerFactory(parent=question, body_source=ANSWER)
    entry = services.faq_promote(user=staff, answer=answer)
    assert (entry.question, entry.answer_source, entry.category) == (
        "Where can I find my invoices?",
        ANSWER,
        category,
    )
    assert entry.attributed_to == answer.author and entry.source_answer == answer
    assert not BadgeAward.objects.filter(user=answer.author).exists()  # not public yet
    assert not Notification.objects.filter(kind="faq_promoted").exists()
    _publish(entry, staff, second_staff)
    assert BadgeAward.objects.filter(user=answer.author, badge__slug="faq-author").count() == 1
    told = Notification.objects.get(kind="faq_promoted")
    assert (told.recipient, told.actor, told.url) == (
        answer.author,
        staff,
        entry.get_absolute_url(),
    )
    services.faq_entry_unpublish(user=staff, entry=entry)
    _publish(entry, staff, second_staff)  # published again: not a new promotion
    assert Notification.objects.filter(kind="faq_promoted").count() == 1
    page = client.get(question.get_absolute_url()).content.decode()
    assert f'lives on in the FAQ: <a href="/faq/{entry.slug}/">' in page
    entry_page = client.get(entry.get_absolute_url()).content.decode()
    assert f"/questions/{question.pk}/" in entry_page and answer.author.public_name in entry_page
    with pytest.raises(ApplicationError, match="already in the FAQ"):
        services.faq_promote(user=staff, answer=answer)


def test_only_live_answers_by_curators_are_promoted(staff) -> None:
    answer = AnswerFactory()
    with pytest.raises(PermissionDenied):
        services.faq_promote(user=UserFactory(reputation=20_000), answer=answer)
    with pytest.raises(ValidationError, match="Only answers"):
        services.faq_promote(user=staff, answer=answer.parent)
    qa_services.post_delete(user=answer.author, post=answer)
    with pytest.raises(ApplicationError, match="deleted answer"):
        services.faq_promote(user=staff, answer=answer)


def test_a_changed_source_answer_is_shown_with_its_diff_and_pulled_or_dismissed(staff) -> None:
    answer = AnswerFactory(body_source=ANSWER)
    entry = services.faq_promote(user=staff, answer=answer)
    assert selectors.faq_source_change(FaqEntry.objects.get(pk=entry.pk)) is None
    new_text = ANSWER.replace("Download", "Download PDF")
    qa_services.post_edit(editor=answer.author, post=answer, body=new_text)
    entry = FaqEntry.objects.select_related("source_answer").get(pk=entry.pk)
    change = selectors.faq_source_change(entry)
    assert change is not None and (change.taken, change.latest) == (1, 2)
    assert "<ins> PDF</ins>" in change.diffs[0].diff.rows[0].new_html
    assert [e.pk for e in selectors.faq_desk().source_changed] == [entry.pk]
    services.faq_source_pull(user=staff, entry=entry)
    entry.refresh_from_db()
    assert entry.answer_source == new_text and "PDF" in entry.answer_html
    assert selectors.faq_source_change(entry) is None
    qa_services.post_edit(editor=answer.author, post=answer, body=ANSWER)
    services.faq_source_dismiss(user=staff, entry=entry)
    entry.refresh_from_db()
    assert entry.answer_source == new_text and selectors.faq_desk().source_changed == []
    with pytest.raises(ApplicationError, match="not changed"):
        services.faq_source_dismiss(user=staff, entry=entry)


def test_an_edit_from_an_old_revision_is_a_conflict(staff, second_staff) -> None:
    entry = _entry(staff)
    edit = partial(
        services.faq_entry_edit, entry=entry, question=entry.question, category=None, order=0
    )
    edit(editor=staff, answer=ANSWER + " Or ask.", base_revision=1)
    with pytest.raises(EditConflict):
        edit(editor=second_staff, answer=ANSWER + " Mine.", base_revision=1)
    entry.refresh_from_db()
    assert entry.answer_source == ANSWER + " Or ask."


def test_verified_stamps_show_expire_and_wait_for_re_verification(client, staff) -> None:
    answer = AnswerFactory()
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.stamp_verify(user=UserFactory(is_super_user=True), target=answer)
    with pytest.raises(ValidationError) as caught:
        services.stamp_verify(user=staff, target=answer, until=today - timedelta(days=1))
    assert "until" in caught.value.message_dict
    services.stamp_verify(user=staff, target=answer, until=today, note="for app 3.4")
    page = client.get(answer.parent.get_absolute_url()).content.decode()
    assert "Verified by support for app 3.4, until" in page
    assert IndexOperation.objects.filter(
        kind=DocumentKind.QUESTION, object_id=answer.parent_id
    ).exists()
    entry = _entry(staff)
    services.stamp_verify(user=staff, target=entry, until=today)
    # Time passes: both stamps expire and go to the list.
    type(answer).objects.filter(pk=answer.pk).update(verified_until=today - timedelta(days=1))
    FaqEntry.objects.filter(pk=entry.pk).update(verified_until=today - timedelta(days=1))
    expired = selectors.reverify_list()
    assert [a.pk for a in expired.answers] == [answer.pk]
    assert [e.pk for e in expired.faq_entries] == [entry.pk]
    assert (
        "Verified by support" not in client.get(answer.parent.get_absolute_url()).content.decode()
    )
    client.force_login(staff)
    assert b"Answer to" in client.get("/faq/reverify/").content


def test_faq_pages_for_staff_and_bad_input(client, staff, second_staff) -> None:
    client.force_login(staff)
    response = client.post("/faq/new/", {"question": "Short?", "answer": "", "order": "x"})
    assert response.status_code == 400 and b"10 to 200 characters" in response.content
    assert b"Enter a whole number" in response.content
    answer = AnswerFactory()
    response = client.post(f"/answers/{answer.pk}/promote-to-faq/")
    entry = FaqEntry.objects.get(source_answer=answer)
    assert response["Location"] == f"/faq/{entry.slug}/edit/"
    assert client.get(f"/faq/{entry.slug}/edit/").status_code == 200
    client.post(f"/faq/{entry.slug}/status/", {"action": "submit"})
    response = client.post(f"/faq/{entry.slug}/status/", {"action": "approve"})
    assert response.status_code == 403  # the submitter cannot approve
    assert b"FAQ desk" in client.get("/faq/desk/").content
    client.force_login(UserFactory())
    assert client.get("/faq/desk/").status_code == 403
    assert client.post(f"/answers/{answer.pk}/verify/", {"note": "x"}).status_code == 403
