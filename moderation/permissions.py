"""Who may flag, review, vote to close, and use the moderator tools.

Answers are ``qa.permissions.Decision`` values (truthy when allowed, with the
reason when not), built on ``qa.permissions.can_write`` so a suspended member
is refused here as everywhere else. No queries: everything is on the rows.
"""

from typing import Any

from django.utils.translation import gettext as _

from qa.models import Comment, Post
from qa.permissions import ALLOWED, Decision, can_review_suggested_edits, can_write
from reputation.privileges import Privilege, check, is_trusted_everywhere

from .models import ReviewQueue


def _privilege(user: Any, privilege: Privilege) -> Decision:
    result = check(user, privilege)
    return ALLOWED if result else Decision(False, result.reason)


def is_moderator(user: Any) -> bool:
    """Staff and super-users run the moderator tools (flags, log, dashboard)."""
    return bool(user is not None and user.is_authenticated and is_trusted_everywhere(user))


def can_moderate(user: Any) -> Decision:
    decision = can_write(user)
    if decision and not is_moderator(user):
        return Decision(False, _("Only moderators (staff and super-users) can do this."))
    return decision


def can_staff(user: Any) -> Decision:
    """Suspensions, undeletion and the blocked-terms list belong to staff."""
    decision = can_write(user)
    if decision and not user.is_staff:
        return Decision(False, _("Only staff can do this."))
    return decision


def may_flag(user: Any) -> Decision:
    """Whether ``user`` may flag at all (the part that does not depend on the item)."""
    return can_write(user) and _privilege(user, Privilege.FLAG)


def can_flag(user: Any, target: Post | Comment) -> Decision:
    return may_flag(user) and can_flag_item(user, target)


def can_flag_item(user: Any, target: Post | Comment) -> Decision:
    """The item's part of ``can_flag``."""
    if target.author_id == user.pk:
        return Decision(False, _("You cannot flag your own content."))
    if target.is_deleted:
        return Decision(False, _("This has been deleted already."))
    return ALLOWED


def may_vote_close(user: Any) -> Decision:
    return can_write(user) and _privilege(user, Privilege.CLOSE_VOTES)


def can_vote_close(user: Any, question: Post) -> Decision:
    """Casting close and reopen votes (binding for staff and super-users)."""
    return may_vote_close(user) and can_vote_close_on(question)


def can_vote_close_on(question: Post) -> Decision:
    """The question's part of ``can_vote_close``."""
    if not question.is_question:
        return Decision(False, _("Only questions can be closed."))
    if question.is_deleted:
        return Decision(False, _("This post has been deleted."))
    if question.is_locked:
        return Decision(False, _("This question is locked: nobody can change it."))
    return ALLOWED


def may_protect(user: Any) -> Decision:
    return can_write(user) and _privilege(user, Privilege.PROTECT_QUESTIONS)


def can_protect(user: Any, question: Post) -> Decision:
    return may_protect(user) and can_protect_on(question)


def can_protect_on(question: Post) -> Decision:
    """The question's part of ``can_protect``."""
    if not question.is_question:
        return Decision(False, _("Only questions can be protected."))
    if question.is_deleted:
        return Decision(False, _("This post has been deleted."))
    return ALLOWED


def can_review(user: Any, queue: str) -> Decision:
    if queue == ReviewQueue.SUGGESTED_EDITS:
        return can_review_suggested_edits(user)
    decision = can_write(user) and _privilege(user, Privilege.REVIEW)
    if decision and queue in (ReviewQueue.CLOSE_VOTES, ReviewQueue.REOPEN_VOTES):
        return _privilege(user, Privilege.CLOSE_VOTES)
    return decision
