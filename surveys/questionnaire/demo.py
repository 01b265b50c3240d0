"""The demo campaigns' questionnaires, as data (`make run`).

2020 and 2023 ask the built-in pages (2023 adds the role a body would take in each Community of Practice it
chose, asked per area); the open demo survey adds a page on joint procurement with a question shown only
after a "yes" on the same page, the timing of the next tender asked per area, and a page shown only to
central purchasing bodies. Texts in English, French and German.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from surveys.models import Campaign, Response
from surveys.questionnaire import services
from surveys.questionnaire.models import Answer, AnswerChoice, Choice, Question, QuestionnairePage
from surveys.steps import STEP_SLUGS


def _t(name: str, en: str, fr: str, de: str) -> dict[str, str]:
    return {f"{name}_en": en, f"{name}_fr": fr, f"{name}_de": de}


def _pages(campaign: Campaign, custom: dict[str, tuple[int, dict[str, Any]]]) -> dict[str, QuestionnairePage]:
    """The built-in pages in order, with `custom` pages (key -> (index of the built-in page after which it
    comes, its fields))."""
    rows: dict[str, QuestionnairePage] = {}
    position = 0
    for index, slug in enumerate(STEP_SLUGS):
        position += 10
        rows[slug] = QuestionnairePage.objects.create(campaign=campaign, kind=slug, key=slug, position=position)
        for key, (after, fields) in custom.items():
            if after == index:
                position += 10
                rows[key] = QuestionnairePage.objects.create(campaign=campaign, kind="custom", key=key,
                                                             position=position, **fields)
    return rows


def _question(page: QuestionnairePage, position: int, key: str, kind: str, texts: dict[str, str],
              choices: Sequence[tuple[str, dict[str, str]]] = (), **fields: Any) -> Question:
    question = Question.objects.create(page=page, campaign=page.campaign, key=key, kind=kind, position=position,
                                       **texts, **fields)
    Choice.objects.bulk_create([Choice(question=question, key=c, position=n, **labels)
                                for n, (c, labels) in enumerate(choices, start=1)])
    services.record_wording(question, by=None)
    return question


ROLES = [("leader", _t("label", "Lead the group", "Animer le groupe", "Die Gruppe leiten")),
         ("buyer", _t("label", "Buy with the group", "Acheter avec le groupe", "Mit der Gruppe beschaffen")),
         ("follower", _t("label", "Follow and learn", "Suivre et apprendre", "Folgen und lernen"))]
BUDGETS = [("under_1m", _t("label", "Under €1 million", "Moins d'un million d'euros", "Unter 1 Million Euro")),
           ("1m_10m", _t("label", "€1 to 10 million", "De 1 à 10 millions d'euros", "1 bis 10 Millionen Euro")),
           ("over_10m", _t("label", "Over €10 million", "Plus de 10 millions d'euros", "Über 10 Millionen Euro"))]
TIMING = [("this_year", _t("label", "This year", "Cette année", "Dieses Jahr")),
          ("next_year", _t("label", "Next year", "L'année prochaine", "Nächstes Jahr")),
          ("later", _t("label", "Later", "Plus tard", "Später"))]


def questionnaire_2020(campaign: Campaign) -> None:
    _pages(campaign, {})


def questionnaire_2023(campaign: Campaign) -> Question:
    rows = _pages(campaign, {"role": (4, _t("title", "Your role in the Communities of Practice",
                                            "Votre rôle dans les communautés de pratique",
                                            "Ihre Rolle in den Communities of Practice"))})
    return _question(rows["role"], 1, "role", "one_choice", _t(
        "label", "Which role would your organisation take?", "Quel rôle votre organisation prendrait-elle ?",
        "Welche Rolle würde Ihre Organisation übernehmen?"), ROLES, per_area=True)


def questionnaire_open(campaign: Campaign) -> dict[str, Question]:
    rows = _pages(campaign, {
        "joint": (2, {**_t("title", "Joint procurement", "Achats conjoints", "Gemeinsame Beschaffung"),
                      **_t("introduction", "A few questions about buying together with other public buyers.",
                           "Quelques questions sur les achats menés avec d'autres acheteurs publics.",
                           "Einige Fragen zur gemeinsamen Beschaffung mit anderen öffentlichen Auftraggebern.")}),
        "central": (2, {**_t("title", "Central purchasing bodies", "Centrales d'achat", "Zentrale Beschaffungsstellen"),
                        "relevant": "${body_type} = 'central_purchasing_body'"}),
    })
    joint = rows["joint"]
    return {
        "joint_procurement": _question(joint, 1, "joint_procurement", "yes_no", _t(
            "label", "Would you procure jointly with other public buyers?",
            "Achèteriez-vous conjointement avec d'autres acheteurs publics ?",
            "Würden Sie gemeinsam mit anderen öffentlichen Auftraggebern beschaffen?"), required=True),
        "joint_partners": _question(joint, 2, "joint_partners", "short_text", _t(
            "label", "With which buyers, if you know already?", "Avec quels acheteurs, si vous le savez déjà ?",
            "Mit welchen Auftraggebern, falls Sie es schon wissen?"), relevant="${joint_procurement} = 'yes'",
            max_length=300),
        "budget_range": _question(joint, 3, "budget_range", "one_choice", _t(
            "label", "Budget of your next tender", "Budget de votre prochain marché", "Budget Ihrer nächsten Ausschreibung"),
            BUDGETS, as_list=True),
        "next_tender": _question(joint, 4, "next_tender", "one_choice", _t(
            "label", "When is your next tender?", "Quand lancez-vous votre prochain marché ?",
            "Wann ist Ihre nächste Ausschreibung?"), TIMING, per_area=True),
        "member_bodies": _question(rows["central"], 1, "member_bodies", "number", _t(
            "label", "For how many public buyers do you purchase?", "Pour combien d'acheteurs publics achetez-vous ?",
            "Für wie viele öffentliche Auftraggeber beschaffen Sie?"), min_value=1, whole_number=True),
    }


def answer_demo(response: Response, questions: dict[str, Question], rng: random.Random) -> None:
    """Answers of a demo response to the open survey's questions (the areas it chose get a timing each)."""
    def tick(question: Question, key: str, **fields: Any) -> None:
        answer = Answer.objects.create(response=response, question=question, version=question.version, **fields)
        AnswerChoice.objects.create(answer=answer, choice=question.choices.get(key=key))

    willing = rng.random() < 0.6
    Answer.objects.create(response=response, question=questions["joint_procurement"], boolean=willing)
    if willing:
        Answer.objects.create(response=response, question=questions["joint_partners"], text="Neighbouring cities")
    tick(questions["budget_range"], rng.choice([k for k, _labels in BUDGETS]))
    for interest in response.interests.select_related("area"):
        tick(questions["next_tender"], rng.choice([k for k, _labels in TIMING]), area=interest.area)
    response.steps_done = [*response.steps_done, "joint"]
    if response.organisation.body_type == "central_purchasing_body":
        Answer.objects.create(response=response, question=questions["member_bodies"], number=rng.randint(5, 60))
        response.steps_done.append("central")
    Response.objects.filter(pk=response.pk).update(steps_done=response.steps_done)


