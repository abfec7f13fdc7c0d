import os
import secrets
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.db import connection

from search.engine import LocalServer

# A second database alias for the read-replica router's tests
# (tests/entraide/test_db_router.py): a test mirror of the default database,
# so what the primary commits is visible through it, as on a replica without
# lag. Nothing routes there unless a test installs the router. Added before
# any connection exists, so Django sets it up with the test databases.
if "replica" not in settings.DATABASES:
    settings.DATABASES["replica"] = {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}


@pytest.fixture
def postgres_only() -> None:
    """Races need real row locks; SQLite serialises every writer instead."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...; CI does)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    # Hashing strength is Django's concern, not ours; PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Cached reads (the category tree) must not leak from one test to the next.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_minimum_fill_time(settings) -> None:
    # The test client and the browser fill forms in milliseconds; the rule is
    # tested with its real value in tests/moderation/test_antispam.py.
    settings.MODERATION = {**settings.MODERATION, "FORM_MIN_FILL_SECONDS": 0}


@pytest.fixture(scope="session")
def meilisearch_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A real Meilisearch for the whole run: ``MEILISEARCH_URL`` if set, else our own.

    Ours listens on a free port of 127.0.0.1 with a throw-away data directory
    and stops at the end of the session.
    """
    url = os.environ.get("MEILISEARCH_URL")
    if url:
        yield url, os.environ.get("MEILISEARCH_API_KEY", "")
        return
    server = LocalServer(data_dir=tmp_path_factory.mktemp("meilisearch"), key=secrets.token_hex(16))
    server.start()
    yield server.url, server.key
    server.stop()


@pytest.fixture(autouse=True)
def _search_isolated(settings, meilisearch_server: tuple[str, str]) -> None:
    # Every test talks to the test engine, never a developer's `make run` one,
    # and gets an index name of its own (created only when a test needs it).
    url, key = meilisearch_server
    settings.SEARCH = {
        **settings.SEARCH,
        "URL": url,
        "API_KEY": key,
        "INDEX": f"test_{uuid.uuid4().hex[:12]}",
    }


@pytest.fixture
def search_index(settings) -> Iterator[str]:
    """This test's index, created with the declared settings; deleted afterwards."""
    from search.client import admin_client
    from search.indexing import index_setup, wait

    name = settings.SEARCH["INDEX"]
    client = admin_client()  # the test engine, even if the test points elsewhere
    index_setup(name)
    yield name
    wait(client, client.delete_index(name))


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    # A request in French leaves French active in the test's thread (Django
    # activates a language per request and never resets it); start each test
    # in the default language.
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def community(search_index):
    """A lamp question with an accepted answer by "helper", two other
    questions, all indexed in this test's Meilisearch index."""
    from qa import services
    from search import sync
    from tests.factories import UserFactory

    asker = UserFactory(username="asker", reputation=1500)
    helper = UserFactory(username="helper", display_name="Helpful Hana")
    blinking = services.question_ask(
        author=asker,
        title="The lamp blinks red after the firmware update",
        body="Since last night's update my lamp blinks red three times and stays off.",
        tags="lamp firmware",
    )
    answer = services.answer_post(
        author=helper,
        question=blinking,
        body="Unplug the lamp for **ten seconds**, plug it back in: it installs the update again.",
    )
    services.answer_accept(user=asker, answer=answer)
    services.question_ask(
        author=asker,
        title="Pairing the lamp with a new phone fails",
        body="The app finds the lamp but pairing stops at 90% every time.",
        tags="lamp app",
    )
    services.question_ask(
        author=asker,
        title="Where do I download last month's invoice?",
        body="I cannot find the invoice for my subscription anywhere.",
        tags="billing",
    )
    sync.drain()
    return blinking, answer


REDIS_TEST_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the machine's Redis (the test is
    skipped without one); its keys are removed afterwards."""
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield prefix
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def buffered(settings, redis_prefix: str) -> None:
    """Counts buffered in Redis (entraide.counter_buffer), as in production."""
    settings.REDIS_URL = REDIS_TEST_URL
    # Only the prefix: the suite's cache stays in memory (clearing a Redis
    # cache would empty the whole database, shared with other processes).
    locmem = "django.core.cache.backends.locmem.LocMemCache"
    settings.CACHES = {"default": {"BACKEND": locmem, "KEY_PREFIX": redis_prefix}}
