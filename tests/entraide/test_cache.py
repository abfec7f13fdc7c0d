"""The Redis cache backend (entraide.cache) against the machine's Redis.

Runs under a key prefix of its own, removed afterwards; skipped when no
Redis answers on 127.0.0.1:6379.
"""

import threading

import pytest
from django.core.cache import caches

from tests.conftest import REDIS_TEST_URL
from tests.factories import QuestionFactory


@pytest.fixture
def redis_cache(settings, redis_prefix: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "entraide.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": redis_prefix,
        }
    }


def test_one_client_per_pool_serves_every_call_and_thread(redis_cache) -> None:
    cache = caches["default"]
    backend = cache._cache  # type: ignore[attr-defined]
    assert backend.get_client() is backend.get_client(write=True)
    cache.set_many({"a": 1, "b": [2]})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": [2]}
    assert cache.incr("a") == 2 and cache.add("a", 5) is False

    seen = []

    def other_thread() -> None:
        # Each thread has its own cache object (Django's), sharing Redis's data.
        seen.append(caches["default"].get("b"))

    worker = threading.Thread(target=other_thread)
    worker.start()
    worker.join()
    assert seen == [[2]]


@pytest.mark.django_db
def test_a_visitors_page_round_trips_through_redis(redis_cache, client, settings) -> None:
    settings.PAGE_CACHE_SECONDS = 60
    question = QuestionFactory()
    first = client.get(question.get_absolute_url())
    second = client.get(question.get_absolute_url())
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert question.title.encode() in second.content
