"""The index's settings, declared here and applied by ``manage.py search_setup``.

The same settings serve every community: nothing here knows a product. They
were tuned with ``manage.py search_eval`` on real Stack Exchange dumps (see
the README for the figures).
"""

import re
from typing import Any

# Field order is rank order for the ``attribute`` rule: a word in the title
# (or a FAQ entry's question) outweighs the same word in the body, which
# outweighs it in an answer.
SEARCHABLE_ATTRIBUTES = [
    "title",
    "tags",
    "body",
    "accepted_answer",
    "answers",
    "category_path",
    # Word stems (search.stemming), for similar questions: a search for
    # "network" also finds "networks" there, after every written form.
    "stems",
]
FILTERABLE_ATTRIBUTES = [
    "type",
    "tags",
    "category",
    "is_answered",
    "has_accepted",
    "status",
    "language",
    # Lets ``search.similar`` ask which of its candidates hold a word.
    "object_id",
]
SORTABLE_ATTRIBUTES = ["score", "created_at", "updated_at"]
# Meilisearch's rules, with the community's verdict (the post score) as the
# last tie-breaker: between equally relevant documents the better one wins.
RANKING_RULES = ["words", "typo", "proximity", "attribute", "sort", "exactness", "score:desc"]
TYPO_TOLERANCE = {
    "enabled": True,
    "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
    # Error codes, versions and model numbers must match exactly.
    "disableOnNumbers": True,
}
# How many words a search may drop, least frequent kept first: a customer's
# long sentence still finds the question that shares its rare words.
MATCHING_STRATEGY = "frequency"

# Function words that carry no meaning for matching, in both languages.
STOP_WORDS_EN = [
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "do", "does",
    "did", "for", "from", "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its",
    "me", "my", "of", "on", "or", "so", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "to", "was", "we", "were", "what", "when", "where", "which", "who", "why",
    "will", "with", "would", "you", "your", "am", "any",
]  # fmt: skip
STOP_WORDS_FR = [
    "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "en",
    "est", "et", "il", "ils", "je", "la", "le", "les", "leur", "leurs", "lui", "ma", "mais", "me",
    "mes", "moi", "mon", "ne", "nous", "on", "ou", "par", "pas", "pour", "qu", "que", "qui", "sa",
    "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos", "votre",
    "vous", "y", "avoir", "ai", "as", "avons", "avez", "ont",
]  # fmt: skip
STOP_WORDS = sorted(set(STOP_WORDS_EN) | set(STOP_WORDS_FR))

# Words everyone uses interchangeably in support questions, in English and
# French; staff add their community's own in the admin (search.Synonym).
BUILT_IN_SYNONYMS = [
    ["error", "erreur"],
    ["login", "log in", "sign in", "connexion", "se connecter"],
    ["password", "mot de passe"],
    ["account", "compte"],
    ["invoice", "facture"],
    ["refund", "remboursement"],
    ["delete", "remove", "supprimer"],
    ["crash", "plante"],
]


def synonyms_setting(groups: list[list[str]]) -> dict[str, list[str]]:
    """Meilisearch's synonym map for mutual groups: each term maps to the others."""
    mapping: dict[str, set[str]] = {}
    for group in groups:
        terms = sorted({term.strip().lower() for term in group if term.strip()})
        for term in terms:
            mapping.setdefault(term, set()).update(t for t in terms if t != term)
    return {term: sorted(others) for term, others in sorted(mapping.items()) if others}


def index_settings(synonym_groups: list[list[str]]) -> dict[str, Any]:
    return {
        "searchableAttributes": SEARCHABLE_ATTRIBUTES,
        "filterableAttributes": FILTERABLE_ATTRIBUTES,
        "sortableAttributes": SORTABLE_ATTRIBUTES,
        "rankingRules": RANKING_RULES,
        "typoTolerance": TYPO_TOLERANCE,
        "stopWords": STOP_WORDS,
        "synonyms": synonyms_setting(BUILT_IN_SYNONYMS + synonym_groups),
        "faceting": {"maxValuesPerFacet": 50, "sortFacetValuesBy": {"*": "count"}},
        "pagination": {"maxTotalHits": 1000},
        # Word pairs' distances are the costliest part of indexing; whether two
        # words share a field is enough for the proximity rule here (search_bench:
        # indexing about a quarter faster with both settings below).
        "proximityPrecision": "byAttribute",
        # The facets' values are listed, never searched.
        "facetSearch": False,
    }


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_EN_MARKERS = set(STOP_WORDS_EN) - set(STOP_WORDS_FR)
_FR_MARKERS = set(STOP_WORDS_FR) - set(STOP_WORDS_EN)


def detect_language(text: str) -> str:
    """``"en"`` or ``"fr"``, by which language's function words the text uses more."""
    words = _WORD.findall(text[:2000].lower())
    english = sum(word in _EN_MARKERS for word in words)
    french = sum(word in _FR_MARKERS for word in words)
    return "fr" if french > english else "en"
