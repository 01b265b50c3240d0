"""Forms of the interview pages: choose a time, and choose the zone the times are shown in."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from groups.models import InterviewSlot
from surveys.models import TIME_ZONE_CHOICES

SLOT_TAKEN = _("Sorry, someone has just booked this time. Please choose another one.")


class BookingForm(forms.Form):
    """The slot to book. Only open slots validate: one taken meanwhile gets the "taken" message."""

    slot = forms.ModelChoiceField(
        label=_("Time"), queryset=InterviewSlot.objects.none(), widget=forms.RadioSelect,
        error_messages={"required": _("Choose a time for your interview."), "invalid_choice": SLOT_TAKEN},
    )

    def __init__(self, *args: Any, slots: QuerySet[InterviewSlot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        slot = self.fields["slot"]
        assert isinstance(slot, forms.ModelChoiceField)
        slot.queryset = slots


class ZoneForm(forms.Form):
    tz = forms.ChoiceField(label=_("Show the times in this time zone"), choices=TIME_ZONE_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
