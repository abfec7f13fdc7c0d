"""The seam: ``notify`` writes rows inside the caller's transaction, nothing else."""

import pytest
from django.db import IntegrityError, transaction

from notifications.models import Notification
from notifications.services import (
    MAX_MENTIONS,
    mentioned_usernames,
    notify,
    notify_many,
    notify_mentions,
)
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_notify_writes_a_row_with_the_targets_title_and_link() -> None:
    question = QuestionFactory()
    actor = UserFactory()
    with transaction.atomic():
        row = notify(question.author, "answer", actor, question)
    assert row is not None
    stored = Notification.objects.get()
    assert (stored.recipient, stored.actor, stored.kind) == (question.author, actor, "answer")
    assert stored.title == question.title and stored.url == question.get_absolute_url()
    assert stored.target == question and stored.read_at is None


@pytest.mark.django_db(transaction=True)
def test_notify_refuses_to_run_outside_a_transaction() -> None:
    with pytest.raises(RuntimeError, match="inside the event's transaction"):
        notify(UserFactory(), "badge", url="/badges/")


def test_a_rolled_back_event_leaves_no_notification() -> None:
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        notify(UserFactory(), "badge", url="/badges/")
        1 / 0  # noqa: B018 - the event fails after notifying
    assert not Notification.objects.exists()


def test_members_are_not_notified_of_their_own_actions() -> None:
    user = UserFactory()
    with transaction.atomic():
        assert notify(user, "edit", user, url="/questions/1/x/") is None
        assert notify_many([user, user.pk], "edit", user, url="/q/") == set()
    assert not Notification.objects.exists()


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="not a notification kind"), transaction.atomic():
        notify(UserFactory(), "answr", url="/")


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_links_must_stay_on_the_site(url: str) -> None:
    with pytest.raises(ValueError, match="links inside the site"), transaction.atomic():
        notify(UserFactory(), "badge", url=url)


def test_the_database_refuses_an_off_site_link_too() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(recipient=UserFactory(), kind="badge", url="//evil.example/")


def test_notify_needs_a_link_when_the_target_has_none() -> None:
    with pytest.raises(ValueError, match="needs a url"), transaction.atomic():
        notify(UserFactory(), "badge")


def test_notify_many_writes_one_row_per_distinct_recipient_in_one_insert(
    django_assert_num_queries,
) -> None:
    a, b, actor = UserFactory(), UserFactory(), UserFactory()
    with transaction.atomic(), django_assert_num_queries(1):
        told = notify_many([a, b.pk, a, actor], "mention", actor, url="/q/")
    assert told == {a.pk, b.pk}
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(told)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Thanks @alice and @bob.", ["alice", "bob"]),
        ("@alice, @alice again", ["alice"]),
        ("write to me@example.com", []),
        ("`@decorator` is code, @carol is not", ["carol"]),
        ("```\n@fenced mention\n```\n@dave", ["dave"]),
        ("@a is too short; @jean-luc!", ["jean-luc"]),
    ],
)
def test_mentions_are_read_outside_code_and_e_mail_addresses(text: str, names: list[str]) -> None:
    assert mentioned_usernames(text) == names


def test_mentions_notify_active_members_not_the_actor_nor_the_excluded() -> None:
    actor = UserFactory(username="writer")
    UserFactory(username="alice")
    UserFactory(username="gone", is_active=False)
    bob = UserFactory(username="bob")
    with transaction.atomic():
        told = notify_mentions(
            text="@alice @gone @writer @bob @nobody",
            actor=actor,
            target=QuestionFactory(),
            title="T",
            url="/q/",
            exclude=[bob.pk],
        )
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["alice"]
    assert len(told) == 1


def test_an_edit_notifies_only_the_mentions_it_adds() -> None:
    actor = UserFactory()
    UserFactory(username="alice")
    UserFactory(username="bob")
    with transaction.atomic():
        notify_mentions(
            text="@alice and now @bob",
            previous_text="@alice",
            actor=actor,
            target=QuestionFactory(),
            title="T",
            url="/q/",
        )
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["bob"]


def test_one_post_mentions_at_most_a_few_members() -> None:
    names = [UserFactory().username for _ in range(MAX_MENTIONS + 3)]
    with transaction.atomic():
        told = notify_mentions(
            text=" ".join(f"@{name}" for name in names),
            actor=UserFactory(),
            target=QuestionFactory(),
            title="T",
            url="/q/",
        )
    assert len(told) == MAX_MENTIONS == Notification.objects.count()
