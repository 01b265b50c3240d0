"""Forms of the community spaces, rendered by crispy-forms inside the page's own <form> tag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import Activity, Classification, Event, EventKind, Notify
from communities.uploads import allowed_extensions, check_upload
from surveys.forms import MAX_TEXT, PortalForm, long_text
from surveys.models import TIME_ZONE_CHOICES

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class UploadField(forms.FileField):
    """A file checked at once by size, extension and content (communities/uploads.py)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Up to %(size)s: %(types)s.") % {
            "size": filesizeformat(settings.COMMUNITY_UPLOAD_MAX_BYTES), "types": ", ".join(allowed_extensions())})
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(allowed_extensions())

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload, name=upload.name, size=upload.size)
        return upload


class ModelPortalForm(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class JoinRequestForm(PortalForm):
    organisation_name = forms.CharField(label=_("Your organisation"), max_length=255,
                                        widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    message = long_text(_("Why you would like to join, and how you meet the entry requirements"), required=True)


class DecisionForm(PortalForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve: the person becomes a member")),
                                          ("decline", _("Decline"))])
    message = long_text(_("Message to the person (sent by e-mail)"), rows=3)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "decline" and not data.get("message", "").strip():
            self.add_error("message", _("Say why the request is declined."))
        return data


class PreferencesForm(PortalForm):
    notify = forms.ChoiceField(label=_("E-mails about discussions"), choices=Notify.choices, widget=forms.RadioSelect)


class RoadmapForm(PortalForm):
    objectives = long_text(_("Objectives"))
    ambition = long_text(_("Level of ambition"), rows=3)
    timeline = long_text(_("Timeline"), rows=3)


class ActivityForm(ModelPortalForm):
    class Meta:
        model = Activity
        fields = ["title", "description", "starts_on", "ends_on", "status"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"}), "ends_on": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return data


class ThreadForm(PortalForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = long_text(_("Message"), required=True, rows=8)


class ReplyForm(PortalForm):
    body = long_text(_("Your reply"), required=True, rows=5)


class DocumentForm(PortalForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = UploadField(label=_("File"))
    classification = forms.ChoiceField(label=_("Who may read it"), choices=Classification.choices,
                                       initial=Classification.CONFIDENTIAL, widget=forms.RadioSelect)


class EventForm(ModelPortalForm):
    """Times are typed as wall-clock times of the event's own time zone, whatever the viewer's."""

    starts_at = forms.DateTimeField(label=_("Starts at (in the event's time zone)"), input_formats=DATETIME_FORMATS,
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMATS[0]))
    ends_at = forms.DateTimeField(label=_("Ends at (in the event's time zone)"), input_formats=DATETIME_FORMATS,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMATS[0]))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, initial="Europe/Brussels")
    online_link = forms.URLField(label=_("Link to join online"), max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = ["kind", "title", "description", "time_zone", "starts_at", "ends_at", "in_person", "place",
                  "online_link", "capacity", "is_public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Show the stored moments as the wall-clock times of the event's zone.
            zone = self.instance.zone
            for name in ("starts_at", "ends_at"):
                self.initial[name] = timezone.localtime(getattr(self.instance, name), zone).replace(tzinfo=None)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        zone_name = data.get("time_zone")
        if zone_name:
            from zoneinfo import ZoneInfo

            zone = ZoneInfo(zone_name)
            for name in ("starts_at", "ends_at"):
                if isinstance(data.get(name), dt.datetime):
                    data[name] = timezone.make_aware(timezone.make_naive(data[name]) if timezone.is_aware(data[name])
                                                     else data[name], zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The end must be after the start."))
        if data.get("kind") == EventKind.ONLINE_MEETING and data.get("in_person"):
            self.add_error("in_person", _("An online meeting is not in person."))
        if data.get("in_person") and not data.get("place", "").strip():
            self.add_error("place", _("Say where the event takes place."))
        if not data.get("in_person") and not data.get("online_link") and not data.get("place", "").strip():
            self.add_error("online_link", _("Give the link to join online, or a place."))
        return data

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class GuestForm(PortalForm):
    email = forms.EmailField(label=_("Guest's e-mail address"), max_length=254)
    organisation_name = forms.CharField(label=_("Organisation (supplier or industry association)"), max_length=255,
                                        required=False)


class ClaimForm(PortalForm):
    travel = forms.DecimalField(label=_("Travel (EUR)"), min_value=Decimal("0"), max_digits=9, decimal_places=2,
                                initial=Decimal("0"))
    accommodation = forms.DecimalField(label=_("Accommodation (EUR)"), min_value=Decimal("0"), max_digits=9,
                                       decimal_places=2, initial=Decimal("0"))
    subsistence = forms.DecimalField(label=_("Subsistence (EUR)"), min_value=Decimal("0"), max_digits=9,
                                     decimal_places=2, initial=Decimal("0"))
    other = forms.DecimalField(label=_("Other costs (EUR)"), min_value=Decimal("0"), max_digits=9, decimal_places=2,
                               initial=Decimal("0"))
    notes = forms.CharField(label=_("Notes (what the other costs are, for example)"), required=False,
                            max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    receipt_1 = UploadField(label=_("Receipt"))
    receipt_2 = UploadField(label=_("Another receipt (optional)"), required=False)
    receipt_3 = UploadField(label=_("Another receipt (optional)"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        total = sum((data.get(k) or Decimal("0")) for k in ("travel", "accommodation", "subsistence", "other"))
        if not self.errors and total <= 0:
            raise ValidationError(_("Enter the amount of at least one cost."))
        return data

    def amounts(self) -> dict[str, Decimal]:
        return {k: self.cleaned_data[k] for k in ("travel", "accommodation", "subsistence", "other")}

    def receipts(self) -> list[Any]:
        return [f for f in (self.cleaned_data.get(f"receipt_{i}") for i in (1, 2, 3)) if f]
