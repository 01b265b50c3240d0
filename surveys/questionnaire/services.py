"""What changes questionnaires and their answers.

Answers: ``save_custom_page`` replaces a page's answers; ``forget_hidden_answers`` removes those that the
conditions now hide (after every saved page and on submit), so that an answer to a question that became
hidden is neither kept nor exported.

Safety once answers exist: a question or a choice with answers is retired, never deleted
(``delete_question`` refuses, and the database protects them too) and keeps its kind; each change of the
texts a respondent reads is kept as a new wording (``record_wording``) with who and when, and answers keep
the wording they were given to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bigbuyers.models import User
from surveys.models import AreaInterest, Campaign, Response
from surveys.questionnaire.models import (
    Answer,
    AnswerChoice,
    Choice,
    Question,
    QuestionKind,
    QuestionnairePage,
    QuestionWording,
)
from surveys.questionnaire.structure import (
    BuiltInValues,
    Page,
    Questionnaire,
    answers_by_item,
    questionnaire_of,
    visibility,
)
from surveys.steps import STEP_SLUGS

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class QuestionHasAnswers(Exception):
    """The question (or choice) has answers: it can be retired, not deleted, and its kind cannot change."""


class QuestionnaireHasAnswers(Exception):
    """The campaign's questionnaire already has answers: it cannot be replaced by a copy or an import."""


# Answers ----------------------------------------------------------------------------------------------------

@transaction.atomic
def save_custom_page(response: Response, page: Page, *, values: Mapping[tuple[int, int | None], Any]) -> None:
    """Replace the response's answers to the questions of `page` it was asked with `values`
    ((question id, area id or None) -> cleaned value; empty values remove the answer). Answers to retired
    questions are left as they are. Raises SurveyClosed after the deadline."""
    from surveys.questionnaire.fields import stored
    from surveys.services.responses import _ensure_open, _touch

    _ensure_open(response, response.campaign)
    questions = {q.pk: q for q in page.asked}
    Answer.objects.filter(response=response, question_id__in=list(questions)).delete()
    rows: list[tuple[Answer, list[str]]] = []
    for (question_id, area_id), value in values.items():
        question = questions[question_id]
        fields = stored(question, value)
        if fields is None:
            continue
        keys = fields.pop("choices", [])
        rows.append((Answer(response=response, question=question, area_id=area_id, version=question.version,
                            **fields), keys))
    created = Answer.objects.bulk_create([answer for answer, _keys in rows])
    ids = {(q.pk, c.key): c.pk for q in questions.values() for c in q.choices.all()}
    AnswerChoice.objects.bulk_create([AnswerChoice(answer=answer, choice_id=ids[answer.question_id, key])
                                      for answer, (_a, keys) in zip(created, rows, strict=True) for key in keys])
    _touch(response, page.key)


def built_in_values(response: Response) -> BuiltInValues:
    """The built-in answers conditions read, fresh from the database (two queries)."""
    row = (Response.objects.filter(pk=response.pk)
           .values("organisation__body_type", "organisation__country", "organisation__size",
                   "organisation__purchasing_volume", "interview_willing").get())
    areas = AreaInterest.objects.filter(response_id=response.pk).order_by("area__position").values_list(
        "area__code", flat=True)
    return BuiltInValues(body_type=row["organisation__body_type"], country=row["organisation__country"] or "",
                         size=row["organisation__size"], purchasing_volume=row["organisation__purchasing_volume"],
                         interested_areas=tuple(areas), interview_willing=row["interview_willing"])


def current_answers(response: Response) -> list[Answer]:
    return list(Answer.objects.filter(response_id=response.pk).prefetch_related("choices"))


@transaction.atomic
def forget_hidden_answers(response: Response, questionnaire: Questionnaire | None = None) -> int:
    """Delete the answers the conditions now hide (a hidden question, a hidden page, an area no longer chosen),
    and the hidden pages from the steps done; returns how many answers went."""
    questionnaire = questionnaire or questionnaire_of(response.campaign_id)
    if not questionnaire.questions:
        return 0
    values = built_in_values(response)
    answers = current_answers(response)
    shown = visibility(questionnaire, values, answers_by_item(answers))
    chosen = set(AreaInterest.objects.filter(response_id=response.pk).values_list("area_id", flat=True)) \
        if questionnaire.has_per_area else set()
    asked = {q.pk: q for q in questionnaire.questions if q.retired_at is None}
    stale = [a.pk for a in answers if a.question_id in asked and (
        not shown.shows(asked[a.question_id]) or (a.area_id is not None and a.area_id not in chosen))]
    if stale:
        Answer.objects.filter(pk__in=stale).delete()
    hidden_pages = [p.key for p in questionnaire.pages if not shown.shows_page(p.key)]
    done = Response.objects.filter(pk=response.pk).values_list("steps_done", flat=True).get()
    if any(key in done for key in hidden_pages):
        Response.objects.filter(pk=response.pk).update(steps_done=[k for k in done if k not in hidden_pages])
    return len(stale)


