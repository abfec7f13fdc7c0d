import pytest
from django.db import connection


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
