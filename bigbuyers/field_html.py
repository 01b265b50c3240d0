"""A form field's HTML in one pass of Python: the portal's crispy-forms template pack (templates/portal/).

crispy-bootstrap5 renders each field through nested templates (the field, its help text and errors, its
radio options, then Django's widget templates and their attributes): about 100 template nodes per field, and
on a page of 30 questions most of the page's time. `render_field` writes the same HTML (same elements,
classes, ids, labels, legends, aria-describedby and aria-invalid, errors next to the field; only whitespace
differs) for what the portal's forms use: the label on top, text-like inputs, text areas, lists, radio
buttons and check boxes. Anything else (file inputs, multi-widgets, horizontal forms, inline help or layout
options) returns None and is rendered by bootstrap5's own field template. Widgets of a class of their own
(a template of their own, or their own `render`) are rendered by Django as usual inside that HTML.

The rules mirror crispy-bootstrap5's `field.html` and `layout/*.html` and Django's widget templates
(`django/forms/widgets/input.html`, `textarea.html`, `select.html`, `select_option.html`, `attrs.html`); the
tests in tests/bigbuyers/test_field_html.py compare the two renderings field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.templatetags.l10n import unlocalize
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString

# Widgets whose HTML Django writes with its stock templates: written here the same way.
_INPUTS = (forms.TextInput, forms.EmailInput, forms.URLInput, forms.NumberInput, forms.DateInput, forms.TimeInput,
           forms.DateTimeInput, forms.PasswordInput, forms.CheckboxInput)
_CHOICES = (forms.RadioSelect, forms.CheckboxSelectMultiple)
# Context values of the crispy templates that this module leaves to bootstrap5 when they are set.
_UNHANDLED = ("tag", "label_class", "field_class", "wrapper_class", "help_text_inline", "flat_attrs", "inline_class")


def _attrs(attrs: Mapping[str, Any]) -> SafeString:
    """Django's widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return format_html_join("", "{}", (
        (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, escape(str(value))),)
        for name, value in attrs.items() if value is not False))


def _add_classes(widget: forms.Widget, classes: str) -> None:
    """What crispy's `{% crispy_field field 'class' '...' %}` does to the widget: its class name, then `classes`."""
    class_name = widget.__class__.__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css_class = widget.attrs.get("class", "")
    if css_class:
        if css_class.find(class_name) == -1:
            css_class += f" {class_name}"
    else:
        css_class = class_name
    widget.attrs["class"] = css_class
    for extra in classes.split():
        if extra not in widget.attrs["class"].split():
            widget.attrs["class"] += f" {extra}"


def _widget_html(field: forms.BoundField) -> SafeString:
    """The widget as BoundField.as_widget() renders it, without the template engine for stock widgets."""
    widget = field.field.widget
    if type(widget) not in (*_INPUTS, forms.Textarea, forms.Select):
        return field.as_widget()
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if isinstance(widget, forms.Textarea):
        return format_html('<textarea name="{}"{}>\n{}</textarea>', context["name"], _attrs(context["attrs"]),
                           context["value"] or "")
    if isinstance(widget, forms.Select):
        options = format_html_join("", "{}", ((_optgroup(name, choices),) for name, choices, _index in context["optgroups"]))
        return format_html('<select name="{}"{}>{}</select>', context["name"], _attrs(context["attrs"]), options)
    value = "" if context["value"] is None else format_html(' value="{}"', escape(str(context["value"])))
    return format_html('<input type="{}" name="{}"{}{}>', context["type"], context["name"], value, _attrs(context["attrs"]))


def _optgroup(name: str | None, choices: list[dict[str, Any]]) -> SafeString:
    options = format_html_join("", '<option value="{}"{}>{}</option>', (
        (escape(str(option["value"])), _attrs(option["attrs"]), option["label"]) for option in choices))
    return format_html('<optgroup label="{}">{}</optgroup>', name, options) if name else options


def _errors(field: forms.BoundField, *, inline: bool) -> SafeString:
    """layout/field_errors.html (inline: spans) or field_errors_block.html (paragraphs)."""
    if not field.errors:
        return SafeString("")
    item = '<span id="error_{}_{}"><strong>{}</strong></span>' if inline else '<p id="error_{}_{}"><strong>{}</strong></p>'
    items = format_html_join("", item, ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)))
    return format_html('<div id="{}_error" class="invalid-feedback">{}</div>', field.errors.field_id, items)


