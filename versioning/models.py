"""What django-reversion does not record about a revision.

A django-reversion ``Revision`` already holds the author (``user``), the time
(``date_created``) and the edit summary (``comment``); its ``Version`` holds
the serialised fields of the object. ``RevisionInfo`` adds, for each revision
of one versioned object (a post, a wiki page, a FAQ entry), its number in that
object's history (1, 2, 3 …, unique per object: the database refuses two
revisions with one number, so two writers can never both be "revision 4"),
what kind of change it was, and who approved it when someone else's
suggestion was applied.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RevisionKind(models.TextChoices):
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    SUGGESTED_EDIT = "suggested_edit", _("Suggested edit approved")
    COMMUNITY_WIKI = "community_wiki", _("Community wiki changed")
    MOVED = "moved", _("Moved")
    LOCKED = "locked", _("Lock changed")
    STATUS = "status", _("Status changed")
    SOURCE_PULLED = "source_pulled", _("Source answer's change pulled in")
    SOURCE_DISMISSED = "source_dismissed", _("Source answer's change dismissed")
    IMPORTED = "imported", _("Imported")


class RevisionInfo(models.Model):
    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="info"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.BigIntegerField()
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=RevisionKind.choices)
    # A rollback or revert: the revision whose content it restored.
    restored_number = models.PositiveIntegerField(null=True, blank=True)
    # A suggested edit's reviewer, a FAQ entry's second approver.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "number"], name="revision_number_per_object"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id} r{self.number}"
