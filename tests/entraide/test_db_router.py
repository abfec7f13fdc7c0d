"""The read-replica router, on two real database aliases.

``replica`` is a test mirror of the default database (tests/conftest.py): a
second connection to it, like a replica without lag, so what the primary
committed is visible through it and each test tells, by the queries each
connection ran, where a read went. The tests run outside a test transaction
(a transaction pins reads to the primary, which is one of the rules).
"""

import pytest
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from entraide import db_router
from entraide.db_router import PIN_COOKIE, ReplicaPinMiddleware, replica_reads, request_state
from qa import selectors
from qa.models import Tag

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica(settings) -> None:
    settings.DATABASE_ROUTERS = ["entraide.db_router.PrimaryReplicaRouter"]


def _where(action) -> tuple[int, int]:
    """Queries ``action`` ran on the primary and on the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as copy,
    ):
        action()
    return len(primary), len(copy)


def test_a_marked_read_goes_to_the_replica_and_sees_committed_rows(replica) -> None:
    Tag.objects.create(name="replica-probe")
    with request_state(pinned=False), replica_reads():
        assert db_router.read_alias() == "replica"
        assert _where(lambda: Tag.objects.get(name="replica-probe")) == (0, 1)


def test_unmarked_reads_and_writes_use_the_primary(replica) -> None:
    with request_state(pinned=False):
        assert _where(lambda: Tag.objects.filter(name="replica-probe").exists()) == (1, 0)
        assert _where(lambda: Tag.objects.create(name="replica-probe-2")) == (1, 0)


def test_a_read_inside_a_transaction_uses_the_primary(replica) -> None:
    with request_state(pinned=False), replica_reads(), transaction.atomic():
        assert db_router.read_alias() == "default"
        assert _where(lambda: list(Tag.objects.all())) == (1, 0)


def test_after_a_write_the_rest_of_the_request_reads_the_primary(replica) -> None:
    with request_state(pinned=False), replica_reads():
        assert _where(lambda: list(Tag.objects.all())) == (0, 1)
        Tag.objects.create(name="replica-probe")
        assert _where(lambda: Tag.objects.get(name="replica-probe")) == (1, 0)


def test_a_marked_selector_reads_the_replica(replica) -> None:
    Tag.objects.create(name="replica-probe", usage_count=3)
    with request_state(pinned=False):
        primary, copy = _where(lambda: list(selectors.tag_list(query="replica-probe")))
    assert (primary, copy) == (0, 1)


def test_a_client_that_wrote_stays_on_the_primary_for_a_while(replica, settings) -> None:
    seen: list[str] = []

    def write(request: HttpRequest) -> HttpResponse:
        Tag.objects.create(name="replica-probe")
        return HttpResponse()

    def read(request: HttpRequest) -> HttpResponse:
        with replica_reads():
            seen.append(db_router.read_alias())
        return HttpResponse()

    factory = RequestFactory()
    response = ReplicaPinMiddleware(write)(factory.post("/"))
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == settings.DATABASE_REPLICA_PIN_SECONDS
    ReplicaPinMiddleware(read)(factory.get("/", HTTP_COOKIE=f"{PIN_COOKIE}=1"))
    fresh = ReplicaPinMiddleware(read)(factory.get("/"))
    assert seen == ["default", "replica"]
    assert PIN_COOKIE not in fresh.cookies
