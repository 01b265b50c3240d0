"""No admin form lists every person, response or organisation in a drop-down.

With 250,000 organisations and 50,000 responses such a <select> is megabytes of HTML and a query that
reads a whole table: a form that can choose one of them searches (autocomplete) or takes an id.
"""

from __future__ import annotations

import pytest
from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget
from django.test import RequestFactory

from bigbuyers.models import User
from surveys.models import Organisation, Response

LARGE = {User, Response, Organisation}
SEARCHING = (AutocompleteMixin, ForeignKeyRawIdWidget, ManyToManyRawIdWidget)


def _listing_choices(form_class: type[forms.BaseForm], readonly: set[str]) -> list[str]:
    found = []
    for name, field in form_class.base_fields.items():
        if name in readonly or not isinstance(field, forms.ModelChoiceField) or field.queryset.model not in LARGE:
            continue
        if field.queryset.model is User and '"is_staff"' in str(field.queryset.query):
            continue  # the secretariat's staff only (an interviewer): a few people
        widget = getattr(field.widget, "widget", field.widget)  # inside the admin's related-field wrapper
        if not isinstance(widget, SEARCHING):
            found.append(f"{name} ({field.queryset.model.__name__})")
    return found


def _shows_its_form(model_admin: admin.ModelAdmin, request) -> bool:  # type: ignore[no-untyped-def]
    """Whether the admin shows its ModelForm: it may add, or change through Django's own change view."""
    custom_change_view = type(model_admin).change_view is not admin.ModelAdmin.change_view
    return model_admin.has_add_permission(request) or (
        model_admin.has_change_permission(request) and not custom_change_view)


@pytest.mark.django_db
def test_no_admin_form_lists_every_person_response_or_organisation() -> None:
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    offenders = []
    for model_admin in admin.site._registry.values():
        if _shows_its_form(model_admin, request):
            readonly = set(model_admin.get_readonly_fields(request, None))
            for field in _listing_choices(model_admin.get_form(request), readonly):
                offenders.append(f"{type(model_admin).__name__}.{field}")
        for inline in model_admin.get_inline_instances(request):
            if inline.has_add_permission(request, None) or inline.has_change_permission(request, None):
                readonly = set(inline.get_readonly_fields(request, None))
                for field in _listing_choices(inline.get_formset(request).form, readonly):
                    offenders.append(f"{type(model_admin).__name__} / {type(inline).__name__}.{field}")
    assert not offenders, f"use autocomplete_fields or raw_id_fields: {offenders}"
