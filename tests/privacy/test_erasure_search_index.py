"""Erasure reaches the real search index: once the outbox is drained, no
document holds the erased member's username, e-mail or display name."""

import json

import pytest

from privacy import services
from qa import services as qa
from search.sync import drain
from tests.privacy.test_erasure import _personal_strings
from tests.search.helpers import indexed

pytestmark = pytest.mark.django_db


def _leaks(secrets: list[str]) -> list[tuple[str, str]]:
    return [
        (doc_id, secret)
        for doc_id, doc in indexed().items()
        for secret in secrets
        if secret and secret.lower() in json.dumps(doc, ensure_ascii=False).lower()
    ]


def test_nothing_personal_remains_in_the_search_index(active_member, search_index) -> None:
    member, other = active_member["member"], active_member["other"]
    # Others name the member in what they write, and search indexes it.
    qa.answer_post(
        author=other,
        question=active_member["question"],
        body="@camille hold the switch for ten seconds, then pair the lamp again.",
    )
    drain()
    secrets = _personal_strings(member)
    assert _leaks(secrets), "the index should show the member before erasure"

    services.account_erase(user=member)
    drain()

    assert _leaks(secrets) == []
    # The member's questions stay searchable, attributed to no one by name.
    documents = indexed()
    assert f"question-{active_member['question'].pk}" in documents
    assert f"question-{active_member['their_question'].pk}" in documents
