"""The custom questions' columns of the responses export: one per question (per area when asked per area),
one per option for several choices, labelled by key and text; and, for a question whose wording changed,
a column saying which wording each answer was given to.

Retired questions keep their columns (their answers stay). Answers of a chunk of responses are read in two
queries (answers, ticked choices), so the export keeps its fixed number of queries per chunk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from surveys.models import ThematicArea
from surveys.questionnaire.fields import scale_choices
from surveys.questionnaire.models import Answer, AnswerChoice, Question, QuestionKind, QuestionWording
from surveys.questionnaire.structure import date_text, number_text, questionnaires_of

Key = tuple[int, "int | None"]  # (question id, area id)


@dataclass(frozen=True)
class Column:
    header: str
    # the response's answers -> the cell (lambdas bind the loop's values as defaults, which mypy cannot type)
    cell: Callable[..., Any]


def _value(question: Question) -> Callable[[dict[str, Any]], str]:
    labels = {c.key: str(c.label) for c in question.choices.all()}
    kind = question.kind
    if kind == QuestionKind.ONE_CHOICE:
        return lambda a: ", ".join(labels.get(k, k) for k in a["choices"])
    if kind == QuestionKind.YES_NO:
        return lambda a: {True: _("Yes"), False: _("No"), None: ""}[a["boolean"]]
    if kind == QuestionKind.SCALE:
        points = dict(scale_choices(question))
        return lambda a: points.get(number_text(a["number"]), number_text(a["number"]))
    if kind == QuestionKind.NUMBER:
        return lambda a: number_text(a["number"])
    if kind == QuestionKind.DATE:
        return lambda a: date_text(a["date"])
    return lambda a: a["text"]


def _columns_of(question: Question, areas: Sequence[ThematicArea], prefix: str,
                wordings: dict[tuple[int, int], str]) -> list[Column]:
    columns: list[Column] = []
    name = f"{prefix}{question.key}"
    retired = _(" (retired)") if question.retired_at else ""
    targets: Sequence[ThematicArea | None] = [None]
    if question.per_area:
        targets = areas
    for area in targets:
        key: Key = (question.pk, area.pk if area else None)
        suffix = f" [{area.code}]" if area else ""
        label = f"{question.label} – {area.name}" if area else str(question.label)
        if question.kind == QuestionKind.SEVERAL_CHOICES:
            for choice in question.choices.all():
                columns.append(Column(
                    f"{name}{suffix}.{choice.key}: {label} – {choice.label}{retired}",
                    lambda answers, key=key, choice=choice.key: (
                        "" if key not in answers else (_("Yes") if choice in answers[key]["choices"] else _("No")))))
        else:
            value = _value(question)
            columns.append(Column(f"{name}{suffix}: {label}{retired}",
                                  lambda answers, key=key, value=value: value(answers[key]) if key in answers else ""))
        if question.version > 1:
            columns.append(Column(
                _("%(key)s: wording answered") % {"key": f"{name}{suffix}"},
                lambda answers, key=key, q=question.pk: (
                    wordings.get((q, answers[key]["version"]), "") if key in answers else "")))
    return columns


def custom_columns(campaign_ids: Iterable[int], areas: Sequence[ThematicArea], *, several_campaigns: bool) -> list[Column]:
    """The columns of the custom questions of these campaigns, in their questionnaires' order (four queries)."""
    questionnaires = questionnaires_of(campaign_ids)
    questions = [q for questionnaire in questionnaires.values() for q in questionnaire.questions]
    wordings = {(w.question_id, w.version): _("%(version)d (from %(date)s)") % {
        "version": w.version, "date": w.changed_at.date().isoformat()}
        for w in QuestionWording.objects.filter(question__in=[q.pk for q in questions if q.version > 1])}
    slugs = {}
    if several_campaigns:
        slugs = {a.campaign_id: a.campaign.slug for a in areas}
    columns: list[Column] = []
    for campaign_id, questionnaire in questionnaires.items():
        own_areas = [a for a in areas if a.campaign_id == campaign_id]
        prefix = f"{slugs.get(campaign_id, campaign_id)}/" if several_campaigns else ""
        for question in questionnaire.questions:
            columns += _columns_of(question, own_areas, prefix, wordings)
    return columns


def answers_of_chunk(base: QuerySet[Any], first: int, last: int) -> dict[int, dict[Key, dict[str, Any]]]:
    """Response id -> (question, area) -> the answer's values, for the responses of `base` from `first` to
    `last` (primary keys): two queries."""
    in_chunk = {"response_id__gte": first, "response_id__lte": last, "response__in": base.order_by().values("pk")}
    answers: dict[int, dict[Key, dict[str, Any]]] = defaultdict(dict)
    by_id: dict[int, dict[str, Any]] = {}
    for pk, response_id, question_id, area_id, text, number, date, boolean, version in (
            Answer.objects.filter(**in_chunk).order_by().values_list(
                "pk", "response_id", "question_id", "area_id", "text", "number", "date", "boolean", "version")):
        by_id[pk] = answers[response_id][(question_id, area_id)] = {
            "text": text, "number": number, "date": date, "boolean": boolean, "version": version, "choices": []}
    ticked = AnswerChoice.objects.filter(**{f"answer__{k}": v for k, v in in_chunk.items()}).order_by(
        "choice__position", "choice_id").values_list("answer_id", "choice__key")
    for answer_id, key in ticked:
        by_id[answer_id]["choices"].append(key)
    return answers
