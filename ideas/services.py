"""Ideas: propose, vote (support), follow, and the staff's status with a public note."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from entraide.errors import ApplicationError
from entraide.rendering import render_markdown
from notifications.services import notify_many
from qa import validators
from qa.models import Category, Post

from .models import Idea, IdeaFollower, IdeaStatus, IdeaStatusChange, IdeaVote

NOTE_MAX = 2000


def _member(user: Any) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("You must log in first."))


def _follow(user_id: int, idea_id: int) -> None:
    IdeaFollower.objects.bulk_create(
        [IdeaFollower(user_id=user_id, idea_id=idea_id)], ignore_conflicts=True
    )


@transaction.atomic
def idea_propose(*, author: Any, title: str, body: str, category: Category | None = None) -> Idea:
    """Propose an idea (same title and body rules as a question); the author follows it."""
    _member(author)
    errors: dict[str, Any] = {}
    try:
        title = validators.clean_title(title)
    except ValidationError as error:
        errors["title"] = error
    try:
        body = validators.clean_body(body)
    except ValidationError as error:
        errors["body"] = error
    if errors:
        raise ValidationError(errors)
    idea = Idea.objects.create(
        author=author,
        title=title,
        slug=Post.slug_for(title),
        body_source=body,
        body_html=render_markdown(body),
        category=category,
    )
    _follow(author.pk, idea.pk)
    return idea


@transaction.atomic
def idea_vote(*, user: Any, idea: Idea, support: bool = True) -> int:
    """Support an idea (``support=False`` takes the vote back); return its vote count.

    One vote per member per idea is a unique constraint; the count moves with
    ``F()`` under a lock on the idea row. Voters follow the idea.
    """
    _member(user)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.author_id == user.pk:
        raise PermissionDenied(_("You cannot vote for your own idea."))
    if not idea.is_votable:
        raise ApplicationError(
            _("This idea is %(status)s; it no longer takes votes.")
            % {"status": idea.get_status_display().lower()},
            code="idea_settled",
        )
    if support:
        try:
            with transaction.atomic():
                IdeaVote.objects.create(user=user, idea=idea)
        except IntegrityError:
            raise ApplicationError(
                _("You already support this idea."), code="already_voted"
            ) from None
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1)
        _follow(user.pk, idea.pk)
    else:
        deleted, _rows = IdeaVote.objects.filter(user=user, idea=idea).delete()
        if not deleted:
            raise ApplicationError(_("You do not support this idea."), code="not_voted")
        Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") - 1)
    return Idea.objects.values_list("vote_count", flat=True).get(pk=idea.pk)


@transaction.atomic
def idea_follow(*, user: Any, idea: Idea, follow: bool = True) -> None:
    _member(user)
    if follow:
        _follow(user.pk, idea.pk)
    else:
        IdeaFollower.objects.filter(user_id=user.pk, idea=idea).delete()


@transaction.atomic
def idea_set_status(*, staff: Any, idea: Idea, status: str, note: str) -> Idea:
    """Staff set an idea's status with a public note; every follower is notified."""
    if not (staff.is_authenticated and staff.is_staff):
        raise PermissionDenied(_("Only staff can set the status of an idea."))
    note = (note or "").strip()
    errors: dict[str, str] = {}
    if status not in IdeaStatus.values:
        errors["status"] = _("Choose one of the statuses listed.")
    if not note:
        errors["note"] = _("Explain the status to the community in a public note.")
    elif len(note) > NOTE_MAX:
        errors["note"] = _("The note must be at most %(max)s characters (you wrote %(len)s).") % {
            "max": f"{NOTE_MAX:,}",
            "len": f"{len(note):,}",
        }
    if errors:
        raise ValidationError(errors)
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if idea.status == status and idea.status_note == note:
        raise ApplicationError(_("The idea already has this status and note."), code="unchanged")
    now = timezone.now()
    Idea.objects.filter(pk=idea.pk).update(status=status, status_note=note, status_changed_at=now)
    IdeaStatusChange.objects.create(
        idea=idea, status=status, note=note, changed_by=staff, changed_at=now
    )
    idea.refresh_from_db()
    notify_many(
        IdeaFollower.objects.filter(idea=idea).values_list("user_id", flat=True),
        "idea_status",
        staff,
        idea,
        body=f"{idea.get_status_display()}: {note}",
    )
    return idea
