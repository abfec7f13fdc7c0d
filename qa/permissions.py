"""Who may do what in the Q&A core.

Each ``can_<verb>_<entity>`` answers with a ``Decision`` that is truthy when
allowed and carries the reason when not; services call ``require()`` so a
refusal always reaches the user as ``PermissionDenied(reason)``. Templates use
the same functions to decide which buttons to show.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from reputation.privileges import Privilege, check, is_trusted_everywhere

from .models import Post


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def require(decision: Decision) -> None:
    if not decision:
        raise PermissionDenied(decision.reason)


def can_write(user: Any) -> Decision:
    """May ``user`` change anything at all? Every writing permission starts
    here, in this app and the others: visitors, closed accounts and
    suspended members are refused (no query: all on the user row)."""
    if user is None or not user.is_authenticated:
        return Decision(False, _("You must log in first."))
    if not user.is_active:
        return Decision(False, _("Your account is not active."))
    if user.is_suspended:
        return Decision(
            False,
            _(
                "Your account is suspended until %(until)s UTC: %(reason)s "
                "You can read the site but not post, vote, comment, edit or flag until then."
            )
            % {
                "until": f"{user.suspended_until:%d %b %Y %H:%M}",
                "reason": user.suspension_reason,
            },
        )
    return ALLOWED


_member = can_write


def _live(post: Post) -> Decision:
    if post.is_deleted:
        return Decision(False, _("This post has been deleted."))
    return ALLOWED


def _unlocked(post: Post) -> Decision:
    if post.is_locked:
        return Decision(
            False,
            _("This post is locked (%(reason)s): nobody can change it.")
            % {"reason": post.lock_reason or post.get_lock_kind_display() or _("a dispute")},
        )
    return ALLOWED


def _answerable(user: Any, question: Post) -> Decision:
    if question.is_closed:
        return Decision(False, _("This question is closed: it takes no new answers."))
    if (
        question.is_protected
        and not is_trusted_everywhere(user)
        and user.reputation < int(settings.MODERATION["PROTECTED_MIN_REPUTATION"])
    ):
        return Decision(
            False,
            _(
                "This question is protected: answering it needs %(needed)s reputation "
                "(you have %(have)s)."
            )
            % {
                "needed": settings.MODERATION["PROTECTED_MIN_REPUTATION"],
                "have": user.reputation,
            },
        )
    return ALLOWED


def _privilege(user: Any, privilege: Privilege) -> Decision:
    result = check(user, privilege)
    return ALLOWED if result else Decision(False, result.reason)


def can_ask_question(user: Any) -> Decision:
    return _member(user)


def can_answer_question(user: Any, question: Post) -> Decision:
    decision = _member(user) and _live(question) and _unlocked(question)
    return decision and _answerable(user, question)


def can_comment_post(user: Any, post: Post, *, question_author_id: int | None = None) -> Decision:
    """Anyone may comment on their own posts and on answers to their own
    question; elsewhere commenting is a privilege."""
    decision = _member(user) and _live(post) and _unlocked(post)
    if not decision or user.pk in (post.author_id, question_author_id):
        return decision
    return _privilege(user, Privilege.COMMENT_EVERYWHERE)


def can_vote_post(user: Any, post: Post, value: int = 1) -> Decision:
    """Voting up, down, or retracting (``value`` 0, always allowed once voted)."""
    decision = _member(user) and _live(post) and _unlocked(post)
    if decision and post.author_id == user.pk:
        return Decision(False, _("You cannot vote on your own post."))
    if decision and value:
        return _privilege(user, Privilege.VOTE_UP if value > 0 else Privilege.VOTE_DOWN)
    return decision


def can_create_tags(user: Any) -> Decision:
    return _privilege(user, Privilege.CREATE_TAGS)


def can_accept_answer(user: Any, question: Post) -> Decision:
    decision = _member(user) and _live(question) and _unlocked(question)
    if decision and not (question.author_id == user.pk or user.is_staff):
        return Decision(False, _("Only the person who asked the question can accept an answer."))
    return decision


def can_edit_post(user: Any, post: Post) -> Decision:
    """Authors and staff edit; so do members with "edit any post", and on
    community-wiki posts members with "edit community wiki". Nobody edits a
    locked post (a moderator unlocks it first)."""
    decision = _member(user) and _live(post) and _unlocked(post)
    if not decision or post.author_id == user.pk or user.is_staff:
        return decision
    privilege = Privilege.EDIT_COMMUNITY_WIKI if post.is_community_wiki else Privilege.EDIT_ANY_POST
    return _privilege(user, privilege)


def can_suggest_edit(user: Any, post: Post) -> Decision:
    """Members who may not edit a post may suggest an edit to it."""
    decision = _member(user) and _live(post) and _unlocked(post)
    if decision and can_edit_post(user, post):
        return Decision(False, _("You can edit this post directly."))
    return decision


def can_review_suggested_edit(user: Any, suggestion: Any, post: Post) -> Decision:
    """Members with "edit any post" (and staff) review suggested edits; a
    post's author may review those made to their own post."""
    decision = _member(user) and _unlocked(post)
    if decision and suggestion.author_id == user.pk:
        return Decision(False, _("You cannot review your own suggested edit."))
    if not decision or post.author_id == user.pk or user.is_staff:
        return decision
    return _privilege(user, Privilege.EDIT_ANY_POST)


def can_review_suggested_edits(user: Any) -> Decision:
    """Who sees the review queue of suggested edits."""
    return _member(user) and (
        ALLOWED if user.is_staff else _privilege(user, Privilege.EDIT_ANY_POST)
    )


def can_set_community_wiki(user: Any, post: Post, is_community_wiki: bool = True) -> Decision:
    """An author may make their post community wiki; only staff undo it."""
    decision = _member(user) and _live(post) and _unlocked(post)
    if not decision or user.is_staff:
        return decision
    if is_community_wiki and post.author_id == user.pk:
        return decision
    if is_community_wiki:
        return Decision(False, _("Only the author or staff can make a post community wiki."))
    return Decision(False, _("Only staff can turn community wiki off."))


def can_delete_post(user: Any, post: Post) -> Decision:
    decision = _member(user) and _live(post)
    if decision and not (post.author_id == user.pk or user.is_staff):
        return Decision(False, _("You can only delete your own posts."))
    if decision and post.is_locked and not user.is_staff:
        return _unlocked(post)
    return decision


def can_undelete_post(user: Any, post: Post) -> Decision:
    decision = _member(user)
    if decision and not user.is_staff:
        return Decision(False, _("Only staff can undelete posts."))
    if decision and not post.is_deleted:
        return Decision(False, _("This post is not deleted."))
    return decision


def can_view_post(user: Any, post: Post) -> bool:
    """Deleted posts stay visible to their author and to staff."""
    if not post.is_deleted:
        return True
    return bool(user and user.is_authenticated and (user.pk == post.author_id or user.is_staff))
