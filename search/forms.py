from django import forms
from django.utils.translation import gettext_lazy as _


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail"), max_length=254)
    subject = forms.CharField(label=_("Subject"), max_length=150)
    message = forms.CharField(
        label=_("What happened?"), max_length=10_000, min_length=20, widget=forms.Textarea
    )


class SolvedForm(forms.Form):
    item_kind = forms.ChoiceField(choices=[(k, k) for k in ("answer", "question", "faq", "wiki")])
    item_id = forms.IntegerField(min_value=1)
