"""A campaign's questionnaire as plain data, read in at most three queries, and what a response is asked.

``questionnaire_of(campaign)`` reads the pages, the questions of the custom pages and their choices once
(the form of a page is built from these, with no query per question). A campaign without page rows asks
the built-in pages in their usual order. ``Visibility`` says, from a response's answers, which pages and
questions its conditions show: hidden ones are skipped, not required, and their answers not kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import Prefetch
from django.utils.translation import get_language

from surveys.questionnaire import conditions
from surveys.questionnaire.models import Answer, Choice, PageKind, Question, QuestionKind, QuestionnairePage
from surveys.steps import STEP_SLUGS, STEPS

# Pages every questionnaire has: organisation and contact first, the areas of interest, consent last.
FIXED_KINDS = (PageKind.ORGANISATION, PageKind.CONTACT, PageKind.INTERESTS, PageKind.CONSENT)
# What the built-in pages answer, usable in conditions once their page has come (values as stored).
BUILT_IN_KEYS: dict[str, tuple[str, ...]] = {
    PageKind.ORGANISATION: ("body_type", "country", "size", "purchasing_volume"),
    PageKind.INTERESTS: ("interested_areas",),
    PageKind.INTERVIEW: ("interview_willing",),
}
RESERVED_KEYS = frozenset(k for keys in BUILT_IN_KEYS.values() for k in keys) | frozenset(STEP_SLUGS) | {
    "eligibility", "review", "submit", "done", "closed", "colleagues", "access", "custom"}
_TITLES = {step.slug: step.title for step in STEPS}


@dataclass
class Page:
    """One page of a questionnaire, built-in or custom."""

    kind: str
    key: str
    row: QuestionnairePage | None = None
    questions: list[Question] = field(default_factory=list)  # custom pages: every question, retired ones too

    @property
    def slug(self) -> str:  # the survey's address and navigation name it so
        return self.key

    @property
    def title(self) -> str:
        if self.row is not None and self.row.title:
            return self.row.title
        return str(_TITLES.get(self.kind, self.key))

    @property
    def introduction(self) -> str:
        return self.row.introduction if self.row is not None else ""

    @property
    def relevant(self) -> str:
        return self.row.relevant if self.row is not None else ""

    @property
    def is_custom(self) -> bool:
        return self.kind == PageKind.CUSTOM

    @property
    def asked(self) -> list[Question]:
        return [q for q in self.questions if q.retired_at is None]


@dataclass(frozen=True)
class QuestionTexts:
    """What a question says in one language (django-modeltranslation's columns, with its fallbacks)."""

    label: str
    help_text: str
    unit: str
    low_label: str
    high_label: str
    choices: tuple[tuple[str, str], ...]  # (key, label) of the choices asked, not retired, in order
    choice_labels: Mapping[str, str]  # every choice, retired ones too: key -> label

    @classmethod
    def of(cls, question: Question) -> QuestionTexts:
        every = [(c.key, str(c.label or ""), c.retired_at is None) for c in question.choices.all()]
        label, help_text, unit, low, high = (str(text or "") for text in (
            question.label, question.help_text, question.unit, question.low_label, question.high_label))
        return cls(label, help_text, unit, low, high, tuple((key, name) for key, name, asked in every if asked),
                   {key: name for key, name, _asked in every})


@dataclass
class Questionnaire:
    campaign_id: int
    pages: list[Page]
    is_default: bool = False
    # Per language and question: kept with the questionnaire, which is read again when the secretariat edits it.
    _texts: dict[tuple[str, int], QuestionTexts] = field(default_factory=dict, repr=False, compare=False)

    def texts(self, question: Question) -> QuestionTexts:
        """The question's texts in the active language, read once per language (each translated attribute
        costs a look-up of the language and its fallbacks: a fifth of building a page of 30 questions)."""
        key = (get_language(), question.pk)
        texts = self._texts.get(key)
        if texts is None:
            texts = self._texts[key] = QuestionTexts.of(question)
        return texts

    def page(self, key: str) -> Page | None:
        return next((p for p in self.pages if p.key == key), None)

    @property
    def keys(self) -> list[str]:
        return [p.key for p in self.pages]

    @cached_property
    def questions(self) -> list[Question]:
        """Every question of every custom page, in the questionnaire's order (retired ones too)."""
        return [q for p in self.pages for q in p.questions]

    @cached_property
    def has_conditions(self) -> bool:
        return any(p.relevant for p in self.pages) or any(q.relevant for q in self.questions)

    @cached_property
    def reads(self) -> frozenset[str]:
        """Every name a condition reads: built-in answers ("body_type", "interested_areas"…) and question keys."""
        return frozenset().union(*(_names_read(p.relevant) for p in self.pages),
                                 *(_names_read(q.relevant) for q in self.questions))

    def decided_by(self, page: Page) -> bool:
        """Whether saving `page` can change what the response is asked: a condition reads one of its answers,
        or (the interests page) per-area questions follow the areas chosen."""
        sets = {q.key for q in page.questions} if page.is_custom else set(BUILT_IN_KEYS.get(page.kind, ()))
        return bool(sets & self.reads) or (page.kind == PageKind.INTERESTS and self.has_per_area)

    @cached_property
    def pages_read_answers(self) -> bool:
        """Whether which pages are asked can depend on answers to questions, not on built-in answers only: a page's
        condition reads one, or a custom page asks only conditional questions and one of them reads one (a page
        with a question asked unconditionally is shown whenever its own condition holds)."""
        keys = {q.key for q in self.questions}

        def reads_answers(text: str) -> bool:
            return bool(_names_read(text) & keys)

        return any(reads_answers(page.relevant) or (
            page.is_custom and all(q.relevant for q in page.asked) and any(reads_answers(q.relevant) for q in page.asked))
            for page in self.pages)

    @cached_property
    def has_per_area(self) -> bool:
        return any(q.per_area for q in self.questions)


def _names_read(condition: str) -> frozenset[str]:
    if not condition.strip():
        return frozenset()
    try:
        return frozenset(conditions.references(conditions.parse(condition)))
    except conditions.ConditionError:  # never holds or fails: asked (see _holds), reads nothing
        return frozenset()


def default_pages() -> list[Page]:
    return [Page(kind=slug, key=slug) for slug in STEP_SLUGS]


def questionnaires_of(campaign_ids: Iterable[int]) -> dict[int, Questionnaire]:
    """The questionnaires of several campaigns: three queries whatever their number (one without custom pages)."""
    ids = list(dict.fromkeys(campaign_ids))
    rows = list(QuestionnairePage.objects.filter(campaign_id__in=ids).order_by("campaign_id", "position", "pk"))
    custom = [row.pk for row in rows if row.kind == PageKind.CUSTOM]
    questions: dict[int, list[Question]] = {}
    if custom:
        for question in (Question.objects.filter(page_id__in=custom).order_by("position", "pk")
                         .prefetch_related(Prefetch("choices", Choice.objects.order_by("position", "pk")))):
            questions.setdefault(question.page_id, []).append(question)
    result = {}
    for campaign_id in ids:
        own = [r for r in rows if r.campaign_id == campaign_id]
        if not own:
            result[campaign_id] = Questionnaire(campaign_id, default_pages(), is_default=True)
            continue
        result[campaign_id] = Questionnaire(campaign_id, [
            Page(kind=row.kind, key=row.key, row=row, questions=questions.get(row.pk, [])) for row in own])
    return result


def questionnaire_of(campaign_id: int) -> Questionnaire:
    """One campaign's questionnaire (see questionnaires_of)."""
    return questionnaires_of([campaign_id])[campaign_id]


# Answers and what conditions see ---------------------------------------------------------------------------

Item = tuple[int, "int | None"]  # (question id, area id or None)


def answers_by_item(answers: Iterable[Answer]) -> dict[Item, Answer]:
    return {(a.question_id, a.area_id): a for a in answers}


def answer_value(question: Question, answer: Answer | None) -> conditions.Value:
    """An answer as conditions (and forms) see it: text, number, date, 'yes'/'no', a choice key or a list of keys."""
    if answer is None:
        return None
    kind = question.kind
    if kind in (QuestionKind.NUMBER, QuestionKind.SCALE):
        return answer.number
    if kind == QuestionKind.DATE:
        return answer.date
    if kind == QuestionKind.YES_NO:
        return None if answer.boolean is None else ("yes" if answer.boolean else "no")
    if kind in (QuestionKind.ONE_CHOICE, QuestionKind.SEVERAL_CHOICES):
        keys = [c.key for c in answer.choices.all()]
        return keys if kind == QuestionKind.SEVERAL_CHOICES else (keys[0] if keys else None)
    return answer.text


@dataclass(frozen=True)
class BuiltInValues:
    """The built-in answers conditions may read (organisation, areas chosen, interview)."""

    body_type: str = ""
    country: str = ""
    size: str = ""
    purchasing_volume: str = ""
    interested_areas: tuple[str, ...] = ()
    interview_willing: bool | None = None

    def as_values(self) -> dict[str, conditions.Value]:
        willing = None if self.interview_willing is None else ("yes" if self.interview_willing else "no")
        return {"body_type": self.body_type, "country": self.country, "size": self.size,
                "purchasing_volume": self.purchasing_volume, "interested_areas": list(self.interested_areas),
                "interview_willing": willing}


@dataclass
class Visibility:
    """Which pages and questions a response is asked, given its answers."""

    pages: set[str]
    questions: set[int]
    values: dict[str, conditions.Value] = field(default_factory=dict)  # what conditions read, after every page
    live: dict[int, str] = field(default_factory=dict)  # question id -> a condition read again when the page is sent

    def shows_page(self, key: str) -> bool:
        return key in self.pages

    def shows(self, question: Question) -> bool:
        return question.pk in self.questions


def _holds(text: str, values: Mapping[str, conditions.Value]) -> bool:
    try:
        return conditions.holds(text, values)
    except conditions.ConditionError:
        return True  # a condition that no longer reads (checked when saved): ask rather than hide


def _reads_own_page(question: Question, page: Page) -> bool:
    return bool(_names_read(question.relevant) & {q.key for q in page.asked if q.pk != question.pk})


def visibility(questionnaire: Questionnaire, built_in: BuiltInValues, answers: Mapping[Item, Answer], *,
               open_page: str | None = None) -> Visibility:
    """Pages and questions shown, in one pass in order: conditions read earlier answers, and a hidden question
    counts as unanswered for the conditions after it (as in XLSForm).

    On `open_page` (the page being shown), a question whose condition reads another question of the same page
    is shown with its condition in words, and decided when the page is sent (``live``).
    """
    values: dict[str, conditions.Value] = built_in.as_values()
    pages: set[str] = set()
    shown: set[int] = set()
    live: dict[int, str] = {}
    for page in questionnaire.pages:
        if not _holds(page.relevant, values):
            continue
        asked = False
        for question in page.asked:
            if page.key == open_page and question.relevant and _reads_own_page(question, page):
                live[question.pk] = question.relevant
            elif not _holds(question.relevant, values):
                continue
            shown.add(question.pk)
            asked = True
            if not question.per_area:
                values[question.key] = answer_value(question, answers.get((question.pk, None)))
        if asked or not page.is_custom:
            pages.add(page.key)
    return Visibility(pages, shown, values, live)


def everything_visible(questionnaire: Questionnaire) -> Visibility:
    """What a questionnaire without conditions asks: every page and every question not retired."""
    return Visibility({p.key for p in questionnaire.pages}, {q.pk for q in questionnaire.questions if q.retired_at is None})


def number_text(value: Decimal | None) -> str:
    """A stored number as typed: 12, not 12.0000."""
    if value is None:
        return ""
    return f"{value.normalize():f}"


def date_text(value: dt.date | None) -> str:
    return value.isoformat() if value else ""
