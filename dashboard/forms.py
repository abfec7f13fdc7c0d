from datetime import UTC, date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mptt.forms import TreeNodeChoiceField

from qa.models import Category

from .selectors import Period

DEFAULT_DAYS = 84  # twelve weeks
MAX_DAYS = 731


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = TreeNodeChoiceField(
        queryset=Category.objects.all(),
        required=False,
        label=_("Category"),
        empty_label=_("All categories"),
        to_field_name="slug",
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        today = timezone.now().date()
        end: date = cleaned.get("end") or today
        start: date = cleaned.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if end > today:
            self.add_error("end", _("The period cannot end after today."))
        elif start > end:
            self.add_error("start", _("The start must be on or before the end."))
        elif (end - start).days >= MAX_DAYS:
            self.add_error("start", _("Choose a period of at most two years."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned

    def period(self) -> Period:
        """The chosen days, whole (midnight to midnight, UTC)."""
        start = datetime.combine(self.cleaned_data["start"], time.min, tzinfo=UTC)
        end = datetime.combine(self.cleaned_data["end"] + timedelta(days=1), time.min, tzinfo=UTC)
        return Period(start, end, self.cleaned_data.get("category"))
