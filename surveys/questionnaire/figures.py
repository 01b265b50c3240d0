"""The custom questions in the campaign dashboard and the needs-assessment report (submitted responses).

Dashboard: a chart with its table for each choice, yes/no and scale question (per area when asked per
area). Report: the same counts, and for the other kinds how many bodies answered (a number question also
its average once ``MIN_BODIES`` answered); free text is never quoted. When a question's wording changed,
a note says how many answers each wording got. A fixed number of queries whatever the number of questions
or responses: the questionnaire (three), the counts per choice, per yes/no and scale value, per wording,
and the numbers' averages.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from surveys.dashboard import Cell, Row, Section, SectionProvider, Table
from surveys.models import Campaign, ResponseStatus, ThematicArea
from surveys.questionnaire.fields import scale_choices
from surveys.questionnaire.models import Answer, AnswerChoice, Question, QuestionKind, QuestionWording
from surveys.questionnaire.structure import number_text, questionnaire_of
from surveys.report import MIN_BODIES

COUNTED = (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES, QuestionKind.YES_NO, QuestionKind.SCALE)


def _submitted(prefix: str = "") -> Q:
    return Q(**{f"{prefix}response__status": ResponseStatus.SUBMITTED})


def _options(question: Question) -> list[tuple[Any, str]]:
    if question.kind == QuestionKind.YES_NO:
        return [(True, _("Yes")), (False, _("No"))]
    if question.kind == QuestionKind.SCALE:
        return [(point, label) for point, label in ((int(p), label) for p, label in scale_choices(question))]
    return [(c.pk, str(c.label) + (_(" (retired)") if c.retired_at else "")) for c in question.choices.all()]


class _Counts:
    """Submitted answers counted per question, area and value (choice id, True/False, scale point): two queries."""

    def __init__(self, questions: list[Question]) -> None:
        self.counts: dict[tuple[int, int | None, Any], int] = defaultdict(int)
        choice_questions = [q.pk for q in questions if q.kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES)]
        if choice_questions:
            for row in (AnswerChoice.objects.filter(_submitted("answer__"), answer__question_id__in=choice_questions)
                        .order_by().values("answer__question_id", "answer__area_id", "choice_id").annotate(n=Count("pk"))):
                self.counts[row["answer__question_id"], row["answer__area_id"], row["choice_id"]] = row["n"]
        valued = [q.pk for q in questions if q.kind in (QuestionKind.YES_NO, QuestionKind.SCALE)]
        if valued:
            for row in (Answer.objects.filter(_submitted(), question_id__in=valued).order_by()
                        .values("question_id", "area_id", "boolean", "number").annotate(n=Count("pk"))):
                value = row["boolean"] if row["boolean"] is not None else (
                    int(row["number"]) if row["number"] is not None else None)
                self.counts[row["question_id"], row["area_id"], value] += row["n"]

    def get(self, question: Question, area: ThematicArea | None, value: Any) -> int:
        return self.counts.get((question.pk, area.pk if area else None, value), 0)


def _wording_notes(questions: list[Question]) -> dict[int, str]:
    """Question id -> how many submitted answers each wording got, for questions whose wording changed."""
    changed = [q.pk for q in questions if q.version > 1]
    if not changed:
        return {}
    # Written the reader's way, inside a sentence ("depuis le 2 décembre 2026", not "2026-12-02").
    dates = {(w.question_id, w.version): formats.date_format(w.changed_at.date(), "DATE_FORMAT")
             for w in QuestionWording.objects.filter(question_id__in=changed)}
    per_version: dict[int, list[str]] = defaultdict(list)
    for row in (Answer.objects.filter(_submitted(), question_id__in=changed).order_by()
                .values("question_id", "version").annotate(n=Count("response", distinct=True))
                .order_by("question_id", "version")):
        per_version[row["question_id"]].append(_("wording %(version)d (from %(date)s): %(count)d") % {
            "version": row["version"], "date": dates.get((row["question_id"], row["version"]), "?"), "count": row["n"]})
    separator = pgettext("between the items of a list in a sentence", "; ")
    return {pk: _("The wording changed; answers given to each: %(list)s.") % {"list": separator.join(lines)}
            for pk, lines in per_version.items()}


def _tables(campaign: Campaign, *, report: bool) -> tuple[list[Table], list[tuple[str, str]]]:
    questionnaire = questionnaire_of(campaign.pk)
    questions = [q for q in questionnaire.questions if not q.retired_at or q.kind in COUNTED]
    if not questions:
        return [], []
    areas = list(ThematicArea.objects.filter(campaign=campaign).order_by("position", "pk")) \
        if any(q.per_area for q in questions) else []
    counts = _Counts(questions)
    notes = _wording_notes(questions)
    tables: list[Table] = []
    facts: list[tuple[str, str]] = []
    others = [q for q in questions if q.kind not in COUNTED]
    answered = dict(Answer.objects.filter(_submitted(), question__in=others).order_by().values("question_id")
                    .annotate(n=Count("response", distinct=True)).values_list("question_id", "n")) if others else {}
    numbers = [q.pk for q in others if q.kind == QuestionKind.NUMBER and not q.per_area]
    averages = dict(Answer.objects.filter(_submitted(), question__in=numbers).order_by().values("question_id")
                    .annotate(avg=Avg("number")).values_list("question_id", "avg")) if numbers else {}
    for question in questions:
        retired = _(" (retired)") if question.retired_at else ""
        if question.kind not in COUNTED:
            n = answered.get(question.pk, 0)
            facts.append((_("Bodies that answered “%(question)s”%(retired)s") % {
                "question": question.label, "retired": retired}, str(n)))
            if question.pk in averages and n >= MIN_BODIES and averages[question.pk] is not None:
                facts.append((_("Average answer to “%(question)s”") % {"question": question.label},
                              " ".join(filter(None, [number_text(round(averages[question.pk], 2)), question.unit]))))
            continue
        options = _options(question)
        if question.per_area:  # a row per area, a column (series) per answer
            rows = [Row(area.name, tuple(Cell(counts.get(question, area, value)) for value, _label in options))
                    for area in areas]
            heading, columns = _("Area"), tuple(label for _value, label in options)
        else:
            rows = [Row(label, (Cell(counts.get(question, None, value)),)) for value, label in options]
            heading, columns = _("Answer"), (_("Bodies") if report else _("Submitted responses"),)
        tables.append(Table(f"{'report_' if report else ''}question_{question.key}", f"{question.label}{retired}",
                            heading, columns, rows, note=notes.get(question.pk, "")))
    return tables, facts


def questions_section(campaign: Campaign) -> Section | None:
    """The dashboard's section: a chart and a table per choice, yes/no and scale question."""
    tables, facts = _tables(campaign, report=False)
    if not tables and not facts:
        return None
    return Section("questions", _("The campaign's own questions"), tables, facts=facts)


def questions_report_section(campaign: Campaign) -> Section | None:
    """The report's section: counts only; free text is never quoted."""
    tables, facts = _tables(campaign, report=True)
    if not tables and not facts:
        return None
    return Section("questions", _("Answers to the campaign's own questions"), tables, facts=facts,
                   note=_("Counts of the bodies that submitted their answers; answers written freely are not quoted."))


DASHBOARD = SectionProvider("questions", 35, questions_section)
REPORT = SectionProvider("questions", 45, questions_report_section)
