"""Input shapes for the moderation pages; rules live in the services."""

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qa.models import CloseReason, LockKind

from . import antispam
from .models import ActionType, BlockedTermKind, FlagReason, ReviewAction


class HumanCheckMixin(forms.Form):
    """Adds the honeypot and the fill-time token to a form (see ``antispam``)."""

    # Named like a field a bot would fill; hidden from people by CSS and aria.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    form_token = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", antispam.form_token())
        # A re-shown form keeps its first token: the fill time runs from the first view.
        elif not self.data.get("form_token"):
            self.initial["form_token"] = antispam.form_token()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        antispam.check_human(
            honeypot=cleaned.pop("website", ""), token=cleaned.pop("form_token", "")
        )
        return cleaned


def question_id_from(value: str) -> int | None:
    """A question's id from its number or any link to it (/questions/42/slug/)."""
    value = value.strip()
    # At most 18 digits: a larger number is no id and would overflow the column.
    if re.fullmatch(r"\d{1,18}", value):
        return int(value)
    match = re.search(r"/questions/(\d{1,18})(?:/|$|\?|#)", value)
    return int(match.group(1)) if match else None


class QuestionReferenceField(forms.CharField):
    def clean(self, value: Any) -> int | None:
        value = super().clean(value)
        if not value:
            return None
        question_id = question_id_from(value)
        if question_id is None:
            raise forms.ValidationError(
                _("Paste the link to the original question, or its number.")
            )
        return question_id


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        choices=FlagReason.choices, widget=forms.RadioSelect, label=_("What is wrong?")
    )
    text = forms.CharField(
        required=False,
        max_length=500,
        label=_("Details for the moderators (needed for “needs moderator attention”)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duplicate_of = QuestionReferenceField(
        required=False,
        label=_("Link to the original question (for a duplicate)"),
        max_length=300,
    )

    def __init__(self, *args: Any, for_question: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only a question can duplicate another.
        if not for_question:
            self.fields["reason"].choices = [  # type: ignore[attr-defined]
                choice for choice in FlagReason.choices if choice[0] != FlagReason.DUPLICATE
            ]
            del self.fields["duplicate_of"]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        choices=CloseReason.choices, widget=forms.RadioSelect, label=_("Why close it?")
    )
    duplicate_of = QuestionReferenceField(
        required=False, label=_("Link to the original question"), max_length=300
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, label=_("Reason"), required=False)


class LockForm(forms.Form):
    kind = forms.ChoiceField(choices=LockKind.choices, label=_("Kind of lock"))
    reason = forms.CharField(max_length=200, label=_("Why"))


class FlagResolveForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("helpful", _("Helpful")),
            ("delete", _("Helpful, and delete")),
            ("spam", _("Helpful, and delete as spam")),
            ("decline", _("Declined")),
        ]
    )
    note = forms.CharField(max_length=500, required=False, label=_("Note to the flaggers"))


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=ReviewAction.choices)
    reason = forms.ChoiceField(choices=[("", "—"), *CloseReason.choices], required=False)
    duplicate_of = QuestionReferenceField(required=False, max_length=300)


class SuspendForm(forms.Form):
    days = forms.IntegerField(min_value=1, label=_("Days"))
    reason = forms.CharField(
        max_length=500,
        label=_("Reason (the member sees it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModeratorMessageForm(forms.Form):
    subject = forms.CharField(max_length=150, label=_("Subject"))
    body = forms.CharField(
        max_length=10_000, label=_("Message"), widget=forms.Textarea(attrs={"rows": 8})
    )


class BlockedTermForm(forms.Form):
    kind = forms.ChoiceField(choices=BlockedTermKind.choices, label=_("Kind"))
    value = forms.CharField(max_length=100, label=_("Word, phrase or domain"))


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(
        required=False, choices=[("", _("All actions")), *ActionType.choices]
    )
    actor = forms.CharField(required=False, max_length=150, label=_("Actor (username)"))
    target = forms.CharField(required=False, max_length=150, label=_("Member (username)"))
    since = forms.DateField(
        required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"})
    )
    automatic = forms.BooleanField(required=False, label=_("Automatic only"))
