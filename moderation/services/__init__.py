"""Moderation actions, one transaction each (see the modules for the rules)."""

from .closing import (
    CloseVoteResult,
    close_vote_cast,
    post_lock,
    post_unlock,
    question_protect,
    question_unprotect,
    reopen_vote_cast,
)
from .flags import comment_delete, comment_undelete, flag_create, flags_resolve
from .members import (
    blocked_term_add,
    blocked_term_remove,
    moderator_message_read,
    moderator_message_send,
    user_suspend,
    user_unsuspend,
)
from .review import ACTIONS, TASK_QUEUES, review_decide, review_next

__all__ = [
    "ACTIONS",
    "TASK_QUEUES",
    "CloseVoteResult",
    "blocked_term_add",
    "blocked_term_remove",
    "close_vote_cast",
    "comment_delete",
    "comment_undelete",
    "flag_create",
    "flags_resolve",
    "moderator_message_read",
    "moderator_message_send",
    "post_lock",
    "post_unlock",
    "question_protect",
    "question_unprotect",
    "reopen_vote_cast",
    "review_decide",
    "review_next",
    "user_suspend",
    "user_unsuspend",
]
