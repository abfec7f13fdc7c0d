"""The inbox page, the header's unread count, mark read and mark all read."""

import pytest
from django.db import transaction

from notifications.models import Notification
from notifications.services import notify
from tests.factories import CategoryFactory, QuestionFactory, UserFactory
from tests.qa.test_pages import QUESTION_PAGE_QUERIES

pytestmark = pytest.mark.django_db

MEMBER = 1  # the user row, with the unread count; the session comes from the cache


def _notify(recipient, *, title: str = "Router keeps dropping", url: str = "/questions/1/x/"):
    with transaction.atomic():
        return notify(recipient, "answer", UserFactory(display_name="Ana"), title=title, url=url)


def test_the_inbox_needs_a_member(client) -> None:
    response = client.get("/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_inbox_lists_ones_own_notifications_newest_first(client) -> None:
    member = UserFactory()
    _notify(member, title="First question")
    _notify(member, title="Second question")
    _notify(UserFactory(), title="Someone else's question")
    client.force_login(member)
    content = client.get("/notifications/").content.decode()
    assert content.index("Second question") < content.index("First question")
    assert "Someone else" not in content
    assert "<strong>Ana</strong> answered “Second question”" in content
    assert content.count('class="notification unread"') == 2


def test_titles_are_escaped(client) -> None:
    member = UserFactory()
    _notify(member, title="<script>alert(1)</script>")
    client.force_login(member)
    content = client.get("/notifications/").content.decode()
    assert "<script>alert(1)" not in content and "&lt;script&gt;" in content


def test_the_inbox_query_count_is_fixed(client, django_assert_num_queries) -> None:
    member = UserFactory()
    for _ in range(3):
        _notify(member)
    client.force_login(member)
    # user (with the unread count) + page count + rows with actors
    with django_assert_num_queries(MEMBER + 2):
        client.get("/notifications/")
    for _ in range(20):
        _notify(member)
    with django_assert_num_queries(MEMBER + 2):
        client.get("/notifications/")


def test_the_header_shows_the_unread_count_without_an_extra_query(
    client, django_assert_num_queries
) -> None:
    member = UserFactory()
    question = QuestionFactory(category=CategoryFactory())  # as in QUESTION_PAGE_QUERIES
    for _ in range(3):
        _notify(member)
    client.force_login(member)
    with django_assert_num_queries(QUESTION_PAGE_QUERIES):
        content = client.get(question.get_absolute_url()).content.decode()
    assert '<span class="unread-count" title="unread notifications">3<' in content


def test_no_count_when_nothing_is_unread(client) -> None:
    client.force_login(UserFactory())
    assert "unread-count" not in client.get("/").content.decode()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client) -> None:
    member = UserFactory()
    notification = _notify(member, url="/questions/7/router/#answer-9")
    client.force_login(member)
    response = client.get(f"/notifications/{notification.pk}/")
    assert response.status_code == 302 and response["Location"] == "/questions/7/router/#answer-9"
    notification.refresh_from_db()
    assert notification.is_read


def test_another_members_notification_is_not_found(client) -> None:
    notification = _notify(UserFactory())
    client.force_login(UserFactory())
    assert client.get(f"/notifications/{notification.pk}/").status_code == 404
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert not notification.is_read


def test_mark_read_answers_json_with_the_new_unread_count(client) -> None:
    member = UserFactory()
    first, _ = _notify(member), _notify(member)
    client.force_login(member)
    response = client.post(f"/notifications/{first.pk}/read/", HTTP_ACCEPT="application/json")
    assert response.json() == {"read": first.pk, "unread": 1}
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 302  # twice is fine


def test_marking_read_needs_a_post(client) -> None:
    member = UserFactory()
    notification = _notify(member)
    client.force_login(member)
    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405


def test_mark_all_read_marks_only_ones_own(client) -> None:
    member, other = UserFactory(), UserFactory()
    for _ in range(3):
        _notify(member)
    _notify(other)
    client.force_login(member)
    response = client.post("/notifications/read-all/", follow=True)
    assert "3 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(recipient=member, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_the_unread_filter(client) -> None:
    member = UserFactory()
    read = _notify(member, title="Old news")
    _notify(member, title="Fresh news")
    read.read_at = read.created_at
    read.save()
    client.force_login(member)
    content = client.get("/notifications/?unread=1").content.decode()
    assert "Fresh news" in content and "Old news" not in content
