"""Badges: awarded by rules right after the event that can earn them.

Placeholder seam; the badge rules are being written (reputation issue).
"""

from typing import Any


def badges_after_vote(*, vote: Any, post: Any) -> None:
    """Evaluate the badges a vote can earn (voter and post author)."""


def badges_after_accept(*, question: Any, answer: Any, accepter: Any) -> None:
    """Evaluate the badges an acceptance can earn."""


def badges_after_comment(*, comment: Any) -> None:
    """Evaluate the badges a comment can earn."""


def badges_after_edit(*, post: Any, editor: Any) -> None:
    """Evaluate the badges an edit can earn."""


def badges_after_answer(*, answer: Any) -> None:
    """Evaluate the badges posting an answer can earn."""
