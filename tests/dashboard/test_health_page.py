"""The staff health page: every part's status and the search worker's backlog."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from search import outbox
from search.models import IndexOperation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/staff/dashboard/health/"


# The page probes every database alias, also the suite's replica mirror
# (tests/conftest.py), which a test must be allowed to touch.
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_staff_see_each_part_answering_and_an_empty_backlog(client, search_index) -> None:
    client.force_login(UserFactory(is_staff=True))
    response = client.get(URL)
    assert response.status_code == 200
    assert [(c.name, c.ok) for c in response.context["checks"]] == [
        ("database", True),
        ("database_replica", True),
        ("cache", True),
        ("search", True),
    ]
    assert response.context["is_healthy"]
    assert b"Every part answers" in response.content


def test_staff_see_the_backlog_its_age_and_the_last_indexing_error(client, search_index) -> None:
    with transaction.atomic():
        outbox.enqueue_question(41)
        outbox.enqueue_question(42)
    IndexOperation.objects.filter(object_id=41).update(
        created_at=timezone.now() - timedelta(hours=1),
        attempts=3,
        last_error="Meilisearch task 7 failed: No space left on device (os error 28)",
        next_attempt_at=timezone.now() + timedelta(seconds=8),
    )
    client.force_login(UserFactory(is_staff=True))
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert not response.context["is_healthy"]
    assert response.context["outbox_late"]
    assert 'data-figure="pending">2<' in page
    assert 'data-figure="failing">1<' in page
    assert "No space left on device (os error 28)" in page
    assert "After 3 attempts" in page


def test_an_unreachable_engine_is_shown_failing(client, settings) -> None:
    settings.SEARCH = {**settings.SEARCH, "URL": "http://127.0.0.1:9"}
    client.force_login(UserFactory(is_staff=True))
    response = client.get(URL)
    assert response.status_code == 200
    search = next(c for c in response.context["checks"] if c.name == "search")
    assert not search.ok
    assert "Failing" in response.content.decode()


def test_members_and_visitors_cannot_see_it(client) -> None:
    assert client.get(URL).status_code == 302  # to the log-in page
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
