"""Similar questions: the ask page's suggestions and the contact page's answers.

A customer's title is a sentence, not keywords. Meilisearch's bucket ranking
requires every word or drops words by position or frequency, and on real
duplicate pairs (``manage.py search_eval``) it found the original less often
than plain BM25. So this ranks the way BM25 does, using the engine for every
look-up, in two requests:

1. one exact-word query per significant query word (stop words dropped)
   gives the word's document frequency (its weight, BM25's IDF) and the few
   documents where it matters most (the configured ranking puts title
   matches first): these are the candidates. When they are too few, the
   customer's text through the configured ranking adds its matches (a word
   still being typed is a prefix; a mistyped one a typo);
2. one query per word over those candidates says which contain it.

A candidate scores the weights of the words it contains, plus
``TITLE_BOOST`` times the weights of those in its title or tags; the post
score breaks ties.
"""

import logging
import math
import re
from collections.abc import Iterable
from typing import Any

from meilisearch.errors import MeilisearchError

from .client import index_name, search_client
from .schema import STOP_WORDS
from .selectors import (
    ATTRIBUTES_TO_RETRIEVE,
    POST,
    PRE,
    QUERY_MAX,
    SearchFilters,
    SearchResults,
    clean_text,
    database_search,
    hit_from_document,
    marked_html,
)

logger = logging.getLogger("search")

CANDIDATES_PER_WORD = 10
TITLE_BOOST = 2.0
MAX_WORDS = 10
CROP = ["accepted_answer", "answers", "body"]
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = set(STOP_WORDS)


def query_words(query: str) -> list[str]:
    words = (w.lower() for w in _WORD.findall(query))
    return list(dict.fromkeys(w for w in words if len(w) > 1 and w not in _STOP))[:MAX_WORDS]


def _mark(text: str, words: list[str]) -> str:
    """``text`` escaped, with the query's words marked."""
    if not words:
        return marked_html(text)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    return marked_html(pattern.sub(lambda m: f"{PRE}{m.group(1)}{POST}", text))


def _tokens(doc: dict[str, Any]) -> set[str]:
    return {w.lower() for w in _WORD.findall(" ".join([doc["title"], *doc.get("tags", [])]))}


def similar(
    query: str, *, filters: SearchFilters, limit: int, with_answers: bool = False
) -> SearchResults:
    """The documents most like ``query``; raises the engine's errors (see ``suggestions``)."""
    words = query_words(query)
    base = filters.engine_filter()
    index = index_name()
    client = search_client()

    def q(**params: Any) -> dict[str, Any]:
        return {"indexUid": index, "filter": list(base), **params}

    first = client.multi_search(
        [
            q(q="", limit=0),  # how many documents: N in the weights
            q(q=query, limit=CANDIDATES_PER_WORD, attributesToRetrieve=ATTRIBUTES_TO_RETRIEVE),
            *(
                q(
                    q=f'"{word}"',
                    limit=CANDIDATES_PER_WORD,
                    matchingStrategy="all",
                    attributesToRetrieve=ATTRIBUTES_TO_RETRIEVE,
                )
                for word in words
            ),
        ]
    )["results"]
    total = int(first[0]["estimatedTotalHits"])
    # Keyed by document id: a question and a FAQ entry may share an object id.
    docs: dict[str, dict[str, Any]] = {}
    score: dict[str, float] = {}
    weight: dict[str, float] = {}
    for word, result in zip(words, first[2:], strict=True):
        frequency = int(result["estimatedTotalHits"])
        weight[word] = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
        for doc in result["hits"]:
            docs.setdefault(doc["id"], doc)
            score[doc["id"]] = 0.0
    if len(docs) < limit:
        # Whole words found too little: a word still being typed (a prefix)
        # or mistyped; the configured ranking's matches fill in, in its order.
        for position, doc in enumerate(first[1]["hits"]):
            docs.setdefault(doc["id"], doc)
            score.setdefault(doc["id"], 0.01 / (1 + position))
    if docs and words:
        among = _among(docs.values())
        second = client.multi_search(
            [
                {
                    "indexUid": index,
                    "q": f'"{word}"',
                    "filter": [*base, among],
                    "limit": len(docs),
                    "matchingStrategy": "all",
                    "attributesToRetrieve": ["id"],
                }
                for word in words
            ]
        )["results"]
        for word, result in zip(words, second, strict=True):
            for hit in result["hits"]:
                score[hit["id"]] += weight[word]
        for key, doc in docs.items():
            title_words = _tokens(doc)
            score[key] += TITLE_BOOST * sum(weight[w] for w in words if w in title_words)
    ranked = sorted(docs, key=lambda k: (-score[k], -int(docs[k].get("score") or 0), k))[:limit]
    crops = _answer_crops(client, index, [docs[k] for k in ranked]) if with_answers else {}
    hits = []
    for key in ranked:
        doc = docs[key]
        answer, body = crops.get(key, ("", ""))
        hits.append(
            hit_from_document(
                doc,
                title_html=_mark(doc["title"], words),
                snippet_html=_mark(body, words),
                answer_html=_mark(answer, words),
            )
        )
    return SearchResults(
        query=query,
        filters=filters,
        hits=hits,
        total=sum(1 for value in score.values() if value >= 0.1) or len(hits),
        page=1,
        per_page=limit,
    )


def _among(docs: Iterable[dict[str, Any]]) -> str:
    """A filter matching exactly these documents (``object_id`` is unique per type)."""
    by_type: dict[str, list[str]] = {}
    for doc in docs:
        by_type.setdefault(doc["type"], []).append(str(int(doc["object_id"])))
    return " OR ".join(
        f'(type = "{kind}" AND object_id IN [{", ".join(ids)}])' for kind, ids in by_type.items()
    )


def _answer_crops(
    client: Any, index: str, docs: list[dict[str, Any]]
) -> dict[str, tuple[str, str]]:
    """The opening of each document's best answer and body, for the contact page."""
    if not docs:
        return {}
    response = client.index(index).search(
        "",
        {
            "filter": _among(docs),
            "limit": len(docs),
            "attributesToRetrieve": ["id"],
            "attributesToCrop": CROP,
            "cropLength": 30,
        },
    )
    crops = {}
    for doc in response["hits"]:
        formatted = doc.get("_formatted") or {}
        answer = formatted.get("accepted_answer") or next(iter(formatted.get("answers") or []), "")
        crops[doc["id"]] = (answer, formatted.get("body") or "")
    return crops


def suggestions(
    query: str, *, filters: SearchFilters, limit: int, with_answers: bool = False
) -> SearchResults:
    """``similar``, or the database's matches when the engine is unreachable."""
    query = clean_text(query, QUERY_MAX)
    try:
        return similar(query, filters=filters, limit=limit, with_answers=with_answers)
    except (MeilisearchError, OSError) as error:
        logger.warning("search engine unavailable, suggesting from the database: %s", error)
        return database_search(query, filters, page=1, per_page=limit)
