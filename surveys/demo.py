"""Demo data for `make run`: the two real campaigns of the public texts, an open one, and answers.

The campaign facts (names, areas, deadlines, who may take part) come from the public texts in
shared/context; the organisations and their answers are invented, with fictional names.
"""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from bigbuyers.models import User
from surveys.eligibility import BodyType
from surveys.models import (
    AreaChallenge,
    AreaInterest,
    Campaign,
    DeadlineChange,
    Organisation,
    PlannedPurchase,
    Respondent,
    Response,
    ResponseStatus,
    ThematicArea,
)
from surveys.questionnaire import demo as questionnaire_demo

BRUSSELS = ZoneInfo("Europe/Brussels")

AREAS_2020 = [
    ("hdev", "Heavy-duty electric vehicles", "Electric buses, refuse trucks and other heavy vehicles."),
    ("zecs", "Zero-emission construction sites", "Emission-free machinery and logistics on construction sites."),
    ("cc", "Circular construction", "Reused and recycled materials, design for disassembly."),
    ("health", "Healthcare", "Sustainable and innovative purchasing by hospitals and care providers."),
    # The 2020 text announces six areas but names four; these two complete the demo.
    ("food", "Sustainable food and catering (demo)", "Organic, seasonal and low-waste catering."),
    ("ict", "Circular ICT (demo)", "Refurbished equipment and longer device lifetimes."),
]
AREAS_2023 = [
    ("zecs", "Zero emission construction sites (ZECS)", ""),
    ("hdev", "Heavy-duty electric vehicles (HDEV)", ""),
    ("cc", "Circular Construction (CC)", ""),
    ("solar", "Sustainable solar panels", ""),
    ("mobility", "Mobility", ""),
    ("ict", "Sustainability in ICT", ""),
    ("social", "Social", ""),
    ("neb", "New European Bauhaus", ""),
    ("health-eff", "Healthcare Efficiency", ""),
    ("health-sus", "Healthcare Sustainability", ""),
]

INTRO_2020 = (
    "Four new working groups will be established in early 2021. To set these up, we are carrying out a needs "
    "assessment to identify the most relevant procurement sectors and unmet needs to address.\n\n"
    "Tell us for which products or services you will be focusing your procurement work in the next months and "
    "which challenges you currently face. In January and February 2021 we will match your interest with those of "
    "other entities across Europe and further define the needs and possible joint actions through follow-up "
    "interviews. Each working group will involve between 5 and 10 public entities and will define its own "
    "objectives, activities, level of ambition and timeline, facilitated by the secretariat.\n\n"
    "Public organisations from any EU/EFTA country are welcome to participate; countries part of the EEA can "
    "participate in the meetings at their own expense."
)
INTRO_2023 = (
    "Under the Big Buyers Working Together project, ten Communities of Practice will be created. Each is devoted "
    "to the purchase of a specific product, work or service where European collaboration is needed. Members meet "
    "regularly online and in person, share experience, carry out joint market engagement, share market "
    "intelligence and develop joint procurement criteria and strategies. The secretariat facilitates study visits, "
    "market dialogues, producers' pitching sessions and meetings with industry associations.\n\n"
    "Membership is free and the costs of travel to in-person meetings are reimbursed (rules apply). Only public "
    "authorities that are contracting authorities under the public procurement directives can take part."
)

# (name, country, body type) — fictional names, real countries.
ORGANISATIONS = [
    ("Stadt Lindenau", "DE", BodyType.LOCAL_AUTHORITY),
    ("Landkreis Oberfeld", "DE", BodyType.REGIONAL_AUTHORITY),
    ("Ville de Montclair", "FR", BodyType.LOCAL_AUTHORITY),
    ("Centrale d'achat publique du Val", "FR", BodyType.CENTRAL_PURCHASING_BODY),
    ("Comune di Valdoro", "IT", BodyType.LOCAL_AUTHORITY),
    ("Regione Collina", "IT", BodyType.REGIONAL_AUTHORITY),
    ("Ayuntamiento de Sierramar", "ES", BodyType.LOCAL_AUTHORITY),
    ("Gemeente Westerhaven", "NL", BodyType.LOCAL_AUTHORITY),
    ("Inkoopbureau Lage Landen", "NL", BodyType.CENTRAL_PURCHASING_BODY),
    ("Stad Brugwater", "BE", BodyType.LOCAL_AUTHORITY),
    ("Miasto Zielonagóra Nowa", "PL", BodyType.LOCAL_AUTHORITY),
    ("Statens innkjøp Fjord", "NO", BodyType.CENTRAL_GOVERNMENT),
    ("Kaupunki Järvenranta", "FI", BodyType.LOCAL_AUTHORITY),
    ("Region Skogsbacka", "SE", BodyType.REGIONAL_AUTHORITY),
    ("Câmara Municipal de Ribeira Alta", "PT", BodyType.LOCAL_AUTHORITY),
    ("Hospital Universitario del Norte (demo)", "ES", BodyType.BODY_GOVERNED_BY_PUBLIC_LAW),
    ("Kommune Østerby", "DK", BodyType.LOCAL_AUTHORITY),
    ("Magistrat Donaustadt-Süd", "AT", BodyType.LOCAL_AUTHORITY),
    ("Municipality of Akrotiri Nea", "GR", BodyType.LOCAL_AUTHORITY),
    ("Reykjavíkurborg Vestur (demo)", "IS", BodyType.LOCAL_AUTHORITY),
    ("Stadt Seeufer", "CH", BodyType.LOCAL_AUTHORITY),
    ("Association of Coastal Municipalities (demo)", "IE", BodyType.ASSOCIATION_OF_AUTHORITIES),
    ("GreenBus Manufacturing Ltd (demo)", "DE", BodyType.PRIVATE_COMPANY),
    ("City of Northbridge", "GB", BodyType.LOCAL_AUTHORITY),
]

