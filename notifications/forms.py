from typing import Any

from django import forms

from .kinds import KINDS
from .models import Frequency


class MailPreferencesForm(forms.Form):
    """One choice per kind of notification."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in KINDS.values():
            self.fields[kind.slug] = forms.ChoiceField(
                label=kind.label, choices=Frequency.choices, initial=Frequency.NEVER
            )
