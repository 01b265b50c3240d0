"""The data the page benchmarks run on (bench/http_pages.py, bench/render.py): the demo campaign with
`responses` answered responses, a page of 30 of the campaign's own questions, a respondent and a community
member. Run after Django is set up, on a scratch database (bench/scratch.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PagesData:
    campaign_slug: str
    respondent: Any  # the User whose response has every step done
    community_slug: str
    member: Any  # a member of that community


def seed_pages(responses: int, *, collectstatic: bool = True) -> PagesData:
    """Migrate and fill the scratch database."""
    from django.core.management import call_command
    from django.db import connection

    from bigbuyers.models import User
    from communities.models import Membership
    from surveys.models import AreaInterest, Campaign, Organisation, Respondent, Response, ThematicArea
    from surveys.steps import STEP_SLUGS

    call_command("migrate", verbosity=0)
    if collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    call_command("load_demo", email="bench@bigbuyers.example", password="bench-password-123", verbosity=0)
    campaign = Campaign.objects.get(slug="working-together-demo")
    areas = list(ThematicArea.objects.filter(campaign=campaign))
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Bench body {n}", country=["FR", "DE", "IT", "ES", "NL"][n % 5], body_type="local_authority")
        for n in range(responses)
    )
    created = Response.objects.bulk_create(
        Response(campaign=campaign, organisation=o, steps_done=list(STEP_SLUGS), eligibility="eligible") for o in organisations
    )
    AreaInterest.objects.bulk_create(
        AreaInterest(response=r, area=areas[(r.pk + k) % len(areas)], level=1 + k % 2) for r in created for k in range(3)
    )
    thirty_questions(campaign)
    user = User.objects.create_user("bench-respondent@city.example")
    Respondent.objects.create(response=created[0], user=user, campaign=campaign, is_owner=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner's statistics, as autovacuum keeps them on a live database
    membership = Membership.objects.select_related("community", "user").order_by("pk").first()
    assert membership is not None
    return PagesData(campaign.slug, user, membership.community.slug, membership.user)


def seeded_pages() -> PagesData:
    """The handles of a database that `seed_pages` filled earlier."""
    from bigbuyers.models import User
    from communities.models import Membership

    membership = Membership.objects.select_related("community", "user").order_by("pk").first()
    assert membership is not None
    return PagesData("working-together-demo", User.objects.get(email="bench-respondent@city.example"),
                     membership.community.slug, membership.user)


def thirty_questions(campaign: Any) -> None:
    """A page of 30 of the campaign's own questions after the areas of interest: every kind, a third with a
    condition, three asked per area."""
    from surveys.questionnaire.models import Choice, Question, QuestionnairePage

    interests = QuestionnairePage.objects.get(campaign=campaign, kind="interests")
    page = QuestionnairePage.objects.create(campaign=campaign, kind="custom", key="thirty", title="Thirty questions",
                                            position=interests.position + 1)
    kinds = ["short_text", "long_text", "number", "date", "yes_no", "one_choice", "several_choices", "scale", "email",
             "url"]
    for n in range(30):
        kind = kinds[n % len(kinds)]
        question = Question.objects.create(
            page=page, campaign=campaign, key=f"q{n}", kind=kind, position=n, label=f"Question {n}",
            relevant="${body_type} != 'other'" if n % 3 == 0 else "", per_area=n in (5, 15, 25))
        if kind in ("one_choice", "several_choices"):
            Choice.objects.bulk_create([Choice(question=question, key=f"c{k}", label=f"Choice {k}", position=k)
                                        for k in range(5)])
