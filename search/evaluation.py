"""Search relevance on real Stack Exchange dumps (``manage.py search_eval``).

For each question a dump marks as a duplicate of another (PostLinks type 3),
search with the duplicate's title and see where the original ranks: the
"similar questions" task of the ask page. The duplicate itself is left out
of every ranking. Three systems see the same documents and queries:

* ``ours``: the index as the site configures it (``search.schema``), queried
  through the site's own search function;
* ``defaults``: Meilisearch with its default settings;
* ``bm25``: a plain BM25 baseline, SQLite FTS5 over the same text.
"""

import re
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .client import admin_client, index_name
from .indexing import index_exists, wait
from .selectors import SearchFilters
from .similar import similar

DEPTH = 10  # ranks looked at: MRR is MRR@10

Ranker = Callable[[str], list[int]]


@dataclass(frozen=True)
class Pair:
    duplicate_id: int
    original_id: int
    query: str


@dataclass
class Scores:
    ranks: list[int | None] = field(default_factory=list)  # 1-based rank of the original
    latencies_ms: list[float] = field(default_factory=list)

    def add(self, other: "Scores") -> None:
        self.ranks += other.ranks
        self.latencies_ms += other.latencies_ms

    def recall(self, k: int) -> float:
        return _mean([1.0 if r is not None and r <= k else 0.0 for r in self.ranks])

    @property
    def mrr(self) -> float:
        return _mean([1.0 / r if r is not None else 0.0 for r in self.ranks])

    def latency(self, fraction: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    def as_dict(self) -> dict[str, Any]:
        return {
            "pairs": len(self.ranks),
            "recall_at_1": round(self.recall(1), 3),
            "recall_at_5": round(self.recall(5), 3),
            "mrr": round(self.mrr, 3),
            "latency_p50_ms": round(self.latency(0.5), 2),
            "latency_p95_ms": round(self.latency(0.95), 2),
        }


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def evaluate(pairs: Iterable[Pair], rank: Ranker) -> Scores:
    scores = Scores()
    for pair in pairs:
        started = time.perf_counter()
        ranked = rank(pair.query)
        scores.latencies_ms.append((time.perf_counter() - started) * 1000)
        ranked = [object_id for object_id in ranked if object_id != pair.duplicate_id][:DEPTH]
        position = ranked.index(pair.original_id) + 1 if pair.original_id in ranked else None
        scores.ranks.append(position)
    return scores


def ours() -> Ranker:
    """The site's own similar-questions search, as the ask page calls it."""

    def rank(query: str) -> list[int]:
        results = similar(query, filters=SearchFilters(type="question"), limit=DEPTH + 1)
        return [hit.object_id for hit in results.hits]

    return rank


def meilisearch_defaults(documents: list[dict[str, Any]]) -> Ranker:
    """Meilisearch with every setting at its default, over the same documents."""
    client = admin_client(timeout=120)
    name = f"{index_name()}__defaults"
    if index_exists(client, name):
        wait(client, client.delete_index(name))
    wait(client, client.create_index(name, {"primaryKey": "id"}))
    index = client.index(name)
    for start in range(0, len(documents), 1000):
        wait(client, index.add_documents(documents[start : start + 1000]))

    def rank(query: str) -> list[int]:
        response = index.search(query, {"limit": DEPTH + 1, "attributesToRetrieve": ["object_id"]})
        return [int(hit["object_id"]) for hit in response["hits"]]

    return rank


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def bm25(documents: list[dict[str, Any]]) -> Ranker:
    """Plain BM25 (SQLite FTS5): any query word may match, no stop words, no field weights."""
    database = sqlite3.connect(":memory:")
    database.execute(
        "CREATE VIRTUAL TABLE docs USING fts5("
        "object_id UNINDEXED, title, body, answers, tokenize='unicode61 remove_diacritics 2')"
    )
    database.executemany(
        "INSERT INTO docs VALUES (?, ?, ?, ?)",
        [
            (
                doc["object_id"],
                doc["title"],
                doc["body"],
                " ".join([doc.get("accepted_answer") or "", *doc.get("answers", [])]),
            )
            for doc in documents
        ],
    )

    def rank(query: str) -> list[int]:
        words = list(dict.fromkeys(w.lower() for w in _TOKEN.findall(query)))
        if not words:
            return []
        match = " OR ".join(f'"{word}"' for word in words)
        rows = database.execute(
            "SELECT object_id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ?",
            [match, DEPTH + 1],
        )
        return [int(row[0]) for row in rows]

    return rank
