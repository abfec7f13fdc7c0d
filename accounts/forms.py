from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from moderation.forms import HumanCheckMixin
from notifications.preferences import mail_consent_set
from privacy.forms import policies_label
from privacy.services import policies_accept

from .models import Language, User
from .services import ABOUT_MAX


class SignupForm(HumanCheckMixin, AllauthSignupForm):
    """allauth's sign-up plus a display name and the consents (GDPR art. 7)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        required=False,
        help_text=_("Shown next to your posts. Leave empty to use your username."),
    )
    accept_policies = forms.BooleanField(
        label="",
        required=True,
        error_messages={"required": _("You need to accept the terms and privacy policy.")},
    )
    email_notifications = forms.BooleanField(
        label=_("Send me e-mail notifications (answers, comments). You can change this later."),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_policies"].label = policies_label()
        consents = ["accept_policies", "email_notifications"]
        self.order_fields([name for name in self.fields if name not in consents] + consents)

    def custom_signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])
        policies_accept(user=user)
        if self.cleaned_data["email_notifications"]:
            mail_consent_set(user=user, granted=True)


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=60, required=False)
    about = forms.CharField(
        label=_("About me"),
        required=False,
        max_length=ABOUT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. Shown on your public profile."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    location = forms.CharField(label=_("Location"), max_length=100, required=False)
    preferred_language = forms.ChoiceField(label=_("Language"), choices=Language.choices)


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=_("Picture"),
        help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB. It is cropped to a square."),
    )
