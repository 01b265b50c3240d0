"""The form field of a planned purchase's CPV code: a code, or words to find one.

Without JavaScript the field is a search box: what a person types is read as a code ("34144910-0",
or its eight digits), a number prefix ("3414") or words ("electric bus"). A code of the vocabulary is
accepted; anything else is refused with the matching codes listed under the field as radio buttons, so
that the next save takes the one chosen, and nothing else typed on the page is lost. With JavaScript
(static/js/cpv.js) the same box becomes a combobox that suggests codes while typing.

Labels come from a map of the codes the form shows (CpvEntry by eight digits), which the formset reads
in one query for all its rows; a field without one reads what it needs itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.cpv.codes import read_typed
from surveys.cpv.selectors import CpvEntry, entries_by_digits, search_typed

MAX_TYPED = 100


class CpvCodeWidget(forms.TextInput):
    """A text box, the label of the code it holds, and the codes found for what was typed (radio buttons)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": MAX_TYPED, **(attrs or {})})
        self.entries: Mapping[str, CpvEntry] | None = None  # by eight digits, for the label shown
        self.candidates: list[CpvEntry] = []  # set by the field when it refused what was typed
        self.searched = ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        # A code picked among the ones found wins over the text (which still holds the words searched).
        return data.get(f"{name}_choice") or data.get(name)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # The combobox (static/js/cpv.js): where to ask, and its messages in the page's language.
        context["widget"]["attrs"].update({
            "data-cpv-suggestions": reverse("cpv_suggestions"),
            "data-cpv-list-label": _("CPV codes found"),
            "data-cpv-chosen": _("%(code)s: %(label)s") % {"code": "{code}", "label": "{label}"},
            "data-cpv-none": _("No CPV code found. Try other words, in English, or the code's first digits."),
            "data-cpv-one": _("1 code found: press the down arrow key to reach it, Enter to choose it."),
            "data-cpv-many": _("%(count)s codes found: use the up and down arrow keys to reach them, Enter to "
                               "choose one.") % {"count": "{count}"},
        })
        return context

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        box = super().render(name, value, attrs, renderer)
        field_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        return format_html("{}{}{}", box, self._chosen(field_id, value), self._candidates(name, field_id))

    def _chosen(self, field_id: str, value: Any) -> SafeString:
        """The label of the code in the box (a live region: the combobox writes the one picked)."""
        typed = read_typed(str(value or ""))
        text = ""
        if typed.digits:
            entry = (self.entries if self.entries is not None else entries_by_digits([typed.digits])).get(typed.digits)
            if entry is not None and typed.check_digit in ("", entry.code[-1]):
                text = _("%(code)s: %(label)s") % {"code": entry.code, "label": entry.label}
            elif not self.candidates:
                text = _("%(code)s is not in the CPV vocabulary: choose another code.") % {"code": str(value).strip()}
        return format_html('<div class="form-text cpv-chosen" id="{}_chosen" aria-live="polite">{}</div>', field_id, text)

    def _candidates(self, name: str, field_id: str) -> SafeString:
        if not self.candidates:
            return conditional_escape("")
        choice = f"{name}_choice"
        options = [("", _("None of these: search again with what is typed above"))] + [
            (entry.code, f"{entry.code} – {entry.label}") for entry in self.candidates]
        radios = format_html_join("", (
            '<div class="form-check"><input class="form-check-input" type="radio" name="{}" id="{}_choice_{}" '
            'value="{}"{}><label class="form-check-label" for="{}_choice_{}">{}</label></div>'
        ), ((choice, field_id, i, code, " checked" if i == 0 else "", field_id, i, text)
            for i, (code, text) in enumerate(options)))
        legend = _("CPV codes found for “%(text)s”: choose one, then save") % {"text": self.searched}
        return format_html('<fieldset class="cpv-candidates"><legend class="form-label">{}</legend>{}</fieldset>',
                           legend, radios)


class CpvCodeField(forms.CharField):
    """A CPV code of the vocabulary ("34144910-0"), or "" when none is given."""

    widget = CpvCodeWidget
    default_error_messages = {
        "not_in_vocabulary": gettext_lazy("There is no CPV code %(code)s. Choose one of the codes below, or type "
                                          "words to find the right one."),
        "choose": gettext_lazy("Choose one of the CPV codes listed below the field, or change what you typed."),
        "none_found": gettext_lazy("No CPV code matches “%(text)s”. Try other words, in English, or the code's "
                                   "first digits."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=MAX_TYPED, required=False, **kwargs)

    def entries(self, digits: str) -> Mapping[str, CpvEntry]:
        known = self.widget.entries
        return known if known is not None and digits in known else entries_by_digits([digits])

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        typed = read_typed(text)
        if typed.is_empty and not text:
            return ""
        if typed.digits:
            entry = self.entries(typed.digits).get(typed.digits)
            if entry is not None and typed.check_digit in ("", entry.code[-1]):
                return entry.code
            self._offer(text, [entry] if entry else search_typed(read_typed(typed.digits[:5])))
            raise forms.ValidationError(self.error_messages["not_in_vocabulary"], code="not_in_vocabulary",
                                        params={"code": text})
        found = search_typed(typed)
        if not found:
            raise forms.ValidationError(self.error_messages["none_found"], code="none_found", params={"text": text})
        self._offer(text, found)
        raise forms.ValidationError(self.error_messages["choose"], code="choose")

    def _offer(self, text: str, candidates: list[CpvEntry]) -> None:
        self.widget.candidates, self.widget.searched = candidates, text
