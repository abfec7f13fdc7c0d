import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from entraide.links import link


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    FRENCH = "fr", "Français"


def avatar_path(instance: "User", filename: str) -> str:
    # A new name per upload, so a cached old picture is never served for a new one.
    return f"avatars/{instance.pk}-{uuid.uuid4().hex[:12]}.png"


class User(AbstractUser):
    """A member. Log-in is by username or e-mail; e-mail is unique so it can be claimed."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    # Cached total of the reputation ledger (issue: reputation); moved with
    # F() expressions only.
    reputation = models.IntegerField(default=1)
    # A champion named by staff: holds the senior role's tools whatever the reputation.
    is_super_user = models.BooleanField(default=False)
    preferred_language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.ENGLISH
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
    location = models.CharField(_("location"), max_length=100, blank=True)
    # Empty: a generated identicon is shown instead (no third-party avatar service).
    avatar = models.ImageField(upload_to=avatar_path, blank=True)
    # The policy versions the member last accepted (the full log is
    # privacy.Consent); kept here so checking them on each page costs no query.
    terms_version = models.CharField(max_length=32, blank=True)
    privacy_version = models.CharField(max_length=32, blank=True)
    # Notification e-mail consent lives in notifications.MailPreference (off
    # until chosen there, at sign-up or on the privacy page).
    # Set when the account was erased: the row stays as "user<id>" so the
    # member's posts keep an author, and holds nothing personal any more.
    erased_at = models.DateTimeField(null=True, blank=True)

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

    @property
    def avatar_url(self) -> str:
        version = self.avatar.name.rsplit("-", 1)[-1].split(".")[0] if self.avatar else "id"
        return link("accounts:avatar", pk=self.pk) + f"?v={version}"

    def get_absolute_url(self) -> str:
        return link("accounts:user_detail", pk=self.pk, slug=self.slug)

    @property
    def slug(self) -> str:
        return slugify(self.public_name) or "user"


class LoginRecord(models.Model):
    """One successful log-in, for the member's own login history.

    Holds no IP address: only a pseudonym of the session (a keyed hash that
    cannot be turned back into the session key) and the browser family.
    Purged after ``PRIVACY["LOGIN_HISTORY_DAYS"]``.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_records")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    session = models.CharField(max_length=16)
    method = models.CharField(max_length=32)
    browser = models.CharField(max_length=40, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="login_user_time_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} logged in at {self.created_at:%Y-%m-%d %H:%M}"
