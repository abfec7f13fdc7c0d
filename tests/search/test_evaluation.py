"""The relevance evaluation's measures and baselines (search_eval runs them on real dumps)."""

import pytest

from search.evaluation import Pair, Scores, bm25, evaluate, meilisearch_defaults

pytestmark = pytest.mark.django_db

DOCS = [
    {"object_id": 1, "title": "Reset the zigbee hub", "body": "Hold the button.", "answers": []},
    {"object_id": 2, "title": "Zigbee hub reset fails", "body": "It blinks.", "answers": []},
    {"object_id": 3, "title": "Invoice download", "body": "Where is the PDF?", "answers": []},
    {"object_id": 4, "title": "Hub colours", "body": "Can the hub glow blue?", "answers": []},
]


def test_metrics_leave_the_duplicate_out_and_rank_from_one() -> None:
    rankings = {"a": [2, 1, 4], "b": [2, 4, 3, 1], "c": [2, 3]}
    pairs = [Pair(2, 1, "a"), Pair(2, 1, "b"), Pair(2, 1, "c")]
    scores = evaluate(pairs, lambda query: rankings[query])
    assert scores.ranks == [1, 3, None]
    assert scores.recall(1) == pytest.approx(1 / 3)
    assert scores.recall(5) == pytest.approx(2 / 3)
    assert scores.mrr == pytest.approx((1 + 1 / 3) / 3)
    assert len(scores.latencies_ms) == 3 and Scores().mrr == 0.0


def test_bm25_ranks_shared_rare_words_first() -> None:
    docs = [{**doc, "accepted_answer": ""} for doc in DOCS]
    assert bm25(docs)("zigbee hub reset")[:2] in ([1, 2], [2, 1])
    assert bm25(docs)("?!") == []


def test_meilisearch_defaults_index_the_same_documents(search_index) -> None:
    docs = [{**doc, "id": f"question-{doc['object_id']}"} for doc in DOCS]
    rank = meilisearch_defaults(docs)
    assert rank("invoice")[0] == 3
