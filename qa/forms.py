"""Input shapes for the Q&A pages. The rules themselves live in
``qa.validators`` (shared with the services and the API)."""

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from mptt.forms import TreeNodeChoiceField

from moderation.forms import HumanCheckMixin
from privacy.forms import PersonalDataCheckMixin
from versioning.services import clean_summary

from . import validators
from .models import Category, SuggestedEdit


class _ValidatedCharField(forms.CharField):
    """A text field cleaned by one of ``qa.validators``."""

    def __init__(self, cleaner: Any, **kwargs: Any) -> None:
        self.cleaner = cleaner
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return self.cleaner(value)


def _body_field(label: str | Promise) -> forms.CharField:
    return _ValidatedCharField(
        validators.clean_body,
        label=label,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown: **bold**, `code`, ``` fenced blocks ```, lists, links."),
    )


class QuestionForm(PersonalDataCheckMixin, HumanCheckMixin, forms.Form):
    title = _ValidatedCharField(
        validators.clean_title,
        label=_("Title"),
        # No maxlength attribute: a browser would cut a pasted title silently;
        # the server says what is too long instead.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Be specific: what are you trying to do, and what goes wrong?"),
    )
    body = _body_field(_("Details"))
    tags = _ValidatedCharField(
        validators.clean_tags,
        label=_("Tags"),
        help_text=_("1 to 5 tags, separated by spaces or commas, e.g. billing invoice"),
    )
    category = TreeNodeChoiceField(
        queryset=Category.objects.all(), required=False, label=_("Category")
    )


class AnswerForm(PersonalDataCheckMixin, HumanCheckMixin, forms.Form):
    personal_data_fields = ("body",)
    body = _body_field(_("Your answer"))


def _summary_field() -> forms.CharField:
    return _ValidatedCharField(
        clean_summary,
        label=_("Edit summary"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Briefly, what did you change and why? (fixed a typo, clarified the steps …)"),
    )


class QuestionEditForm(QuestionForm):
    summary = _summary_field()


class AnswerEditForm(AnswerForm):
    summary = _summary_field()


class CommentForm(PersonalDataCheckMixin, HumanCheckMixin, forms.Form):
    personal_data_fields = ("body",)
    body = _ValidatedCharField(
        validators.clean_comment,
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class VoteForm(forms.Form):
    value = forms.TypedChoiceField(
        choices=[("1", "up"), ("-1", "down"), ("0", "retract")], coerce=int
    )


class SuggestEditForm(PersonalDataCheckMixin, forms.Form):
    """A suggested edit: the post's fields and a required summary for the reviewers."""

    title = QuestionForm.base_fields["title"]
    body = _body_field(_("Body"))
    tags = QuestionForm.base_fields["tags"]
    summary = _ValidatedCharField(
        clean_summary,
        label=_("Edit summary"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Reviewers read this first: what did you change and why?"),
        error_messages={"required": _("Tell the reviewers what you changed and why.")},
    )

    def __init__(self, *args: Any, is_question: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_question:
            del self.fields["title"]
            del self.fields["tags"]


class RejectSuggestionForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why reject it?"),
        choices=SuggestedEdit.RejectReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the member (required for “Other”)"), required=False, max_length=300
    )
