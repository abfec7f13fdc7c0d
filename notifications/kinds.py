"""The kinds of notification: what happened, said from the recipient's side.

A kind is a code-only registry (no database choices), so another app adds its
own kind here without a migration. Each kind names itself for the inbox and
for the e-mail preferences page; ``notify`` refuses a kind that is not listed.

Kinds for other features to use:

* ``faq_promoted`` — staff promoted the recipient's answer into the FAQ
  (actor: the staff member, target: the FAQ entry or the answer).
* ``moderator_message`` — a moderator wrote to the recipient (actor: the
  moderator, target: none or the post concerned, ``body``: the message text,
  ``url``: where to read it).
* ``post_closed`` / ``post_reopened`` — the recipient's question was closed
  or reopened (target: the question, ``body``: the reason).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class Kind:
    slug: str
    # The preferences page: "Answers to my questions".
    label: "str | _StrPromise"
    # The inbox line, with %(actor)s and %(title)s.
    message: "str | _StrPromise"


KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind("answer", _("Answers to my questions"), _("%(actor)s answered “%(title)s”")),
        Kind("comment", _("Comments on my posts"), _("%(actor)s commented on “%(title)s”")),
        Kind(
            "reply",
            _("Replies to my comments"),
            _("%(actor)s replied to your comment on “%(title)s”"),
        ),
        Kind("mention", _("Mentions of me"), _("%(actor)s mentioned you in “%(title)s”")),
        Kind(
            "accepted", _("My answer accepted"), _("%(actor)s accepted your answer to “%(title)s”")
        ),
        Kind("edit", _("Edits to my posts"), _("%(actor)s edited your post “%(title)s”")),
        Kind("badge", _("Badges I earn"), _("You earned the “%(title)s” badge")),
        Kind("privilege", _("Privileges I earn"), _("You can now %(title)s")),
        Kind(
            "faq_promoted",
            _("My answer promoted to the FAQ"),
            _("%(actor)s promoted your answer to the FAQ: “%(title)s”"),
        ),
        Kind(
            "edit_approved",
            _("My suggested edits approved"),
            _("%(actor)s approved your suggested edit of “%(title)s”"),
        ),
        Kind(
            "edit_rejected",
            _("My suggested edits rejected"),
            _("%(actor)s rejected your suggested edit of “%(title)s”"),
        ),
        Kind("moderator_message", _("Messages from moderators"), _("A moderator wrote to you")),
        Kind("post_closed", _("My question closed"), _("Your question “%(title)s” was closed")),
        Kind(
            "post_reopened", _("My question reopened"), _("Your question “%(title)s” was reopened")
        ),
        Kind(
            "followed_answer",
            _("New answers on questions I follow"),
            _("%(actor)s answered “%(title)s”, which you follow"),
        ),
        Kind(
            "followed_question",
            _("New questions in tags and categories I follow"),
            _("%(actor)s asked “%(title)s”"),
        ),
        Kind(
            "idea_status",
            _("Status changes of ideas I follow"),
            _("The idea “%(title)s” has a new status"),
        ),
    )
}


def kind_get(slug: str) -> Kind:
    try:
        return KINDS[slug]
    except KeyError:
        raise ValueError(
            f"“{slug}” is not a notification kind (see notifications.kinds)."
        ) from None
