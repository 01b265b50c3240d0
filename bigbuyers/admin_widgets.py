"""Autocomplete fields in admin inlines without a query per row.

Django's autocomplete widget reads the label of the chosen object from the database when it renders:
in an inline that is one query per row (and more when the label, the object's __str__, follows foreign
keys). An inline with :class:`KnownChoicesInlineMixin` hands each row's widget the object its row
already holds, so that the inline's get_queryset can fetch them all at once with select_related.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django import forms
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext as _


class KnownChoiceAutocomplete(AutocompleteSelect):
    """An autocomplete select that labels its chosen value from `known` (set by the form) when it is that object,
    and sends `url_params` with each search (a filter the searched admin's get_search_results applies)."""

    known: models.Model | None = None

    def __init__(self, *args: Any, url_params: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url_params = url_params or {}

    def get_url(self) -> str:
        url = super().get_url()
        return f"{url}?{urlencode(self.url_params)}" if self.url_params else url

    def build_attrs(self, base_attrs: dict[str, Any], extra_attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # select2 names its box by the text it shows: an empty row would have no accessible name.
        attrs["data-placeholder"] = attrs.get("data-placeholder") or _("Type to search")
        return attrs

    def optgroups(self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None) -> list[Any]:
        groups = self._optgroups(name, value, attr)
        options = [option for _group, group_options, _index in groups for option in group_options]
        if not options or options[0]["value"] != "":
            # A required box starts with the placeholder option too (HTML wants one; select2 shows its text).
            options.insert(0, self.create_option(name, "", "", False, 0))
        for index, option in enumerate(options):
            option["index"] = str(index)
            if option["value"] == "" and not option["label"]:
                option["label"] = "---------"  # an empty <option> is invalid HTML
        return [(None, options, 0)]

    def _optgroups(self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None) -> list[Any]:
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.known is None or chosen != [str(self.known.pk)]:
            return super().optgroups(name, value, attr)
        options: list[Any] = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(self.known)
        options.append(self.create_option(name, self.known.pk, label, True, len(options)))
        return [(None, options, 0)]


class KnownChoicesForm(forms.ModelForm):
    """Gives each autocomplete widget the object the row already holds (when it was fetched with the row)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)  # inside RelatedFieldWidgetWrapper
            if isinstance(widget, KnownChoiceAutocomplete):
                model_field = self.instance._meta.get_field(name)
                if model_field.is_cached(self.instance):
                    widget.known = getattr(self.instance, name)


# For mypy, the mixin is the admin class it is mixed into; at run time, a plain mixin.
if TYPE_CHECKING:
    _AdminBase = BaseModelAdmin[Any]
else:
    _AdminBase = object


class KnownChoicesInlineMixin(_AdminBase):
    """For an inline with autocomplete_fields: select_related those fields (and what their labels read) in
    get_queryset, and the rows render without a query each. A model admin with autocomplete_fields uses it too,
    for the same accessible, valid boxes."""

    form = KnownChoicesForm

    def autocomplete_params(self, request: HttpRequest, db_field: Any) -> dict[str, Any]:
        """What the searches of `db_field`'s autocomplete send along (none here; see the matching run's inlines)."""
        return {}

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownChoiceAutocomplete(db_field, self.admin_site,
                                                       using=kwargs.get("using"),
                                                       url_params=self.autocomplete_params(request, db_field))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