# The questionnaire itself ------------------------------------------------------------------------------------

def wording_texts(question: Question) -> dict[str, Any]:
    """The texts of `question` a respondent reads, in every language (a wording's snapshot)."""
    def each(obj: Any, name: str) -> dict[str, str]:
        return {code: getattr(obj, f"{name}_{code}") or "" for code in LANGUAGES}

    texts: dict[str, Any] = {name: each(question, name) for name in ("label", "help_text", "unit", "low_label",
                                                                       "high_label")}
    texts["choices"] = {c.key: each(c, "label") for c in Choice.objects.filter(question=question).order_by("position", "pk")}
    return texts


@transaction.atomic
def record_wording(question: Question, *, by: User | None) -> QuestionWording | None:
    """Keep the question's current texts as a new wording when they differ from the last one kept.

    The first call keeps version 1; a change adds the next version, and the answers given from then on
    carry it. Returns the new wording, or None when nothing changed.
    """
    texts = wording_texts(question)
    last = QuestionWording.objects.filter(question=question).order_by("-version").first()
    if last is not None and last.texts == texts:
        return None
    version = last.version + 1 if last else 1
    wording = QuestionWording.objects.create(question=question, version=version, texts=texts, changed_by=by)
    Question.objects.filter(pk=question.pk).update(version=version)
    question.version = version
    return wording


def has_answers(question: Question) -> bool:
    return Answer.objects.filter(question=question).exists()


def retire_question(question: Question) -> None:
    """No longer ask `question`; its answers stay, in exports and figures."""
    Question.objects.filter(pk=question.pk, retired_at=None).update(retired_at=timezone.now())


def retire_choice(choice: Choice) -> None:
    """No longer offer `choice`; answers that ticked it stay."""
    Choice.objects.filter(pk=choice.pk, retired_at=None).update(retired_at=timezone.now())


@transaction.atomic
def delete_question(question: Question) -> None:
    """Delete a question nobody answered; raises QuestionHasAnswers otherwise (retire it instead)."""
    if has_answers(question):
        raise QuestionHasAnswers(question.key)
    question.delete()


def ensure_pages(campaign: Campaign) -> list[QuestionnairePage]:
    """The campaign's page rows, written as the built-in pages in their usual order when it has none."""
    rows = list(QuestionnairePage.objects.filter(campaign=campaign).order_by("position", "pk"))
    if rows:
        return rows
    return QuestionnairePage.objects.bulk_create([
        QuestionnairePage(campaign=campaign, kind=slug, key=slug, position=(n + 1) * 10)
        for n, slug in enumerate(STEP_SLUGS)])


def campaign_has_answers(campaign: Campaign) -> bool:
    return Answer.objects.filter(question__campaign=campaign).exists()


def _translations(obj: Any, *names: str) -> dict[str, Any]:
    return {f"{name}_{code}": getattr(obj, f"{name}_{code}") for name in names for code in LANGUAGES}


@transaction.atomic
def copy_questionnaire(source: Campaign, target: Campaign, *, by: User | None) -> int:
    """Make `target`'s questionnaire a copy of `source`'s (pages, questions not retired, choices not retired,
    every language); returns the number of questions copied. Raises QuestionnaireHasAnswers when `target`'s
    questions already have answers (nothing is changed then)."""
    if campaign_has_answers(target):
        raise QuestionnaireHasAnswers(target.slug)
    Question.objects.filter(campaign=target).delete()
    QuestionnairePage.objects.filter(campaign=target).delete()
    source_pages = questionnaire_of(source.pk)
    copied = 0
    for position, page in enumerate(source_pages.pages, start=1):
        row = page.row
        new_page = QuestionnairePage.objects.create(
            campaign=target, kind=page.kind, key=page.key, position=position * 10, relevant=page.relevant,
            **(_translations(row, "title", "introduction") if row is not None else {}))
        for q_position, question in enumerate(page.asked, start=1):
            fields = {f: getattr(question, f) for f in (
                "key", "kind", "required", "per_area", "relevant", "max_length", "min_value", "max_value",
                "whole_number", "min_choices", "max_choices", "as_list", "scale_points", "personal_data")}
            new = Question.objects.create(page=new_page, campaign=target, position=q_position * 10, **fields,
                                          **_translations(question, "label", "help_text", "unit", "low_label",
                                                          "high_label"))
            Choice.objects.bulk_create([
                Choice(question=new, key=c.key, position=c.position, **_translations(c, "label"))
                for c in question.choices.all() if c.retired_at is None])
            record_wording(new, by=by)
            copied += 1
    return copied


def personal_questions(campaign_filter: Q) -> Q:
    """Answers that may identify a person: questions flagged so, and every e-mail address."""
    return campaign_filter & (Q(question__personal_data=True) | Q(question__kind=QuestionKind.EMAIL))

