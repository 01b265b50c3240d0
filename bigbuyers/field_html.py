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

import html
from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.template import Context
from django.templatetags.l10n import unlocalize
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

# Widgets whose HTML Django writes with its stock templates: written here the same way.
_INPUTS = (forms.TextInput, forms.EmailInput, forms.URLInput, forms.NumberInput, forms.DateInput, forms.TimeInput,
           forms.DateTimeInput, forms.PasswordInput, forms.CheckboxInput)
_CHOICES = (forms.RadioSelect, forms.CheckboxSelectMultiple)
# Context values of the crispy templates that this module leaves to bootstrap5 when they are set.
_UNHANDLED = ("tag", "label_class", "field_class", "wrapper_class", "help_text_inline", "flat_attrs", "inline_class")


def escape(value: object) -> str:
    """Django's `escape` (html.escape of the text) without the wrapper that lets it take lazy texts: a page of 30
    questions escapes some 700 values, and the wrapper cost more than the escaping."""
    return html.escape(str(value))


def conditional_escape(value: object) -> str:
    """Django's `conditional_escape` the same way: safe strings as they are, anything else escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """Django's widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items() if value is not False)


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


def _widget_html(field: forms.BoundField) -> str:
    """The widget as BoundField.as_widget() renders it, without the template engine for stock widgets."""
    widget = field.field.widget
    if type(widget) not in (*_INPUTS, forms.Textarea, forms.Select):
        return str(field.as_widget())
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = escape(context["name"])
    if isinstance(widget, forms.Textarea):
        value = conditional_escape(context["value"]) if context["value"] else ""
        return f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{value}</textarea>'
    if isinstance(widget, forms.Select):
        options = []
        for group_name, group_choices, _index in context["optgroups"]:
            if group_name:
                options.append(f'<optgroup label="{conditional_escape(group_name)}">')
            options += [f'<option value="{escape(str(o["value"]))}"{_attrs(o["attrs"])}>{conditional_escape(o["label"])}'
                        "</option>" for o in group_choices]
            if group_name:
                options.append("</optgroup>")
        return f'<select name="{name}"{_attrs(context["attrs"])}>{"".join(options)}</select>'
    value = "" if context["value"] is None else f' value="{escape(str(context["value"]))}"'
    return f'<input type="{escape(context["type"])}" name="{name}"{value}{_attrs(context["attrs"])}>'


def _errors(field: forms.BoundField, *, inline: bool) -> str:
    """layout/field_errors.html (inline: spans) or field_errors_block.html (paragraphs)."""
    if not field.errors:
        return ""
    tag = "span" if inline else "p"
    items = "".join(f'<{tag} id="error_{n}_{field.auto_id}"><strong>{conditional_escape(str(error))}</strong></{tag}>'
                    for n, error in enumerate(field.errors, start=1))
    field_id = getattr(field.errors, "field_id", field.auto_id)  # Django sets it on a field's errors
    return f'<div id="{field_id}_error" class="invalid-feedback">{items}</div>'


def _help_text(field: forms.BoundField) -> str:
    if not field.help_text:
        return ""
    id_attr = f'id="{field.auto_id}_helptext" ' if field.auto_id else ""
    return f'<div {id_attr}class="form-text">{field.help_text}</div>'  # HTML, as bootstrap5's |safe: the portal's own


def _label_text(field: forms.BoundField) -> str:
    asterisk = '<span class="asteriskField">*</span>' if field.field.required else ""
    return f"{conditional_escape(field.label)}{asterisk}"


def _choices_html(field: forms.BoundField, *, show_errors: bool) -> str:
    """layout/radio_checkbox_select.html: one form-check per option, the errors under the last one."""
    widget = field.field.widget
    id_ = widget.attrs.get("id") or field.auto_id
    attrs = field.build_widget_attrs({"id": id_} if id_ else {})
    groups = list(widget.optgroups(field.html_name, widget.format_value(field.value()), attrs))
    invalid = " is-invalid" if field.errors else ""
    parts = ["<div>"]
    for group_number, (group, options, _index) in enumerate(groups, start=1):
        if group:
            parts.append(f"<strong>{conditional_escape(group)}</strong>")
        for option_number, option in enumerate(options, start=1):
            last = option_number == len(options) and group_number == len(groups)
            parts.append(
                f'<div class="form-check"><input type="{option["type"]}" class="form-check-input{invalid}" '
                f'name="{escape(field.html_name)}" value="{conditional_escape(unlocalize(option["value"]))}"'
                f'{_attrs(option["attrs"])}><label for="{escape(option["attrs"].get("id", ""))}" class="form-check-label">'
                f'{conditional_escape(unlocalize(option["label"]))}</label>'
                f'{_errors(field, inline=False) if show_errors and last else ""}</div>')
    parts.append("</div>")
    parts.append(_help_text(field))
    return "".join(parts)


def render_field(field: forms.BoundField, context: Context | Mapping[str, Any]) -> SafeString | None:
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

    def help_and_errors() -> str:  # layout/help_text_and_errors.html, help text not inline
        return (_errors(field, inline=inline_errors) if show_errors else "") + _help_text(field)

    if isinstance(widget, forms.CheckboxInput):
        _add_classes(widget, "form-check-input is-invalid" if field.errors else "form-check-input")
        label_for = f' for="{field.id_for_label}"'
        # Every value above is escaped (escape, conditional_escape): written as f-strings, a third faster on a page
        # of 30 questions than through format_html.
        return mark_safe(  # noqa: S308  # nosec B308, B703
            f'<div class="mb-3"><div id="div_{field.auto_id}" class="form-check{css}">{_widget_html(field)}'
            f'<label{label_for} class="form-check-label{required}">{_label_text(field)}</label>'
            f"{help_and_errors()}</div></div>")

    parts = [f'<div id="div_{field.auto_id}" class="mb-3{css}">']
    fieldset = field.use_fieldset and bool(field.label)
    if field.label:
        if fieldset:
            described = field.aria_describedby
            parts.append(f'<fieldset aria-describedby="{described}">' if described else "<fieldset>")
        tag = "legend" if fieldset else "label"
        label_for = f' for="{field.id_for_label}"' if field.id_for_label else ""
        fs = " fs-6" if fieldset else ""
        parts.append(f'<{tag}{label_for} class="form-label{required}{fs}">{_label_text(field)}</{tag}>')
    if isinstance(widget, _CHOICES):
        parts.append(_choices_html(field, show_errors=show_errors))
    else:
        kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
        _add_classes(widget, f"{kind} is-invalid" if field.errors else kind)
        parts.append(_widget_html(field))
        parts.append(help_and_errors())
    if fieldset:
        parts.append("</fieldset>")
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703 - every value above is escaped

