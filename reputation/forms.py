from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SuperUserForm(forms.Form):
    """Name a member super-user, or take the title back (the staff page)."""

    user = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        to_field_name="username",
        widget=forms.TextInput,
        label=_("Username"),
        error_messages={"invalid_choice": _("No active member has that username.")},
    )
    action = forms.ChoiceField(choices=[("name", _("Name super-user")), ("remove", _("Remove"))])

    @property
    def is_super_user(self) -> bool:
        return self.cleaned_data["action"] == "name"
