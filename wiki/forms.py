"""Input shapes for the wiki and FAQ pages; the rules live in the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from mptt.forms import TreeNodeChoiceField

from qa import validators
from qa.forms import _ValidatedCharField
from qa.models import Category

from .models import WikiPage
from .services.faq import clean_faq_question

_MARKDOWN_HELP = _(
    "Markdown: ## headings (they make the table of contents), **bold**, `code`, lists, links."
)


def _summary() -> forms.CharField:
    return forms.CharField(
        label=_("Edit summary"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Briefly, what did you change and why?"),
    )


def _page_body() -> forms.CharField:
    return forms.CharField(
        label=_("Text"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_MARKDOWN_HELP,
    )


class WikiPageForm(forms.Form):
    title = forms.CharField(label=_("Title"), widget=forms.TextInput(attrs={"autocomplete": "off"}))
    body = _page_body()
    summary = _summary()
    # The revision the editor started from: a save on top of a newer one is
    # a conflict, never a silent overwrite.
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class WikiPageCreateForm(forms.Form):
    slug = forms.CharField(
        label=_("Address"),
        help_text=_("The last part of the page's address: lowercase words joined by hyphens."),
    )
    title = forms.CharField(label=_("Title"))
    body = _page_body()
    summary = _summary()


class _PathChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"/wiki/{obj.path}/" if obj.path else "/wiki/ (home)"


class WikiPageMoveForm(forms.Form):
    parent = _PathChoiceField(queryset=WikiPage.objects.none(), label=_("New parent page"))
    slug = forms.CharField(label=_("Address"))

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = targets  # type: ignore[attr-defined]


class FaqEntryForm(forms.Form):
    question = _ValidatedCharField(
        clean_faq_question,
        label=_("Question"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    answer = _ValidatedCharField(
        validators.clean_body,
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_MARKDOWN_HELP,
    )
    category = TreeNodeChoiceField(
        queryset=Category.objects.all(), required=False, label=_("Category")
    )
    order = forms.IntegerField(
        label=_("Order"),
        initial=0,
        min_value=-1000,
        max_value=1000,
        help_text=_("Lower numbers come first within the category."),
    )
    summary = _summary()
    base_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class ReturnToDraftForm(forms.Form):
    reason = forms.CharField(label=_("What needs to change?"))


class VerifyForm(forms.Form):
    until = forms.DateField(
        label=_("Verified until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Optional. After this day the stamp disappears and the item waits to be verified again."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        help_text=_("Optional, shown with the stamp, e.g. “for app version 3.4”."),
    )


class HelpfulForm(forms.Form):
    value = forms.TypedChoiceField(
        choices=[("yes", "yes"), ("no", "no")], coerce=lambda v: v == "yes"
    )
