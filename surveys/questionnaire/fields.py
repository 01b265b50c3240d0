"""One form field per kind of question, the form of a custom page, and answers written out as text.

The page's form is built from the questions already read with the questionnaire (their choices
prefetched): building it makes no query.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from surveys.forms import MAX_TEXT, PortalForm
from surveys.models import ThematicArea
from surveys.questionnaire import conditions
from surveys.questionnaire.models import Answer, Question, QuestionKind
from surveys.questionnaire.structure import QuestionTexts, answer_value, date_text, number_text

SHORT_TEXT = 300
CHOOSE = gettext_lazy("Choose one of the options given.")


def _scale(points: int, low: str, high: str) -> list[tuple[str, str]]:
    choices = []
    for point in range(1, points + 1):
        end = low if point == 1 else high if point == points else ""
        choices.append((str(point), f"{point} – {end}" if end else str(point)))
    return choices


def scale_choices(question: Question) -> list[tuple[str, str]]:
    return _scale(question.scale_points, question.low_label, question.high_label)


def _several(question: Question, texts: QuestionTexts, **common: Any) -> forms.Field:
    field = forms.MultipleChoiceField(choices=texts.choices, widget=forms.CheckboxSelectMultiple,
                                      error_messages={"invalid_choice": CHOOSE}, **common)
    fewest, most = question.min_choices, question.max_choices

    def count(value: list[str]) -> None:
        if value and fewest and len(value) < fewest:
            raise forms.ValidationError(_("Choose at least %(count)d.") % {"count": fewest})
        if most and len(value) > most:
            raise forms.ValidationError(_("Choose at most %(count)d.") % {"count": most})

    field.validators.append(count)
    return field


def _number(question: Question, texts: QuestionTexts, **common: Any) -> forms.Field:
    low, high = question.min_value, question.max_value
    attrs = {"inputmode": "numeric" if question.whole_number else "decimal"}
    if question.whole_number:
        return forms.IntegerField(min_value=None if low is None else int(low), max_value=None if high is None else int(high),
                                  widget=forms.NumberInput(attrs=attrs), **common)
    return forms.DecimalField(max_digits=15, decimal_places=4, widget=forms.NumberInput(attrs={**attrs, "step": "any"}),
                              min_value=low, max_value=high, **common)


def _text(question: Question, *, long: bool, **common: Any) -> forms.Field:
    limit = question.max_length or (MAX_TEXT if long else SHORT_TEXT)
    widget = forms.Textarea(attrs={"rows": 4}) if long else forms.TextInput
    return forms.CharField(max_length=limit, widget=widget, **common)


# Each builds the field of a kind of question from the question and its texts in the active language.
FIELD_BUILDERS: dict[str, Callable[..., forms.Field]] = {
    QuestionKind.SHORT_TEXT: lambda q, t, **c: _text(q, long=False, **c),
    QuestionKind.LONG_TEXT: lambda q, t, **c: _text(q, long=True, **c),
    QuestionKind.NUMBER: _number,
    QuestionKind.DATE: lambda q, t, **c: forms.DateField(widget=forms.DateInput(attrs={"type": "date"}),
                                                         input_formats=["%Y-%m-%d"], **c),
    QuestionKind.YES_NO: lambda q, t, **c: forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))],
                                                             widget=forms.RadioSelect,
                                                             error_messages={"invalid_choice": CHOOSE}, **c),
    QuestionKind.ONE_CHOICE: lambda q, t, **c: forms.ChoiceField(
        choices=[("", _("Choose")), *t.choices] if q.as_list else t.choices,
        widget=forms.Select if q.as_list else forms.RadioSelect, error_messages={"invalid_choice": CHOOSE}, **c),
    QuestionKind.SEVERAL_CHOICES: _several,
    QuestionKind.SCALE: lambda q, t, **c: forms.ChoiceField(choices=_scale(q.scale_points, t.low_label, t.high_label),
                                                            widget=forms.RadioSelect,
                                                            error_messages={"invalid_choice": CHOOSE}, **c),
    QuestionKind.EMAIL: lambda q, t, **c: forms.EmailField(max_length=254, widget=forms.EmailInput, **c),
    QuestionKind.URL: lambda q, t, **c: forms.URLField(max_length=300, assume_scheme="https", **c),
}


def form_field(question: Question, texts: QuestionTexts, *, label: str | None = None, only_if: str = "") -> forms.Field:
    help_text = " ".join(filter(None, [texts.help_text, only_if]))
    if question.kind == QuestionKind.NUMBER and texts.unit:
        help_text = " ".join(filter(None, [help_text, _("In %(unit)s.") % {"unit": texts.unit}]))
    return FIELD_BUILDERS[question.kind](
        question, texts, label=label or texts.label, help_text=help_text, required=question.required)


def field_name(question: Question, area: ThematicArea | None) -> str:
    return f"q_{question.key}" + (f"__{area.code}" if area is not None else "")


@dataclass(frozen=True)
class Item:
    """One field of a custom page: a question, for one area when it is asked per area."""

    question: Question
    area: ThematicArea | None
    name: str


def initial_value(question: Question, answer: Answer | None) -> Any:
    value = answer_value(question, answer)
    if question.kind in (QuestionKind.NUMBER, QuestionKind.SCALE) and isinstance(value, Decimal):
        return number_text(value)
    return value


def _names(questions: Sequence[Question], texts: Callable[[Question], QuestionTexts],
           ) -> tuple[dict[str, str], dict[str, Mapping[str, str]]]:
    """The labels of `questions` and of their choices by key, as conditions.describe names them."""
    labels = {q.key: texts(q).label for q in questions}
    choices: dict[str, Mapping[str, str]] = {q.key: texts(q).choice_labels for q in questions}
    choices.update({q.key: {"yes": _("Yes"), "no": _("No")} for q in questions if q.kind == QuestionKind.YES_NO})
    return labels, choices


class CustomPageForm(PortalForm):
    """The questions of a custom page shown to this response, one field each (per area: one per area chosen)."""

    def __init__(self, *args: Any, questions: Sequence[Question], areas: Sequence[ThematicArea],
                 answers: Mapping[tuple[int, int | None], Answer], live: Mapping[int, str] | None = None,
                 values: Mapping[str, conditions.Value] | None = None,
                 texts: Callable[[Question], QuestionTexts] = QuestionTexts.of, **kwargs: Any) -> None:
        """`texts` gives a question's texts in the active language: a questionnaire's `texts`, kept per language."""
        super().__init__(*args, **kwargs)
        self.items: list[Item] = []
        # Questions whose condition reads this page's own answers: asked with the condition in words, and
        # decided on the server once the page is sent (no script needed).
        self.live = dict(live or {})
        self.base_values = dict(values or {})
        names = _names(questions, texts) if self.live else None  # the questions and choices conditions name
        for question in questions:
            only_if = ""
            if question.pk in self.live and names is not None:
                only_if = _("Only if %(condition)s.") % {"condition": conditions.describe(
                    conditions.parse(self.live[question.pk]), *names)}
            targets: Sequence[ThematicArea | None] = [None]
            if question.per_area:
                targets = areas
            for area in targets:
                item = Item(question, area, field_name(question, area))
                self.items.append(item)
                # Asked per area: the question is the fieldset's legend, each field is named by its area.
                label = area.name if area is not None else None
                self.fields[item.name] = form_field(question, texts(question), label=label, only_if=only_if)
                self.initial[item.name] = initial_value(question, answers.get((question.pk, area.pk if area else None)))

    def clean(self) -> dict[str, Any]:
        """Questions whose condition does not hold with this page's answers are not asked: no error, no answer."""
        super().clean()
        data = self.cleaned_data
        values = dict(self.base_values)
        for item in self.items:
            question = item.question
            if question.pk in self.live and not conditions.holds(self.live[question.pk], values):
                self.errors.pop(item.name, None)
                data[item.name] = None
                continue
            if item.area is None:
                values[question.key] = data.get(item.name)
        return data

    def groups(self) -> list[tuple[Question, list[forms.BoundField]]]:
        """The bound fields grouped by question, for the page's template (a fieldset per question asked per area)."""
        grouped: dict[int, tuple[Question, list[forms.BoundField]]] = {}
        for item in self.items:
            grouped.setdefault(item.question.pk, (item.question, []))[1].append(self[item.name])
        return list(grouped.values())

    def values(self) -> dict[tuple[int, int | None], Any]:
        """(question id, area id) -> the cleaned value, for the service that saves them."""
        return {(item.question.pk, item.area.pk if item.area else None): self.cleaned_data.get(item.name)
                for item in self.items}


