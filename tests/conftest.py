import pytest
from django.db import connection


@pytest.fixture
def postgres_only() -> None:
    """Races need real row locks; SQLite serialises every writer instead."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://...; CI does)")
