from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .pii import Finding, mask, scan


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


class PersonalDataCheckMixin(forms.Form):
    """Warn before publishing text that looks like personal data.

    When a field in ``personal_data_fields`` holds an e-mail address, phone
    number, card number or secret, the form is refused with a message naming
    them, and the author chooses with a button named ``personal_data``:
    ``mask`` replaces them with notes ("[e-mail address removed]"), ``keep``
    publishes as written.
    """

    personal_data_fields: tuple[str, ...] = ("title", "body")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.personal_data_findings: list[Finding] = []
        choice = self.data.get("personal_data", "")
        if choice == "keep" or self.errors:
            return cleaned
        fields = [name for name in self.personal_data_fields if isinstance(cleaned.get(name), str)]
        findings = [finding for name in fields for finding in scan(cleaned[name])]
        if not findings:
            return cleaned
        if choice == "mask":
            for name in fields:
                cleaned[name] = mask(cleaned[name])
            return cleaned
        self.personal_data_findings = findings
        described = ", ".join(f"{finding.label} ({finding.hint})" for finding in findings[:5])
        raise ValidationError(
            gettext(
                "This looks like personal data: %(found)s. Everyone can read what you post: "
                "mask it, or post it as written if it is meant to be public."
            )
            % {"found": described},
            code="personal_data",
        )
