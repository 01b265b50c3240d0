"""Forms of the offer pages and the Observer Group pages (crispy-forms, bootstrap5)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import OfferRole


class AcceptOfferForm(forms.Form):
    """The role the body commits to in one group; the radio group is its own fieldset with a legend."""

    role = forms.ChoiceField(
        label=_("Your organisation's role in this group"), choices=OfferRole.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Choose the role your organisation takes in this group.")},
    )

    def __init__(self, *args: Any, offer_id: int, **kwargs: Any) -> None:
        # Several offers share a page: the prefix keeps their fields' ids apart.
        super().__init__(*args, **{**kwargs, "prefix": f"offer-{offer_id}"})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class ObserverForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             error_messages={"required": _("Enter your e-mail address."),
                                             "invalid": _("Enter an e-mail address such as name@city.example.")})
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    organisation_name = forms.CharField(label=_("Organisation (optional)"), max_length=255, required=False,
                                        widget=forms.TextInput(attrs={"autocomplete": "organization"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