PURCHASES = {
    "hdev": [("Electric city buses", "34144910-0"), ("Electric refuse collection vehicles", "34144511-3")],
    "zecs": [("Zero-emission construction machinery rental", "45500000-2")],
    "cc": [("Renovation of a school with reused materials", "45214200-2")],
    "solar": [("Photovoltaic panels for public buildings", "09331200-0")],
    "ict": [("Refurbished laptops", "30213100-6")],
    "mobility": [("Shared e-bike scheme", "34430000-0")],
}
CHALLENGES = [
    "Few suppliers can deliver at the scale we need.",
    "Our budget rules make higher upfront costs hard to accept.",
    "We lack technical criteria to compare offers on lifecycle emissions.",
    "Market readiness is unclear; we would like a market dialogue with other buyers.",
]


def _areas(campaign: Campaign, areas: list[tuple[str, str, str]]) -> list[ThematicArea]:
    return [ThematicArea.objects.create(campaign=campaign, code=code, name=name, description=description, position=i)
            for i, (code, name, description) in enumerate(areas)]


def _answer(campaign: Campaign, areas: list[ThematicArea], organisation: Organisation, rng: random.Random,
            *, submitted: bool, when: dt.datetime) -> Response:
    email = f"contact{organisation.pk}@demo.example"
    user = User.objects.filter(email=email).first() or User.objects.create_user(email)
    response = Response.objects.create(
        campaign=campaign, organisation=organisation,
        contact_name=rng.choice(["Anna", "Marc", "Giulia", "Jan", "Eva"]) + " "
        + rng.choice(["Keller", "Dubois", "Rossi", "de Vries", "Nowak"]),
        contact_role="Procurement officer", recommendations="More study visits and joint market dialogues.",
        interview_willing=rng.random() < 0.7, interview_mode="video",
        interview_availability=rng.sample(["mon_am", "tue_pm", "wed_am", "thu_pm", "fri_am"], 2),
        consent_version="2026-11", consent_at=when, steps_done=["organisation", "contact", "interests", "purchases",
        "challenges", "recommendations", "interview", "consent"],
        status=ResponseStatus.SUBMITTED if submitted else ResponseStatus.DRAFT,
        submitted_at=when if submitted else None, submitted_revision=1 if submitted else None,
    )
    if not response.interview_willing:
        response.interview_mode, response.interview_availability = "", []
        response.save(update_fields=["interview_mode", "interview_availability"])
    Respondent.objects.create(response=response, user=user, campaign=campaign, is_owner=True)
    # Started a few days before it was last answered, within the campaign (the dashboard draws both).
    started = max(campaign.opens_at, when - dt.timedelta(days=organisation.pk % 5))
    Response.objects.filter(pk=response.pk).update(created_at=started, updated_at=when)
    # Zipf-like popularity: the first areas of the list are the most shared.
    chosen = [a for i, a in enumerate(areas) if rng.random() < 0.8 / (1 + i * 0.35)] or [areas[0]]
    for area in chosen:
        AreaInterest.objects.create(response=response, area=area, level=rng.choice([1, 2, 2]))
        for description, cpv in PURCHASES.get(area.code, [])[:1]:
            PlannedPurchase.objects.create(response=response, area=area, description=description, cpv_code=cpv,
                                           expected_timing=rng.choice(["Next six months", "Next year"]))
        if rng.random() < 0.6:
            AreaChallenge.objects.create(response=response, area=area, text=rng.choice(CHALLENGES))
    from surveys.services.eligibility import assess_response  # needs the saved organisation

    response.eligibility = assess_response(response).outcome
    response.save(update_fields=["eligibility"])
    return response


