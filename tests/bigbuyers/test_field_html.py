"""The portal's crispy template pack (bigbuyers/field_html.py) writes the HTML of crispy-bootstrap5, field by field."""

from __future__ import annotations

import re
from typing import Any

import pytest
from crispy_forms.helper import FormHelper
from django import forms
from django.template import engines
from django.utils import html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from bigbuyers import field_html
from surveys.forms import PrebuiltOptionsSelect


def _countries() -> list[tuple[str, str]]:
    return [("", "Choose a country"), ("FR", "France"), ("DE", "Germany")]


CHOICES = [("a", "Apple & pear"), ("b", "Banana <ripe>"), ("c", "Cherry")]


class EveryKindForm(forms.Form):
    name = forms.CharField(label="Name <of> the body", max_length=20, help_text="As in <b>the register</b>.",
                           widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    email = forms.EmailField(required=False)
    count = forms.DecimalField(required=False, localize=True, widget=forms.NumberInput(attrs={"step": "any"}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Optional.")
    fruit = forms.ChoiceField(choices=[("", "Choose"), ("Fruit", CHOICES), ("x", "Other")], required=False)
    country = forms.ChoiceField(choices=_countries, widget=PrebuiltOptionsSelect(options_of=_countries))
    kind = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect, help_text="Pick one.")
    several = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False)
    agree = forms.BooleanField(label="I agree", help_text="Needed.")
    upload = forms.FileField(required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        raise forms.ValidationError("The whole form is wrong.")


def _normalised(html: str) -> str:
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*([<>])\s*", r"\1", html).replace(' ="', '="')


def _crispy(form: forms.Form, pack: str) -> str:
    form.helper = FormHelper()
    form.helper.form_tag = False
    form.helper.template_pack = pack
    return engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}").render({"form": form})


def _field(form: forms.Form, name: str, pack: str) -> str:
    template = engines["django"].from_string("{% load crispy_forms_filters %}{{ field|as_crispy_field:pack }}")
    return template.render({"field": form[name], "pack": pack})


BOUND = {"name": "x" * 30, "email": "not an address", "count": "1,5", "day": "2026-02-31", "notes": "a < b",
         "fruit": "b", "country": "XX", "kind": "z", "several": ["a", "c"], "secret": "s"}


@pytest.mark.parametrize("data", [None, BOUND, {"name": "Lindenau", "country": "FR", "kind": "a", "agree": "on"}])
def test_the_portal_pack_writes_what_bootstrap5_writes(data: dict[str, Any] | None) -> None:
    form, twin = EveryKindForm(data, initial={"name": "Lindenau"}), EveryKindForm(data, initial={"name": "Lindenau"})

    portal, bootstrap = _crispy(form, "portal"), _crispy(twin, "bootstrap5")

    assert _normalised(portal) == _normalised(bootstrap)
    if data is BOUND:  # the errors are there, next to their field and described
        assert 'aria-describedby="id_name_helptext id_name_error"' in portal
        assert '<div id="id_kind_error" class="invalid-feedback">' in portal
        assert "The whole form is wrong." in portal


@pytest.mark.parametrize("name", list(EveryKindForm.base_fields))
def test_each_field_alone_is_the_same_in_both_packs(name: str) -> None:
    form, twin = EveryKindForm(BOUND), EveryKindForm(BOUND)

    assert _normalised(_field(form, name, "portal")) == _normalised(_field(twin, name, "bootstrap5"))


def test_labels_choices_and_values_are_escaped() -> None:
    html = _field(EveryKindForm(BOUND), "kind", "portal") + _field(EveryKindForm(BOUND), "name", "portal")

    assert "Banana &lt;ripe&gt;" in html and "Apple &amp; pear" in html
    assert "Name &lt;of&gt; the body" in html
    assert "As in <b>the register</b>." in html  # help text is HTML, as in bootstrap5


def test_the_default_pack_is_the_portals() -> None:
    html = _field(EveryKindForm(), "name", "portal")

    template = engines["django"].from_string("{% load crispy_forms_filters %}{{ field|as_crispy_field }}")
    assert template.render({"field": EveryKindForm()["name"]}) == html


def _with_helper(form: forms.Form, **options: Any) -> forms.Form:
    form.helper = FormHelper()
    form.helper.form_tag = False
    for name, value in options.items():
        setattr(form.helper, name, value)
    return form


@pytest.mark.parametrize("data", [None, BOUND])
@pytest.mark.parametrize("name", list(EveryKindForm.base_fields))
def test_as_portal_field_writes_what_as_crispy_field_writes(name: str, data: dict[str, Any] | None) -> None:
    """The filter the survey pages use reads the helper once per form; the HTML is crispy's (but for whitespace),
    with a helper (inline errors) and without one."""
    portal = engines["django"].from_string("{% load portal %}{{ field|as_portal_field }}")
    crispy = engines["django"].from_string("{% load crispy_forms_filters %}{{ field|as_crispy_field }}")
    for make in (lambda: EveryKindForm(data), lambda: _with_helper(EveryKindForm(data))):
        form = make()
        expected = _normalised(crispy.render({"field": make()[name]}))
        assert _normalised(portal.render({"field": form[name]})) == expected
        assert _normalised(portal.render({"field": form[name]})) == expected  # the helper read once: the same


def test_as_portal_field_leaves_a_helpers_own_field_template_to_crispy() -> None:
    form = _with_helper(EveryKindForm(), field_template="bootstrap5/field.html")

    html = engines["django"].from_string("{% load portal %}{{ field|as_portal_field }}").render({"field": form["name"]})

    assert html == _field(_with_helper(EveryKindForm(), field_template="bootstrap5/field.html"), "name", "portal")


@pytest.mark.parametrize("value", ["a < b & \"c\" 'd'", 12, None, mark_safe("<b>safe</b>"), gettext_lazy("Yes"),
                                   SafeString("x")])
def test_the_escapes_without_the_lazy_wrapper_write_what_djangos_write(value: Any) -> None:
    assert field_html.escape(value) == str(html.escape(value))
    assert field_html.conditional_escape(value) == str(html.conditional_escape(value))


@pytest.mark.parametrize("data", [None, BOUND, {"name": "Lindenau", "country": "FR", "kind": "a", "agree": "on"}])
def test_portal_form_writes_what_the_crispy_tag_writes(data: dict[str, Any] | None) -> None:
    """The survey steps' forms (a helper without the <form> tag or CSRF field): the same HTML but for
    whitespace, the form's own errors included."""
    def form() -> forms.Form:
        return _with_helper(EveryKindForm(data), disable_csrf=True)

    portal = engines["django"].from_string("{% load portal %}{% portal_form form %}").render({"form": form()})
    crispy = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}").render({"form": form()})

    assert _normalised(portal) == _normalised(crispy)
    assert ("The whole form is wrong." in portal) is (data is not None)


def test_portal_form_leaves_layouts_and_inputs_to_crispy() -> None:
    from crispy_forms.layout import Layout, Submit

    laid_out = _with_helper(EveryKindForm(), layout=Layout("name", "email"))
    with_input = _with_helper(EveryKindForm())
    with_input.helper.add_input(Submit("send", "Send"))

    for form in (laid_out, with_input):
        html = engines["django"].from_string("{% load portal %}{% portal_form form %}").render({"form": form})
        crispy = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}").render({"form": form})
        assert html == crispy
    assert 'name="day"' not in engines["django"].from_string("{% load portal %}{% portal_form form %}").render(
        {"form": laid_out})
