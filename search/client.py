"""Meilisearch clients: the admin one for the server side, a search-only one for queries.

The admin key (``MEILISEARCH_API_KEY``, the master key locally) never leaves
the server. Queries, and anything that may one day reach a browser, use a key
that can only search this site's index; ``search_setup`` creates it with a
fixed uid so every process finds the same one.
"""

import uuid
from functools import lru_cache

import meilisearch
from django.conf import settings
from meilisearch.index import Index


def index_name() -> str:
    return str(settings.SEARCH["INDEX"])


def admin_client(timeout: float | None = None) -> meilisearch.Client:
    config = settings.SEARCH
    return meilisearch.Client(
        config["URL"],
        config["API_KEY"] or None,
        timeout=timeout or config["TIMEOUT"],  # type: ignore[arg-type]  # requests takes floats
    )


def admin_index() -> Index:
    return admin_client().index(index_name())


def search_key_uid(index: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"entraide-search-key:{index}"))


def ensure_search_key(client: meilisearch.Client, index: str) -> str | None:
    """Create the search-only key for ``index`` if missing; return its value.

    None when the server runs without a master key (then no key is needed).
    """
    if not settings.SEARCH["API_KEY"]:
        return None
    uid = search_key_uid(index)
    try:
        return str(client.get_key(uid).key)
    except meilisearch.errors.MeilisearchApiError as error:
        if error.code != "api_key_not_found":
            raise
    created = client.create_key(
        {
            "uid": uid,
            "name": f"Entraide search ({index})",
            "description": "Search only, this site's index only; safe for browsers.",
            "actions": ["search"],
            "indexes": [index],
            "expiresAt": None,
        }
    )
    return str(created.key)


@lru_cache(maxsize=8)
def _search_key(url: str, admin_key: str, index: str) -> str | None:
    return ensure_search_key(admin_client(), index)


def search_client() -> meilisearch.Client:
    """A client holding only the search-only key (one key look-up per process)."""
    config = settings.SEARCH
    key = _search_key(config["URL"], config["API_KEY"], index_name())
    return meilisearch.Client(config["URL"], key, timeout=config["TIMEOUT"])
