from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=60, help_text=_("What uses it, like “backup script”.")
    )
    can_write = forms.BooleanField(
        label=_("Allow writing (ask, answer, comment, vote, edit as you)"), required=False
    )


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Client name"), max_length=60)
    allowed_origins = forms.CharField(
        label=_("Allowed origins"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, like https://help.example.com. Browsers may use the key only from "
            "these, and its cards may be framed only by them. Leave empty for server use."
        ),
    )
    feedback = forms.BooleanField(
        label=_("May post “Was this helpful?” (feedback scope)"), required=False, initial=True
    )
    requests_per_minute = forms.IntegerField(
        label=_("Requests a minute"), initial=120, min_value=1, max_value=100_000
    )

    def origins(self) -> list[str]:
        return self.cleaned_data["allowed_origins"].split()
