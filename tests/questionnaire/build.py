"""Questionnaires for tests: the built-in pages with custom pages between them, written as rows."""

from __future__ import annotations

from typing import Any

from surveys.models import Campaign
from surveys.questionnaire import services
from surveys.questionnaire.models import Choice, Question, QuestionnairePage
from surveys.steps import STEP_SLUGS


def pages(campaign: Campaign, *custom: tuple[str, str, int]) -> dict[str, QuestionnairePage]:
    """The built-in pages in order, with custom pages (key, title, after the built-in page at that index)."""
    rows = {}
    position = 0
    for index, slug in enumerate(STEP_SLUGS):
        position += 10
        rows[slug] = QuestionnairePage.objects.create(campaign=campaign, kind=slug, key=slug, position=position)
        for key, title, after in custom:
            if after == index:
                position += 10
                rows[key] = QuestionnairePage.objects.create(campaign=campaign, kind="custom", key=key, title=title,
                                                             position=position)
    return rows


def question(page: QuestionnairePage, key: str, kind: str, label: str = "", *, choices: list[str] | None = None,
             **fields: Any) -> Question:
    """A question with choices named by their keys (labels made from them), and its first wording kept."""
    position = page.questions.count() + 1
    created = Question.objects.create(page=page, campaign=page.campaign, key=key, kind=kind, position=position,
                                      label=label or key.replace("_", " ").capitalize(), **fields)
    for n, choice in enumerate(choices or [], start=1):
        Choice.objects.create(question=created, key=choice, label=choice.replace("_", " ").capitalize(), position=n)
    services.record_wording(created, by=None)
    return created
