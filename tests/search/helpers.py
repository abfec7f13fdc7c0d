"""Read the real index back, to compare it with the database."""

from typing import Any

from search.client import admin_index
from search.documents import question_documents
from search.models import IndexOperation


def indexed() -> dict[str, dict[str, Any]]:
    """Every document in this test's index, by id."""
    result = admin_index().get_documents({"limit": 10_000})
    return {doc.id: dict(doc) for doc in result.results}


def expected(question_ids: list[int]) -> dict[str, dict[str, Any]]:
    """What the database says the index should hold for these questions."""
    return {doc["id"]: doc for doc in question_documents(question_ids).values()}


def pending() -> int:
    return IndexOperation.objects.count()
