"""Template helpers shared by every page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from weakref import WeakKeyDictionary

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from crispy_forms.utils import render_crispy_form
from django import forms, template
from django.core.exceptions import NON_FIELD_ERRORS
from django.template.loader import get_template
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bigbuyers import quoting
from bigbuyers.field_html import render_field

if TYPE_CHECKING:
    from django.core.exceptions import ValidationError
    from django_stubs_ext import StrOrPromise

    # (the id of the field to focus, its label, the message), as the summary's template shows them
    ErrorRow = tuple[str, StrOrPromise, StrOrPromise | ValidationError]

register = template.Library()


def _form_errors(form: forms.BaseForm, row: int | None = None) -> list[ErrorRow]:
    rows: list[ErrorRow] = []
    for message in form.non_field_errors():
        rows.append(("", "", message))
    for name, errors in form.errors.items():
        if name == NON_FIELD_ERRORS or name not in form.fields:
            continue
        bound = form[name]
        # Radio and checkbox groups are labelled by their first input.
        widget = form.fields[name].widget
        target = f"{bound.auto_id}_0" if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)) else bound.auto_id
        label = bound.label if row is None else _("Row %(number)s, %(label)s") % {"number": row, "label": bound.label}
        for message in errors:
            rows.append((target, label, message))
    return rows


@register.inclusion_tag("includes/_error_summary.html")
def error_summary(*items: Any) -> dict[str, Any]:
    """The error summary of the given forms and formsets, each error linked to its field."""
    errors: list[ErrorRow] = []
    for item in items:
        if isinstance(item, forms.BaseFormSet):
            if item.is_bound:
                errors += [("", "", message) for message in item.non_form_errors()]
                for index, form in enumerate(item.forms, start=1):
                    errors += _form_errors(form, index)
        elif isinstance(item, forms.BaseForm) and item.is_bound:
            errors += _form_errors(item)
    return {"errors": errors}


@register.simple_tag
def labelled_widget(bound_field: forms.BoundField, row: int) -> str:
    """A box of a tabular inline's row, named by its column and row: a column heading labels nothing below it."""
    if bound_field.is_hidden:
        return bound_field.as_widget()
    label = _("Row %(number)s, %(label)s") % {"number": row, "label": bound_field.label}
    return bound_field.as_widget(attrs={"aria-label": label})


@register.filter
def quoted_lines(text: str) -> list[str]:
    """Text someone typed, as lines whose addresses no mail client makes clickable (bigbuyers/quoting.py)."""
    return quoting.quoted_lines(text or "")


@register.filter
def defanged(text: str) -> str:
    """One line someone typed, with its addresses broken so that no mail client makes them clickable."""
    return quoting.defang(text or "")


@register.simple_tag(takes_context=True)
def portal_field(context: template.Context) -> str:
    """The portal's crispy template pack (templates/portal/field.html): `field` in one pass of Python, or through
    bootstrap5's field template for what bigbuyers/field_html.py does not write (both safe strings)."""
    html = render_field(context["field"], context)
    if html is None:
        return get_template("bootstrap5/field.html").render(cast("dict[str, Any]", context.flatten()))
    return html


# What crispy-forms' as_crispy_field gives a field's template, per form: its defaults, then the form helper's.
_FIELD_OPTIONS: WeakKeyDictionary[forms.BaseForm, dict[str, Any] | None] = WeakKeyDictionary()


def _field_options(form: forms.BaseForm) -> dict[str, Any] | None:
    """None when the helper names a field template of its own (crispy's filter renders it then)."""
    if form not in _FIELD_OPTIONS:
        helper = getattr(form, "helper", None)
        defaults = {"form_show_errors": True, "form_show_labels": True, "label_class": "", "field_class": ""}
        if helper is None:
            _FIELD_OPTIONS[form] = defaults
        else:
            _FIELD_OPTIONS[form] = None if helper.field_template else {**defaults, **helper.get_attributes("portal")}
    return _FIELD_OPTIONS[form]


@register.filter
def as_portal_field(field: forms.BoundField) -> str:
    """``{{ field|as_portal_field }}``: crispy-forms' ``as_crispy_field`` for the portal's pack, without a template
    per field. The form helper's options are read once per form (crispy reads them, and renders
    templates/portal/field.html, for every field: a third of a page of 30 questions); what
    bigbuyers/field_html.py does not write goes through crispy's filter."""
    options = _field_options(field.form)
    html = None if options is None else render_field(field, {**options, "field": field})
    return as_crispy_field(field) if html is None else html


@register.simple_tag(takes_context=True)
def portal_form(context: template.Context, form: forms.BaseForm) -> str:
    """``{% portal_form form %}``: ``{% crispy form %}`` for a form whose helper only leaves out the <form> tag and
    its CSRF field (PortalForm): the form's own errors as bootstrap5 writes them, then each field through
    as_portal_field, without crispy's three templates per form. A helper with a layout, inputs, a template of
    its own or the <form> tag, or a form with media, goes through crispy."""
    helper = getattr(form, "helper", None)
    if helper is None or helper.layout or helper.inputs or helper.template or helper.form_tag or str(form.media):
        return render_crispy_form(form, helper, cast("dict[str, Any]", context.flatten()))
    errors = ""
    if helper.form_show_errors and form.non_field_errors():
        errors = get_template("bootstrap5/errors.html").render({"form": form, "form_error_title": helper.form_error_title})
    html = errors + "".join(as_portal_field(field) for field in form)
    return mark_safe(html)  # noqa: S308  # nosec B308, B703 - every part is a safe string rendered above


class PerLanguageNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[str | None, SafeString] = {}  # lives as long as the compiled template (cached loader)

    def render(self, context: template.Context) -> SafeString:
        language = translation.get_language()
        html = self.rendered.get(language)
        if html is None:
            html = self.rendered[language] = self.nodelist.render(context)
        return html


@register.tag
def per_language(parser: template.base.Parser, token: template.base.Token) -> PerLanguageNode:
    """``{% per_language %}...{% end_per_language %}``: rendered once per language and process, then copied.

    Only for what depends on nothing but the language and the settings (the layout's links, the language
    list, the footer): never the signed-in person, a CSRF token, the page's address or its active step.
    """
    nodelist = parser.parse(("end_per_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist)
