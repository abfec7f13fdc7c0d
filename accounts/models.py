from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from entraide.links import link


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    FRENCH = "fr", "Français"


class User(AbstractUser):
    """A member. Log-in is by username; e-mail is unique so it can be claimed."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    # Cached total of the reputation ledger (issue: reputation); moved with
    # F() expressions only.
    reputation = models.IntegerField(default=1)
    # A champion named by staff: holds the senior role's tools whatever the reputation.
    is_super_user = models.BooleanField(default=False)
    preferred_language = models.CharField(
        max_length=8, choices=Language.choices, default=Language.ENGLISH
    )
    # The current suspension, copied from moderation.Suspension so every
    # permission check reads it from the request's user row without a query.
    suspended_until = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=500, blank=True)
    # Private messages from moderators not read yet (moved with F()).
    unread_moderator_messages = models.IntegerField(default=0)
    # "About me" on the profile: Markdown source and its sanitised HTML
    # (entraide.rendering), as for posts; and the member's own web site.
    about_source = models.TextField(_("about me"), blank=True)
    about_html = models.TextField(blank=True)
    website_url = models.URLField(_("web site"), blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(reputation__gte=1), name="reputation_gte_1"),
            models.CheckConstraint(
                condition=models.Q(unread_moderator_messages__gte=0),
                name="unread_moderator_messages_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return link("accounts:user_detail", pk=self.pk, slug=self.slug)

    @property
    def slug(self) -> str:
        return slugify(self.public_name) or "user"
