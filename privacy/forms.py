from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def policies_label() -> SafeString:
    return format_html(
        gettext(
            'I accept the <a href="{}">terms of use</a> and the <a href="{}">privacy policy</a>.'
        ),
        reverse("privacy:terms"),
        reverse("privacy:policy"),
    )


class PoliciesForm(forms.Form):
    accept_policies = forms.BooleanField(
        label="",
        required=True,
        error_messages={"required": _("You need to accept the terms and privacy policy.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_policies"].label = policies_label()


class EmailNotificationsForm(forms.Form):
    email_notifications = forms.BooleanField(
        label=_("Send me e-mail notifications"), required=False
    )


class StaffErasureForm(forms.Form):
    confirm_username = forms.CharField(
        label=_("Type the member's username to confirm"), max_length=150
    )
