from django import forms
from django.utils.translation import gettext_lazy as _

from .services import SPOTLIGHT_DAYS


class SpotlightForm(forms.Form):
    username = forms.CharField(label=_("Member's username"), max_length=150)
    reason = forms.CharField(
        label=_("Why them"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the home page under their name."),
    )
    days = forms.IntegerField(label=_("Days"), initial=SPOTLIGHT_DAYS, min_value=1, max_value=60)
