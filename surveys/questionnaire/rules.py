"""The rules a questionnaire's shape must follow, over plain data (the admin and the XLSForm import share them).

- organisation and contact come first, in that order; consent comes last; the areas of interest are always
  asked; each built-in page appears at most once; custom pages go anywhere between;
- the challenges per area and every question asked per area come after the areas of interest;
- keys are unique in the questionnaire (pages and questions alike, as names are in an XLSForm) and none is
  a word the portal uses itself;
- a page's condition reads only answers of earlier pages; a question's condition reads earlier pages and
  the questions before it on its own page (evaluated on the server: before the page is shown, and again
  with the page's own answers when it is sent), in the supported subset (surveys/questionnaire/conditions.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from surveys.questionnaire import conditions
from surveys.questionnaire.models import PageKind
from surveys.questionnaire.structure import BUILT_IN_KEYS, FIXED_KINDS, RESERVED_KEYS


@dataclass
class QuestionSpec:
    key: str
    per_area: bool = False
    relevant: str = ""
    where: str = ""  # how to name it in a message ("row 12", "question budget")


@dataclass
class PageSpec:
    kind: str
    key: str
    relevant: str = ""
    questions: list[QuestionSpec] = field(default_factory=list)
    where: str = ""


def _name(page: PageSpec) -> str:
    return page.where or (_("page “%(key)s”") % {"key": page.key})


def check_structure(pages: list[PageSpec]) -> list[str]:
    """Every way `pages` breaks the rules, as sentences for the secretariat (empty when it is fine)."""
    problems: list[str] = []
    kinds = [p.kind for p in pages]
    labels = dict(PageKind.choices)
    for kind in FIXED_KINDS:
        if kind not in kinds:
            problems.append(_("The page “%(page)s” is always part of a questionnaire.") % {"page": labels[kind]})
    for repeated in set(kinds) - {PageKind.CUSTOM}:
        if kinds.count(repeated) > 1:
            problems.append(_("The page “%(page)s” appears more than once.") % {"page": labels[repeated]})
    if kinds[:2] != [PageKind.ORGANISATION, PageKind.CONTACT]:
        problems.append(_("The organisation page comes first and the contact page second."))
    if kinds and kinds[-1] != PageKind.CONSENT:
        problems.append(_("The consent page comes last."))
    seen: set[str] = set()
    known: list[str] = []
    interests_done = False
    for page in pages:
        if page.kind == PageKind.CHALLENGES and not interests_done:
            problems.append(_("The challenges per area come after the areas of interest."))
        if page.key in seen:
            problems.append(_("%(where)s: the key “%(key)s” is used twice.") % {"where": _name(page), "key": page.key})
        if page.kind != PageKind.CUSTOM and page.key != page.kind:
            problems.append(_("%(where)s: a built-in page's key is its kind, “%(kind)s”.")
                            % {"where": _name(page), "kind": page.kind})
        if page.kind != PageKind.CUSTOM and page.relevant:
            problems.append(_("%(where)s: a built-in page is always asked; conditions go on your own pages and "
                              "questions.") % {"where": _name(page)})
        if page.kind == PageKind.CUSTOM and page.key in RESERVED_KEYS:
            problems.append(_("%(where)s: “%(key)s” is a name the portal uses itself; choose another key.")
                            % {"where": _name(page), "key": page.key})
        seen.add(page.key)
        if page.relevant and page.kind == PageKind.CUSTOM:
            problems += _condition(page.relevant, known, _name(page))
        on_page: list[str] = []
        for question in page.questions:
            where = question.where or (_("question “%(key)s”") % {"key": question.key})
            if question.key in seen:
                problems.append(_("%(where)s: the key “%(key)s” is used twice.") % {"where": where, "key": question.key})
            if question.key in RESERVED_KEYS:
                problems.append(_("%(where)s: “%(key)s” is a name the portal uses itself; choose another key.")
                                % {"where": where, "key": question.key})
            seen.add(question.key)
            if question.per_area and not interests_done:
                problems.append(_("%(where)s: a question asked per area comes after the areas of interest.")
                                % {"where": where})
            if question.relevant:
                problems += _condition(question.relevant, known + on_page, where)
            if not question.per_area:
                on_page.append(question.key)
        known += BUILT_IN_KEYS.get(page.kind, ())
        known += [q.key for q in page.questions if not q.per_area]
        interests_done = interests_done or page.kind == PageKind.INTERESTS
    return problems


def _condition(text: str, known: list[str], where: str) -> list[str]:
    try:
        conditions.check(text, known)
    except conditions.ConditionError as error:
        return [_("%(where)s, condition “%(text)s”: %(error)s") % {"where": where, "text": text, "error": error}]
    return []