def _help_text(field: forms.BoundField) -> SafeString:
    if not field.help_text:
        return SafeString("")
    # HTML, as bootstrap5 writes it (`|safe`): help texts are the portal's own, never what people typed.
    help_text = SafeString(field.help_text)  # nosec B703
    if field.auto_id:
        return format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, help_text)
    return format_html('<div class="form-text">{}</div>', help_text)


def _label_text(field: forms.BoundField) -> SafeString:
    asterisk = SafeString('<span class="asteriskField">*</span>') if field.field.required else ""
    return format_html("{}{}", field.label, asterisk)


def _choices_html(field: forms.BoundField, *, show_errors: bool) -> SafeString:
    """layout/radio_checkbox_select.html: one form-check per option, the errors under the last one."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    groups = list(widget.optgroups(field.html_name, widget.format_value(field.value()), attrs))
    invalid = " is-invalid" if field.errors else ""
    parts = []
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            parts.append(format_html("<strong>{}</strong>", group))
        for option_number, option in enumerate(options, start=1):
            last = option_number == len(options) and group_number == len(groups)
            parts.append(format_html(
                '<div class="form-check"><input type="{}" class="form-check-input{}" name="{}" value="{}"{}>'
                '<label for="{}" class="form-check-label">{}</label>{}</div>',
                option["type"], invalid, field.html_name, unlocalize(option["value"]), _attrs(option["attrs"]),
                option["attrs"].get("id", ""), unlocalize(option["label"]),
                _errors(field, inline=False) if show_errors and last else ""))
    return format_html("<div>{}</div>{}", format_html_join("", "{}", ((part,) for part in parts)), _help_text(field))


def render_field(field: forms.BoundField, context: Mapping[str, Any]) -> SafeString | None:
    """The field as crispy-bootstrap5's field.html writes it with `context`'s options, or None when those
    options (or the widget) are outside what this module writes."""
    widget = field.field.widget
    if (any(context.get(name) for name in _UNHANDLED) or "form-horizontal" in (context.get("form_class") or "")
            or not context.get("form_show_labels") or isinstance(widget, (forms.FileInput, forms.MultiWidget))
            or hasattr(widget, "widget")):
        return None
    if field.is_hidden:
        return field.as_widget()
    show_errors = bool(context.get("form_show_errors"))
    inline_errors = bool(context.get("error_text_inline"))  # False without a helper, True with one
    css = field.css_classes()
    css = f" {css}" if css else ""
    required = " requiredField" if field.field.required else ""

    def help_and_errors() -> SafeString:  # layout/help_text_and_errors.html, help text not inline
        return format_html("{}{}", _errors(field, inline=inline_errors) if show_errors else "", _help_text(field))

    if isinstance(widget, forms.CheckboxInput):
        _add_classes(widget, "form-check-input is-invalid" if field.errors else "form-check-input")
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">{}<label for="{}" class="form-check-label{}">{}'
            "</label>{}</div></div>",
            field.auto_id, css, _widget_html(field), field.id_for_label, required, _label_text(field), help_and_errors())

    label = opening = closing = SafeString("")
    fieldset = field.use_fieldset and bool(field.label)
    if field.label:
        if fieldset:
            described = field.aria_describedby
            opening = format_html('<fieldset aria-describedby="{}">', described) if described else SafeString("<fieldset>")
            closing = SafeString("</fieldset>")
        label_for = format_html(' for="{}"', field.id_for_label) if field.id_for_label else ""
        tag = "legend" if fieldset else "label"
        label = format_html('<{}{} class="form-label{}{}">{}</{}>', tag, label_for, required, " fs-6" if fieldset else "",
                            _label_text(field), tag)
    if isinstance(widget, _CHOICES):
        body = _choices_html(field, show_errors=show_errors)
    else:
        kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
        _add_classes(widget, f"{kind} is-invalid" if field.errors else kind)
        body = format_html("{}{}", _widget_html(field), help_and_errors())
    return format_html('<div id="div_{}" class="mb-3{}">{}{}{}{}</div>', field.auto_id, css, opening, label, body, closing)
