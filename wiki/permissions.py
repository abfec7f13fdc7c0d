"""Who may change the wiki and the FAQ. Anyone can read both.

Answers are ``qa.permissions.Decision``: truthy when allowed, with the reason
when not; services ``require()`` them, templates use them to show buttons.
"""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from qa.permissions import ALLOWED, Decision, can_write
from reputation.privileges import is_trusted_everywhere

from .models import FaqEntry, WikiPage


def _wiki_rule(name: str) -> int:
    return int(settings.WIKI[name])


def can_edit_wiki_page(user: Any, page: WikiPage | None = None) -> Decision:
    """Staff, super-users and members from ``WIKI["EDIT_MIN_REPUTATION"]``
    edit pages (and add pages under them); a locked page only staff."""
    decision = can_write(user)
    if not decision:
        return decision
    if page is not None and page.is_locked and not user.is_staff:
        return Decision(False, _("This page is locked by staff; only staff can change it."))
    needed = _wiki_rule("EDIT_MIN_REPUTATION")
    if is_trusted_everywhere(user) or user.reputation >= needed:
        return ALLOWED
    return Decision(
        False,
        _("Editing the wiki needs %(needed)s reputation; you have %(have)s.")
        % {"needed": f"{needed:,}", "have": f"{user.reputation:,}"},
    )


def can_lock_wiki_page(user: Any) -> Decision:
    decision = can_write(user)
    if decision and not user.is_staff:
        return Decision(False, _("Only staff can lock or unlock wiki pages."))
    return decision


def can_curate_faq(user: Any) -> Decision:
    """Staff and super-users write, promote, review and publish FAQ entries."""
    decision = can_write(user)
    if decision and not is_trusted_everywhere(user):
        return Decision(False, _("Only staff and super-users can curate the FAQ."))
    return decision


def can_approve_faq_entry(user: Any, entry: FaqEntry) -> Decision:
    """With ``FAQ["REQUIRE_SECOND_APPROVAL"]``, whoever sent an entry to review
    cannot also approve it: a second staff member or a super-user does."""
    decision = can_curate_faq(user)
    if decision and settings.FAQ["REQUIRE_SECOND_APPROVAL"] and entry.submitted_by_id == user.pk:
        return Decision(
            False,
            _("A second staff member or a super-user must approve an entry you submitted."),
        )
    return decision


def can_see_helpful_counts(user: Any) -> bool:
    """Staff and super-users see how many found a page helpful; visitors only answer."""
    return user.is_authenticated and is_trusted_everywhere(user)


def can_stamp_verified(user: Any) -> Decision:
    decision = can_write(user)
    if decision and not user.is_staff:
        return Decision(False, _("Only support staff can stamp content as verified."))
    return decision
