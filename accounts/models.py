from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(reputation__gte=1), name="reputation_gte_1"),
        ]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return link("accounts:user_detail", pk=self.pk, slug=self.slug)

    @property
    def slug(self) -> str:
        return slugify(self.public_name) or "user"