@transaction.atomic
def load_demo(*, staff_email: str, staff_password: str) -> User:
    """Create the demo campaigns, organisations and answers (on an empty database) and a staff user.

    The staff user is not a superuser: what it may do comes from the "Secretariat" group, which the
    command puts it in (communities.demo.join_secretariat), as a real secretariat account would."""
    rng = random.Random(2020)  # noqa: S311 - seeded demo data, not a secret
    staff = User.objects.create_user(staff_email, staff_password, full_name="Demo Secretariat", is_staff=True)
    now = timezone.now()

    c2020 = Campaign.objects.create(
        slug="climate-environment-2020", name="Big Buyers for Climate and Environment – needs assessment 2020-21",
        summary="Help define four working groups of 5 to 10 public buyers on the most shared procurement areas.",
        introduction=INTRO_2020, opens_at=dt.datetime(2020, 11, 2, 9, tzinfo=BRUSSELS),
        deadline=dt.datetime(2021, 1, 13, 23, 59, tzinfo=BRUSSELS), expected_groups=4,
        eligible_country_groups=["EU", "EEA", "EFTA"], reimbursed_country_groups=["EU"],
    )
    DeadlineChange.objects.create(
        campaign=c2020, previous_deadline=dt.datetime(2020, 12, 18, 23, 59, tzinfo=BRUSSELS),
        new_deadline=c2020.deadline, changed_by=staff, changed_at=dt.datetime(2020, 12, 8, 12, tzinfo=BRUSSELS),
        reason="Extended to 13 January 2021 so that more public buyers can answer (demo reconstruction of the public notice).",
    )
    c2023 = Campaign.objects.create(
        slug="working-together-2023", name="Big Buyers Working Together – needs assessment 2023",
        summary="Ten Communities of Practice for public buyers with strong purchasing power.",
        introduction=INTRO_2023, opens_at=dt.datetime(2023, 5, 2, 9, tzinfo=BRUSSELS),
        deadline=dt.datetime(2023, 8, 31, 23, 59, tzinfo=BRUSSELS), expected_groups=10,
        eligible_country_groups=["EU", "EEA"], reimbursed_country_groups=["EU", "EEA"],
    )
    open_campaign = Campaign.objects.create(
        slug="working-together-demo", name="Big Buyers Working Together – open demo survey",
        summary="An open copy of the 2023 survey, to try the portal: answer it as a public buyer would.",
        introduction=INTRO_2023, opens_at=now - dt.timedelta(days=7),
        deadline=(now + dt.timedelta(days=30)).astimezone(BRUSSELS).replace(hour=23, minute=59, second=0, microsecond=0),
        expected_groups=4, eligible_country_groups=["EU", "EEA"], reimbursed_country_groups=["EU", "EEA"],
    )
    areas_2020, areas_2023, areas_open = _areas(c2020, AREAS_2020), _areas(c2023, AREAS_2023), _areas(open_campaign, AREAS_2023)
    organisations = []
    for name, country, body_type in ORGANISATIONS:
        public_law = body_type == BodyType.BODY_GOVERNED_BY_PUBLIC_LAW
        organisations.append(Organisation.objects.create(
            name=name, country=country, body_type=body_type, general_interest="yes" if public_law else "",
            legal_personality="yes" if public_law else "", publicly_controlled="not_sure" if public_law else "",
            size=rng.choice(["medium", "large", "very_large"]),
            purchasing_volume=rng.choice(["10m_100m", "100m_1bn", "over_1bn"]),
        ))
    # Each campaign's questionnaire as data: 2023 asks each body's role per area, the open survey its own pages.
    questionnaire_demo.translate_names([c2020, c2023, open_campaign])
    questionnaire_demo.questionnaire_2020(c2020)
    role = questionnaire_demo.questionnaire_2023(c2023)
    open_questions = questionnaire_demo.questionnaire_open(open_campaign)
    for organisation in organisations:
        _answer(c2020, areas_2020, organisation, rng, submitted=True, when=c2020.opens_at + dt.timedelta(days=rng.randint(1, 60)))
        response = _answer(c2023, areas_2023, organisation, rng, submitted=rng.random() < 0.9,
                           when=c2023.opens_at + dt.timedelta(days=rng.randint(1, 100)))
        questionnaire_demo.answer_roles(response, role, rng)
    for organisation in organisations[:8]:
        response = _answer(open_campaign, areas_open, organisation, rng, submitted=rng.random() < 0.5,
                           when=now - dt.timedelta(days=rng.randint(0, 6)))
        questionnaire_demo.answer_demo(response, open_questions, rng)
    return staff
