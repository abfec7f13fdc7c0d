"""Similar questions: the ask page's suggestions and the contact page's answers.

A customer's title is a sentence, not keywords. Meilisearch's bucket ranking
requires every word or drops words by position or frequency, and on real
duplicate pairs (``manage.py search_eval``) it found the original less often
than plain BM25. So this ranks with BM25F over word stems, using the engine
for every look-up, in one multi-search request:

1. the customer's words are stemmed in their language (``search.stemming``);
   for each stem, an exact look-up in the documents' ``stems`` field gives
   its document frequency (exact: a facet count, which no result cap
   limits) and the ``CANDIDATES_PER_WORD`` documents where it matters most
   (in a title first, then by the community's score); when these are too
   few, the customer's text through the configured ranking adds its matches
   (a word still being typed is a prefix; a mistyped one a typo);
2. each candidate's own ``stems`` field says how often each stem occurs in
   its title and in the opening of its body, and BM25F scores it: the
   stem's rarity (IDF) times its saturated, length-normalised frequency,
   a title occurrence counting ``TITLE_WEIGHT`` times. The post score
   breaks ties.

The constants are the textbook BM25 ones (k1 = 1.2, b = 0.75; 0.5 for
titles, which are short anyway) and a doubled title: nothing is fitted to a
community.
"""

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

from meilisearch.errors import MeilisearchError

from .client import index_name, search_client
from .schema import detect_language
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
from .stemming import stem, stems, words

logger = logging.getLogger("search")

# search_eval: 10 candidates per stem found more originals than 20 or 40, and faster.
CANDIDATES_PER_WORD = 10
MAX_WORDS = 10
TITLE_WEIGHT = 2.0
K1 = 1.2
B_TITLE = 0.5
B_BODY = 0.75
CROP = ["accepted_answer", "answers", "body"]
RETRIEVE = [*ATTRIBUTES_TO_RETRIEVE, "stems", "language"]


def query_words(query: str) -> list[str]:
    """The significant words of a query, once each, at most ``MAX_WORDS``."""
    return list(dict.fromkeys(words(query)))[:MAX_WORDS]


def _mark(text: str, marked: list[str]) -> str:
    """``text`` escaped, with the query's words marked."""
    if not marked:
        return marked_html(text)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, marked)) + r")\b", re.IGNORECASE)
    return marked_html(pattern.sub(lambda m: f"{PRE}{m.group(1)}{POST}", text))


def _count(result: dict[str, Any]) -> int:
    """How many documents matched: the facet count is exact, ``estimatedTotalHits`` capped."""
    by_type = (result.get("facetDistribution") or {}).get("type")
    return sum(by_type.values()) if by_type else int(result.get("estimatedTotalHits") or 0)


def _bm25f(
    docs: dict[str, dict[str, Any]], terms: list[str], idf: dict[str, float]
) -> dict[str, float]:
    """Each candidate's BM25F score for ``terms`` from its own ``stems`` field."""
    fields = {}
    for key, doc in docs.items():
        language = doc.get("language") or "en"
        title = Counter(stems(" ".join([doc["title"], *doc.get("tags", [])]), language))
        body = Counter((doc.get("stems") or "").split())
        body.subtract(title)  # the field holds the title's stems first
        fields[key] = (title, body, title.total(), max(0, body.total()))
    count = len(fields) or 1
    mean_title = sum(f[2] for f in fields.values()) / count or 1.0
    mean_body = sum(f[3] for f in fields.values()) / count or 1.0
    scores = {}
    for key, (title, body, title_length, body_length) in fields.items():
        score = 0.0
        for term in terms:
            frequency = TITLE_WEIGHT * title[term] / (
                1 - B_TITLE + B_TITLE * title_length / mean_title
            ) + max(0, body[term]) / (1 - B_BODY + B_BODY * body_length / mean_body)
            if frequency:
                score += idf[term] * frequency * (K1 + 1) / (frequency + K1)
        scores[key] = score
    return scores


def similar(
    query: str, *, filters: SearchFilters, limit: int, with_answers: bool = False
) -> SearchResults:
    """The documents most like ``query``; raises the engine's errors (see ``suggestions``)."""
    language = detect_language(query)
    marked = query_words(query)
    terms = list(dict.fromkeys(stem(word, language) for word in marked))
    base = filters.engine_filter()
    index = index_name()
    client = search_client()

    def q(**params: Any) -> dict[str, Any]:
        return {"indexUid": index, "filter": list(base), **params}

    results = client.multi_search(
        [
            q(q="", limit=0, facets=["type"]),  # how many documents: N in the IDF
            q(q=query, limit=CANDIDATES_PER_WORD, attributesToRetrieve=RETRIEVE),
            *(
                q(
                    q=f'"{term}"',
                    attributesToSearchOn=["stems"],
                    matchingStrategy="all",
                    limit=CANDIDATES_PER_WORD,
                    facets=["type"],
                    attributesToRetrieve=RETRIEVE,
                )
                for term in terms
            ),
        ]
    )["results"]
    total = _count(results[0])
    # Keyed by document id: a question and a FAQ entry may share an object id.
    docs: dict[str, dict[str, Any]] = {}
    idf: dict[str, float] = {}
    for term, result in zip(terms, results[2:], strict=True):
        frequency = _count(result)
        idf[term] = math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))
        for doc in result["hits"]:
            docs.setdefault(doc["id"], doc)
    score = _bm25f(docs, terms, idf)
    if len(docs) < limit:
        # Whole words found too little: a word still being typed (a prefix)
        # or mistyped; the configured ranking's matches fill in, in its order.
        for position, doc in enumerate(results[1]["hits"]):
            docs.setdefault(doc["id"], doc)
            score.setdefault(doc["id"], 0.01 / (1 + position))
    ranked = sorted(docs, key=lambda k: (-score[k], -int(docs[k].get("score") or 0), k))[:limit]
    crops = _answer_crops(client, index, [docs[k] for k in ranked]) if with_answers else {}
    hits = []
    for key in ranked:
        doc = docs[key]
        answer, body = crops.get(key, ("", ""))
        hits.append(
            hit_from_document(
                doc,
                title_html=_mark(doc["title"], marked),
                snippet_html=_mark(body, marked),
                answer_html=_mark(answer, marked),
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
