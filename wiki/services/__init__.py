"""Domain actions of the wiki and the FAQ (one transaction each).

Split by subject; import them from here: ``from wiki import services``.
"""

from .faq import (
    faq_entry_approve,
    faq_entry_create,
    faq_entry_edit,
    faq_entry_return_to_draft,
    faq_entry_revert,
    faq_entry_submit,
    faq_entry_unpublish,
    faq_promote,
    faq_source_dismiss,
    faq_source_pull,
)
from .helpful import helpful_vote
from .pages import (
    wiki_page_create,
    wiki_page_edit,
    wiki_page_move,
    wiki_page_revert,
    wiki_page_set_locked,
    wiki_root,
)
from .verification import stamp_remove, stamp_verify

__all__ = [
    "faq_entry_approve",
    "faq_entry_create",
    "faq_entry_edit",
    "faq_entry_return_to_draft",
    "faq_entry_revert",
    "faq_entry_submit",
    "faq_entry_unpublish",
    "faq_promote",
    "faq_source_dismiss",
    "faq_source_pull",
    "helpful_vote",
    "stamp_remove",
    "stamp_verify",
    "wiki_page_create",
    "wiki_page_edit",
    "wiki_page_move",
    "wiki_page_revert",
    "wiki_page_set_locked",
    "wiki_root",
]