def answer_roles(response: Response, role: Question, rng: random.Random) -> None:
    for interest in response.interests.select_related("area"):
        answer = Answer.objects.create(response=response, question=role, area=interest.area)
        AnswerChoice.objects.create(answer=answer, choice=role.choices.get(key=rng.choice(["leader", "buyer", "buyer",
                                                                                          "follower"])))
    Response.objects.filter(pk=response.pk).update(steps_done=[*response.steps_done, "role"])


TRANSLATIONS = {
    "climate-environment-2020": ("Big Buyers pour le climat et l'environnement – évaluation des besoins 2020-21",
                                 "Big Buyers für Klima und Umwelt – Bedarfsermittlung 2020-21"),
    "working-together-2023": ("Big Buyers Working Together – évaluation des besoins 2023",
                              "Big Buyers Working Together – Bedarfsermittlung 2023"),
    "working-together-demo": ("Big Buyers Working Together – enquête de démonstration ouverte",
                              "Big Buyers Working Together – offene Demo-Umfrage"),
}


def translate_names(campaigns: list[Campaign]) -> None:
    for campaign in campaigns:
        french, german = TRANSLATIONS[campaign.slug]
        Campaign.objects.filter(pk=campaign.pk).update(name_fr=french, name_de=german)


__all__ = ["answer_demo", "answer_roles", "questionnaire_2020", "questionnaire_2023", "questionnaire_open",
           "translate_names"]
