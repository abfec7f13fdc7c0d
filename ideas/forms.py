from django import forms
from django.utils.translation import gettext_lazy as _
from mptt.forms import TreeNodeChoiceField

from qa.models import Category

from .models import IdeaStatus


class IdeaForm(forms.Form):
    title = forms.CharField(
        label=_("Your idea in one sentence"),
        max_length=300,
        help_text=_("For example: “Let me schedule scenes by sunrise and sunset”."),
    )
    body = forms.CharField(
        label=_("Describe it"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What would it let you do, and why does it matter to you? Markdown works."),
    )
    category = TreeNodeChoiceField(
        queryset=Category.objects.all(), required=False, label=_("Product area")
    )


class IdeaStatusForm(forms.Form):
    status = forms.ChoiceField(choices=IdeaStatus.choices, label=_("Status"))
    note = forms.CharField(
        label=_("Public note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown with the idea and sent to everyone who follows it."),
    )
