from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from moderation.forms import HumanCheckMixin

from .models import User


class SignupForm(HumanCheckMixin, UserCreationForm):
    email = forms.EmailField(label=_("E-mail"))
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        required=False,
        help_text=_("Shown next to your posts. Leave empty to use your username."),
    )

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]
        model = User
        fields = ("username", "email", "display_name")
