"""Input shape of the bounty forms; the rules (amounts, who may) live in
``reputation.bounties``."""

from django import forms
from django.utils.translation import gettext_lazy as _


class BountyOfferForm(forms.Form):
    amount = forms.IntegerField(label=_("Bounty amount"))