def answer_text(question: Question, answer: Answer | None, *, none: str = "") -> str:
    """An answer as a person reads it: the choice's label, "Yes", a number with its unit…"""
    if answer is None:
        return none
    kind = question.kind
    if kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
        return ", ".join(str(c.label) for c in answer.choices.all()) or none
    if kind == QuestionKind.YES_NO:
        return {True: _("Yes"), False: _("No"), None: none}[answer.boolean]
    if kind == QuestionKind.SCALE:
        if answer.number is None:
            return none
        point = int(answer.number)
        return dict(scale_choices(question)).get(str(point), str(point))
    if kind == QuestionKind.NUMBER:
        if answer.number is None:
            return none
        return " ".join(filter(None, [number_text(answer.number), question.unit]))
    if kind == QuestionKind.DATE:
        return date_text(answer.date) or none
    return answer.text or none


def stored(question: Question, value: Any) -> dict[str, Any] | None:
    """A cleaned form value as Answer fields (and "choices": keys); None when unanswered."""
    if value in (None, "", []):
        return None
    kind = question.kind
    if kind in (QuestionKind.NUMBER, QuestionKind.SCALE):
        return {"number": Decimal(str(value))}
    if kind == QuestionKind.DATE:
        return {"date": value}
    if kind == QuestionKind.YES_NO:
        return {"boolean": value == "yes"}
    if kind == QuestionKind.ONE_CHOICE:
        return {"choices": [value]}
    if kind == QuestionKind.SEVERAL_CHOICES:
        return {"choices": list(value)}
    return {"text": str(value).strip()} if str(value).strip() else None
