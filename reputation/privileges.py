"""Privileges and the role ladder: observer, novice, regular, leader, senior.

Each privilege unlocks at a reputation threshold; staff and super-users
(champions named by staff) hold every privilege of the senior role.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Privilege(models.TextChoices):
    VOTE_UP = "vote_up", gettext_lazy("vote up")
    FLAG = "flag", gettext_lazy("flag posts")
    COMMENT_EVERYWHERE = "comment_everywhere", gettext_lazy("comment everywhere")
    BOUNTY = "bounty", gettext_lazy("offer bounties")
    EDIT_COMMUNITY_WIKI = "edit_community_wiki", gettext_lazy("edit community wiki")
    VOTE_DOWN = "vote_down", gettext_lazy("vote down")
    REVIEW = "review", gettext_lazy("access review queues")
    CREATE_TAGS = "create_tags", gettext_lazy("create tags")
    EDIT_ANY_POST = "edit_any_post", gettext_lazy("edit any post")
    CLOSE_VOTES = "close_votes", gettext_lazy("cast close and reopen votes")
    MODERATOR_TOOLS = "moderator_tools", gettext_lazy("access moderator tools")
    PROTECT_QUESTIONS = "protect_questions", gettext_lazy("protect questions")
    TRUSTED_USER = "trusted_user", gettext_lazy("trusted user")


PRESETS: dict[str, dict[str, int]] = {
    "standard": {
        Privilege.VOTE_UP: 15,
        Privilege.FLAG: 15,
        Privilege.COMMENT_EVERYWHERE: 50,
        Privilege.BOUNTY: 75,
        Privilege.EDIT_COMMUNITY_WIKI: 100,
        Privilege.VOTE_DOWN: 125,
        Privilege.REVIEW: 500,
        Privilege.CREATE_TAGS: 1500,
        Privilege.EDIT_ANY_POST: 2000,
        Privilege.CLOSE_VOTES: 3000,
        Privilege.MODERATOR_TOOLS: 10000,
        Privilege.PROTECT_QUESTIONS: 15000,
        Privilege.TRUSTED_USER: 20000,
    },
    # Like a Stack Exchange beta site: a young community needs members with
    # these tools before anyone could have earned the full thresholds.
    "beta": {
        Privilege.VOTE_UP: 1,
        Privilege.FLAG: 1,
        Privilege.COMMENT_EVERYWHERE: 5,
        Privilege.BOUNTY: 75,
        Privilege.EDIT_COMMUNITY_WIKI: 10,
        Privilege.VOTE_DOWN: 10,
        Privilege.REVIEW: 100,
        Privilege.CREATE_TAGS: 150,
        Privilege.EDIT_ANY_POST: 500,
        Privilege.CLOSE_VOTES: 500,
        Privilege.MODERATOR_TOOLS: 2000,
        Privilege.PROTECT_QUESTIONS: 3500,
        Privilege.TRUSTED_USER: 4000,
    },
}


class Role(models.TextChoices):
    OBSERVER = "observer", gettext_lazy("Observer")
    NOVICE = "novice", gettext_lazy("Novice")
    REGULAR = "regular", gettext_lazy("Regular")
    LEADER = "leader", gettext_lazy("Leader")
    SENIOR = "senior", gettext_lazy("Senior")


ROLE_THRESHOLDS: dict[str, dict[Role, int]] = {
    "standard": {
        Role.OBSERVER: 1,
        Role.NOVICE: 15,
        Role.REGULAR: 125,
        Role.LEADER: 1000,
        Role.SENIOR: 10000,
    },
    "beta": {
        Role.OBSERVER: 1,
        Role.NOVICE: 5,
        Role.REGULAR: 10,
        Role.LEADER: 200,
        Role.SENIOR: 2000,
    },
}


def _preset() -> str:
    preset = str(settings.REPUTATION["PRIVILEGE_PRESET"])
    return preset if preset in PRESETS else "standard"


def thresholds() -> dict[str, int]:
    return PRESETS[_preset()]


def threshold(privilege: Privilege) -> int:
    return thresholds()[privilege]


def role_thresholds() -> list[tuple[Role, int]]:
    return list(ROLE_THRESHOLDS[_preset()].items())


def role_for_reputation(reputation: int) -> Role:
    current = Role.OBSERVER
    for role, minimum in role_thresholds():
        if reputation >= minimum:
            current = role
    return current


def role_of(user: Any) -> Role:
    if user.is_staff or getattr(user, "is_super_user", False):
        return Role.SENIOR
    return role_for_reputation(user.reputation)


def is_trusted_everywhere(user: Any) -> bool:
    """Staff and super-users hold every privilege, whatever their reputation."""
    return bool(user.is_staff or getattr(user, "is_super_user", False))


@dataclass(frozen=True)
class PrivilegeCheck:
    allowed: bool
    privilege: Privilege
    needed: int
    reputation: int

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def reason(self) -> str:
        if self.allowed:
            return ""
        return _(
            "You need the “%(privilege)s” privilege (%(needed)s reputation) to do this; "
            "you have %(have)s."
        ) % {
            "privilege": self.privilege.label,
            "needed": f"{self.needed:,}",
            "have": f"{self.reputation:,}",
        }


def check(user: Any, privilege: Privilege) -> PrivilegeCheck:
    needed = threshold(privilege)
    reputation = int(getattr(user, "reputation", 0) or 0)
    allowed = bool(user.is_authenticated) and (is_trusted_everywhere(user) or reputation >= needed)
    return PrivilegeCheck(allowed, privilege, needed, reputation)


@dataclass(frozen=True)
class LadderStep:
    privilege: Privilege
    needed: int
    role: Role
    has_it: bool


def ladder(user: Any) -> list[LadderStep]:
    """Every privilege in order, with the role it belongs to and whether the user has it."""
    steps = sorted(thresholds().items(), key=lambda item: item[1])
    return [
        LadderStep(
            Privilege(privilege),
            needed,
            role_for_reputation(needed),
            bool(user.is_authenticated and check(user, Privilege(privilege))),
        )
        for privilege, needed in steps
    ]
