from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """The 6-digit code an authenticator app shows; spaces are allowed, as apps show "123 456"."""

    code = forms.CharField(
        label=_("6-digit code from your app"),
        max_length=12,
        error_messages={"required": _("Enter the 6-digit code your app shows.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8,
                                      "spellcheck": "false", "autocapitalize": "off"}),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s+", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Enter the 6 digits your app shows, without letters."))
        return code
