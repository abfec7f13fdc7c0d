"""Word stems for the similar-questions ranking, in English and French.

Meilisearch matches words as written (plus typos and a prefix on the last
word), so "networks" never finds "network". Each document carries a
``stems`` field (the Snowball stems of its title, tags and the opening of
its body, in its language) and ``search.similar`` looks stems up in it.
"""

import re
import threading
from functools import lru_cache

import snowballstemmer

from .schema import STOP_WORDS

# The opening of a body states the problem; what follows (logs, code, what
# was tried) adds words that match everything. search_eval: 1,000 characters
# found more originals than 2,000 or the whole body.
BODY_OPENING = 1000

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(STOP_WORDS)
_ALGORITHMS = {"en": "english", "fr": "french"}
# Snowball stemmers keep state while they work: one per thread.
_local = threading.local()


def _stemmer(language: str) -> snowballstemmer.basestemmer.BaseStemmer:
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(_ALGORITHMS.get(language, "english"))
    return stemmers[language]


@lru_cache(maxsize=50_000)
def stem(word: str, language: str) -> str:
    return str(_stemmer(language).stemWord(word))


def words(text: str) -> list[str]:
    """The significant words of ``text``, lowercased: no stop words, no single letters."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in _STOP]


def stems(text: str, language: str) -> list[str]:
    return [stem(word, language) for word in words(text)]


def document_stems(title: str, tags: list[str], body: str, language: str) -> str:
    """The ``stems`` field: the title's and tags' stems first, then the body opening's.

    Title first, so the engine's word-position rule ranks a stem found in a
    title before the same stem in a body when it picks candidates.
    """
    head = stems(" ".join([title, *tags]), language)
    return " ".join(head + stems(body[:BODY_OPENING], language))
