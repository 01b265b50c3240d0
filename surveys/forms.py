"""The survey's forms, one per step, and the small forms around it (sign-in, access, late interest)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import BadRequest
from django.forms import formsets
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from surveys.cpv.codes import read_typed
from surveys.cpv.fields import CpvCodeField
from surveys.cpv.selectors import CpvEntry, entries_by_digits
from surveys.eligibility import Answer, BodyType
from surveys.models import (
    AreaChallenge,
    InterestLevel,
    Organisation,
    PlannedPurchase,
    PurchasingVolume,
    Response,
    Size,
    ThematicArea,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_TEXT = 5000


class PortalForm(forms.Form):
    """A form rendered by crispy-forms without its own <form> tag (the page owns the tag and buttons)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def long_text(label: StrOrPromise, *, required: bool = False, help_text: StrOrPromise = "",
              rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=MAX_TEXT, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class EmailForm(PortalForm):
    email = forms.EmailField(
        label=_("Your work e-mail address"), max_length=254,
        help_text=_("We send you a link to sign in; it works once and for a limited time."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


# A value outside the list only comes from a tampered or outdated form: say so plainly, without echoing it.
CHOOSE_FROM_LIST = {"invalid_choice": _("Choose one of the options given.")}

PUBLIC_LAW_HELP = _(
    "Only for a body governed by public law (Directive 2014/24/EU, art. 2(1)(4)). "
    "If you are not sure, say so: the secretariat will check with you."
)


@functools.cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    # django-countries translates and sorts its 250 names at every iteration: once per language is enough.
    return (("", str(_("Choose a country"))), *((code, str(name)) for code, name in countries))


def country_choices() -> list[tuple[str, str]]:
    """The countries named and sorted in the language of the request, not of the moment the form was defined."""
    return list(_country_choices(get_language()))


_PREBUILT_OPTIONS: dict[tuple[Callable[[], Iterable[tuple[str, str]]], str], str] = {}


class PrebuiltOptionsSelect(forms.Select):
    """A <select> whose options depend only on the language (the countries): written once per language and
    process, then copied with the chosen option marked. Its own attributes (id, classes, aria-describedby
    and aria-invalid when the field has an error) are written at each rendering as usual.

    Django's per-option templates made the organisation step four times slower than the others; even
    written in one pass of Python, the 250 options cost more than the rest of the page. Option groups and
    per-option attributes are not supported.
    """

    def __init__(self, attrs: dict[str, Any] | None = None, *, options_of: Callable[[], Iterable[tuple[str, str]]]) -> None:
        super().__init__(attrs)
        self.options_of = options_of

    def options_html(self) -> str:
        key = (self.options_of, get_language())
        html = _PREBUILT_OPTIONS.get(key)
        if html is None:
            html = _PREBUILT_OPTIONS[key] = format_html_join(
                "", "<option value=\"{}\">{}</option>", ((value, label) for value, label in self.options_of()))
        return html

    def use_required_attribute(self, initial: Any) -> bool:
        # Select's own reads the first option through Django's choices machinery, which normalises all 250
        # at every rendering: `required` when the first option is the empty one, as there.
        first = next(iter(self.options_of()), None)
        return super(forms.Select, self).use_required_attribute(initial) and first is not None and first[0] in ("", None)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        options = self.options_html()
        for chosen in dict.fromkeys(str(v) for v in self.format_value(value)):
            option = format_html("<option value=\"{}\">", chosen)
            options = options.replace(option, f"{option[:-1]} selected>", 1)
        return format_html("<select name=\"{}\"{}>{}</select>", name, flatatt(self.build_attrs(self.attrs, attrs)),
                           mark_safe(options))  # noqa: S308  # nosec B308, B703 - format_html_join's, plus " selected"


class OrganisationForm(PortalForm):
    title = _("Your organisation")
    name = forms.CharField(label=_("Name of the organisation"), max_length=255,
                           widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    country = forms.ChoiceField(
        label=_("Country"), choices=country_choices, widget=PrebuiltOptionsSelect(options_of=country_choices),
        error_messages={"required": _("Choose the country where your organisation is established."),
                        "invalid_choice": _("Choose a country from the list.")},
    )
    body_type = forms.ChoiceField(
        label=_("Type of body"), choices=BodyType.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type of body that describes your organisation."),
                        "invalid_choice": _("Choose one of the listed types of body.")},
    )
    general_interest = forms.ChoiceField(
        label=_("Was it established to meet needs in the general interest, not having an industrial or commercial character?"),
        choices=Answer.choices, widget=forms.RadioSelect, required=False, help_text=PUBLIC_LAW_HELP,
        error_messages=CHOOSE_FROM_LIST,
    )
    legal_personality = forms.ChoiceField(
        label=_("Does it have legal personality?"), choices=Answer.choices, widget=forms.RadioSelect, required=False,
        error_messages=CHOOSE_FROM_LIST,
    )
    publicly_controlled = forms.ChoiceField(
        label=_("Is it mostly financed by public authorities, supervised by them, or is more than half of its board "
                "appointed by them?"),
        choices=Answer.choices, widget=forms.RadioSelect, required=False, error_messages=CHOOSE_FROM_LIST,
    )
    size = forms.ChoiceField(label=_("Number of staff"), choices=[("", _("Choose")), *Size.choices], required=False,
                             error_messages=CHOOSE_FROM_LIST)
    purchasing_volume = forms.ChoiceField(
        label=_("Yearly purchasing volume"), choices=[("", _("Choose")), *PurchasingVolume.choices], required=False,
        error_messages=CHOOSE_FROM_LIST,
    )
    website = forms.URLField(label=_("Website"), max_length=300, required=False, assume_scheme="https",
                             widget=forms.URLInput(attrs={"autocomplete": "url"}))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the full name of your organisation."))
        return name

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("body_type") == BodyType.BODY_GOVERNED_BY_PUBLIC_LAW:
            for field in ("general_interest", "legal_personality", "publicly_controlled"):
                if not data.get(field):
                    self.add_error(field, _("Answer this question (or choose “Not sure”)."))
        return data

    @classmethod
    def initial_for(cls, organisation: Organisation | None) -> dict[str, Any]:
        if organisation is None:
            return {}
        fields = ("name", "body_type", "general_interest", "legal_personality", "publicly_controlled",
                  "size", "purchasing_volume", "website")
        return {"country": organisation.country.code, **{f: getattr(organisation, f) for f in fields}}


class ContactForm(PortalForm):
    title = _("Contact person")
    contact_name = forms.CharField(label=_("Your full name"), max_length=200,
                                   widget=forms.TextInput(attrs={"autocomplete": "name"}))
    contact_role = forms.CharField(label=_("Job title"), max_length=200,
                                   widget=forms.TextInput(attrs={"autocomplete": "organization-title"}))
    contact_phone = forms.RegexField(
        label=_("Telephone (optional)"), max_length=40, required=False, regex=r"^\+?[0-9 ()./-]{6,}$",
        error_messages={"invalid": _("Enter a telephone number with digits, spaces and an optional leading +.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    @classmethod
    def initial_for(cls, response: Response) -> dict[str, Any]:
        return {f: getattr(response, f) for f in ("contact_name", "contact_role", "contact_phone")}


class InterestsForm(PortalForm):
    title = _("Areas of interest")

    def __init__(self, *args: Any, areas: list[ThematicArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            self.fields[f"area_{area.code}"] = forms.TypedChoiceField(
                label=area.name, help_text=area.description, choices=InterestLevel.choices, coerce=int,
                widget=forms.RadioSelect, initial=InterestLevel.NONE,
                error_messages={"required": _("Choose a level for this area.")},
            )
        self.fields["other_area_interest"] = long_text(
            _("Another area you would like to work on (optional)"), rows=3,
            help_text=_("Describe it in a few words: the secretariat reads every suggestion."),
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        chosen = [a for a in self.areas if data.get(f"area_{a.code}", 0) > 0]
        if not chosen and not data.get("other_area_interest", "").strip() and not self.errors:
            raise forms.ValidationError(_("Choose at least one area, or describe another area you are interested in."))
        return data

    def levels(self) -> dict[int, int]:
        """Area id -> chosen level (only areas of interest)."""
        return {a.pk: self.cleaned_data[f"area_{a.code}"] for a in self.areas if self.cleaned_data[f"area_{a.code}"] > 0}

    @classmethod
    def initial_for(cls, response: Response, areas: list[ThematicArea]) -> dict[str, Any]:
        levels = {i.area_id: i.level for i in response.interests.all()}
        initial: dict[str, Any] = {f"area_{a.code}": levels.get(a.pk, InterestLevel.NONE) for a in areas}
        initial["other_area_interest"] = response.other_area_interest
        return initial


class PlannedPurchaseForm(forms.ModelForm):
    cpv_code = CpvCodeField(
        label=_("CPV code (optional)"),
        help_text=_("Type the code, or words in English to find it (for example “electric bus”): the codes "
                    "found are listed to choose from. CPV labels exist in English only here."),
    )

    class Meta:
        model = PlannedPurchase
        fields = ["description", "area", "cpv_code", "expected_timing"]
        labels = {"expected_timing": _("Expected timing (e.g. second half of next year)")}

    def __init__(self, *args: Any, areas: list[ThematicArea], cpv_entries: Mapping[str, CpvEntry] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, forms.ModelChoiceField)
        area.queryset = ThematicArea.objects.filter(pk__in=[a.pk for a in areas])
        area.choices = [("", _("No particular area"))] + [(a.pk, a.name) for a in areas]
        self.fields["description"].widget.attrs["maxlength"] = 300
        self.fields["cpv_code"].widget.entries = cpv_entries


class BasePurchaseFormSet(forms.BaseFormSet):
    """The planned purchases: every row's CPV code checked and labelled from one query, and a management
    form that does not add up (a negative number of rows, more saved rows than rows) refused outright."""

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "areas": self.form_kwargs["areas"], "cpv_entries": self.cpv_entries}

    @cached_property
    def cpv_entries(self) -> dict[str, CpvEntry]:
        """The vocabulary's entries of every code the rows hold or were sent with (one query)."""
        texts = [str(row.get("cpv_code") or "") for row in self.initial or []]
        if self.is_bound:
            texts += [str(value) for key, value in self.data.items()
                      if key.startswith(f"{self.prefix}-") and key.endswith(("-cpv_code", "-cpv_code_choice"))]
        return entries_by_digits(read_typed(text).digits for text in texts)

    def full_clean(self) -> None:
        if self.is_bound and self.management_form.is_valid():
            counts = self.management_form.cleaned_data
            # ManagementForm.clean() puts 0 in place of a missing count: never None here.
            total, initial = counts[formsets.TOTAL_FORM_COUNT] or 0, counts[formsets.INITIAL_FORM_COUNT] or 0
            if total < 0 or initial < 0 or initial > total:
                # Only a hand-made request gets here: saving it could empty the list.
                raise BadRequest("The planned purchases' management form does not add up.")
        super().full_clean()


PurchaseFormSet = forms.formset_factory(
    PlannedPurchaseForm, formset=BasePurchaseFormSet, extra=0, can_delete=True, max_num=30, validate_max=True
)


class ChallengesForm(PortalForm):
    title = _("Challenges and unmet needs")

    def __init__(self, *args: Any, areas: list[ThematicArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.areas = areas
        for area in areas:
            self.fields[f"challenge_{area.code}"] = long_text(
                _("Challenges in “%(area)s”") % {"area": area.name}, rows=4,
                help_text=_("What stands in your way today: market readiness, criteria, budgets, skills…"),
            )
        self.fields["general_challenges"] = long_text(_("Other challenges and unmet needs"))

    def texts(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data[f"challenge_{a.code}"].strip() for a in self.areas}

    @classmethod
    def initial_for(cls, response: Response, areas: list[ThematicArea]) -> dict[str, Any]:
        texts = {c.area_id: c.text for c in AreaChallenge.objects.filter(response=response)}
        return {**{f"challenge_{a.code}": texts.get(a.pk, "") for a in areas},
                "general_challenges": response.general_challenges}


class RecommendationsForm(PortalForm):
    title = _("Recommendations")
    recommendations = long_text(
        _("What should the initiative do for public buyers like you? (optional)"), rows=6,
        help_text=_("Activities you would find useful, topics for events, suppliers to invite…"),
    )

    @classmethod
    def initial_for(cls, response: Response) -> dict[str, Any]:
        return {"recommendations": response.recommendations}


# Whole phrases, each translated on its own: a day and a half-day glued together would stay in the
# language of the moment the module was loaded, and read wrongly in languages that build them otherwise.
AVAILABILITY_CHOICES = [
    ("mon_am", _("Monday morning")), ("mon_pm", _("Monday afternoon")),
    ("tue_am", _("Tuesday morning")), ("tue_pm", _("Tuesday afternoon")),
    ("wed_am", _("Wednesday morning")), ("wed_pm", _("Wednesday afternoon")),
    ("thu_am", _("Thursday morning")), ("thu_pm", _("Thursday afternoon")),
    ("fri_am", _("Friday morning")), ("fri_pm", _("Friday afternoon")),
]


class InterviewForm(PortalForm):
    title = _("Follow-up interview")
    interview_willing = forms.TypedChoiceField(
        label=_("Would you take part in a short follow-up interview with the secretariat?"),
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you would take part in an interview.")},
    )
    interview_mode = forms.ChoiceField(
        label=_("Preferred way"), choices=[("video", _("Video call")), ("phone", _("Telephone"))],
        widget=forms.RadioSelect, required=False,
    )
    interview_availability = forms.MultipleChoiceField(
        label=_("When are you usually available?"), choices=AVAILABILITY_CHOICES,
        widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Times are in your own time zone."),
    )
    interview_notes = forms.CharField(label=_("Anything else about your availability (optional)"),
                                      max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("interview_willing"):
            if not data.get("interview_mode"):
                self.add_error("interview_mode", _("Choose video call or telephone."))
            if not data.get("interview_availability"):
                self.add_error("interview_availability", _("Tick at least one half-day when you are available."))
        else:
            data["interview_mode"], data["interview_availability"] = "", []
        return data

    @classmethod
    def initial_for(cls, response: Response) -> dict[str, Any]:
        willing = {True: "yes", False: "no", None: None}[response.interview_willing]
        return {"interview_willing": willing, "interview_mode": response.interview_mode,
                "interview_availability": response.interview_availability, "interview_notes": response.interview_notes}


class ConsentForm(PortalForm):
    title = _("Consent")
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that the secretariat processes these answers to run the initiative."),
        error_messages={"required": _("You need to agree to the privacy notice to send your answers.")},
    )
    keep_informed = forms.BooleanField(label=_("Keep me informed about Big Buyers by e-mail (optional)."), required=False)

    @classmethod
    def initial_for(cls, response: Response) -> dict[str, Any]:
        return {"consent": response.consent_version == settings.PRIVACY_NOTICE_VERSION,
                "keep_informed": response.keep_informed}


class SubmitForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AccessRequestForm(PortalForm):
    message = forms.CharField(
        label=_("Message to your colleague (optional)"), max_length=1000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LateRequestForm(PortalForm):
    motivation = long_text(_("Why would your organisation like to take part?"), required=True, rows=5)
