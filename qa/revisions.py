"""A post's history: every change of its title, body, tags, category or
community-wiki flag is a django-reversion revision (see ``versioning``).

Posts created before history existed (or imported without it) have no
revision until their first change; that change first records the state it
starts from, authored by the post's author at its creation time, so a
rollback can always return to it.
"""

import copy
from datetime import datetime
from typing import Any

from versioning.models import RevisionInfo, RevisionKind
from versioning.services import revision_latest_number, revision_record

from .models import Post


def post_revision_baseline(post: Post) -> None:
    """Record ``post`` as it is now as revision 1 if it has no history yet.

    Call before changing the in-memory post, under its row lock.
    """
    if revision_latest_number(post) == 0:
        revision_record(
            obj=post, author=post.author, kind=RevisionKind.CREATED, created_at=post.created_at
        )


def post_revision_import(
    *,
    post: Post,
    author: Any,
    created_at: datetime,
    summary: str,
    title: str,
    body_source: str,
    tag_names: str,
    kind: RevisionKind = RevisionKind.EDITED,
) -> RevisionInfo:
    """Record one historical revision of ``post`` (for importers), oldest first.

    The post row is left untouched: the historical values are set on a copy
    only for the revision. ``author`` may be None (a deleted account);
    ``created_at`` is the edit's original time; use ``RevisionKind.CREATED``
    for the first revision and ``ROLLED_BACK`` for a Stack Exchange rollback.
    Precondition: inside a transaction holding the post's row lock, after
    the post row itself exists.
    """
    past = copy.copy(post)
    past.title, past.body_source, past.tag_names = title, body_source, tag_names
    return revision_record(
        obj=past, author=author, kind=kind, summary=summary, created_at=created_at
    )
