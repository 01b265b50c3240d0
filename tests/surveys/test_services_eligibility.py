"""Eligibility in the survey: the services that store, decide and re-evaluate it, and what respondents see.

The rules themselves are tested in test_eligibility.py; here they run through the models, the
services and the organisation step (test client), against the real database.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.urls import reverse

from surveys.eligibility import BodyType, Outcome
from surveys.models import (
    COUNTRY_GROUP_CHOICES,
    Campaign,
    EligibilityChange,
    EligibilityDecision,
    Organisation,
    PolicyChange,
    Response,
    ResponseStatus,
)
from surveys.services.eligibility import (
    assess_response,
    change_policy,
    decide_eligibility,
    eligibility_of,
    save_campaign,
)
from surveys.services.responses import save_organisation, submit_response
from surveys.steps import STEP_SLUGS
from tests.factories import CampaignFactory, OrganisationFactory, ResponseFactory, interest

pytestmark = pytest.mark.django_db


def _response(campaign, *, country: str = "FR", body_type: str = BodyType.LOCAL_AUTHORITY, **org) -> Response:  # type: ignore[no-untyped-def]
    """A response whose stored outcome is what the rules say (as saving the organisation step leaves it)."""
    response = ResponseFactory(campaign=campaign,
                               organisation=OrganisationFactory(country=country, body_type=body_type, **org))
    Response.objects.filter(pk=response.pk).update(eligibility=assess_response(response).outcome)
    response.refresh_from_db()
    return response


def _complete(response: Response) -> Response:
    interest(response, "hdev")
    Response.objects.filter(pk=response.pk).update(steps_done=list(STEP_SLUGS), consent_version="2026-11")
    response.refresh_from_db()
    return response


# --- Services ---------------------------------------------------------------------------------------


def test_country_group_choices_come_from_the_country_groups():
    assert [key for key, _label in COUNTRY_GROUP_CHOICES] == ["EU", "EEA", "EFTA"]
    assert [str(label) for _key, label in COUNTRY_GROUP_CHOICES] == ["EU-27", "EEA", "EFTA"]


def test_decision_is_kept_with_who_when_why_and_what_it_replaced(campaign, staff):
    response = _response(campaign, body_type=BodyType.OTHER)
    assert response.eligibility == Outcome.NEEDS_REVIEW

    decide_eligibility(response, outcome="eligible", reason="  A joint authority of three municipalities. ",
                       by=staff)
    decide_eligibility(response, outcome="not_eligible", reason="Checked the statutes: a private foundation.",
                       by=staff)

    response.refresh_from_db()
    assert response.eligibility == Outcome.NOT_ELIGIBLE and response.eligibility_decided
    latest, first = EligibilityDecision.objects.filter(response=response)  # newest first
    assert (first.previous_outcome, first.outcome, first.reason, first.decided_by) == (
        "needs_review", "eligible", "A joint authority of three municipalities.", staff)
    assert (latest.previous_outcome, latest.outcome) == ("eligible", "not_eligible")
    assert latest.decided_at >= first.decided_at


@pytest.mark.parametrize(("outcome", "reason"), [("eligible", ""), ("eligible", "   \n"), ("needs_review", "Unsure"),
                                                 ("maybe", "Because")])
def test_decision_without_a_reason_or_with_another_outcome_is_refused(campaign, staff, outcome, reason):
    response = _response(campaign, body_type=BodyType.OTHER)
    with pytest.raises(ValueError):
        decide_eligibility(response, outcome=outcome, reason=reason, by=staff)
    response.refresh_from_db()
    assert response.eligibility == Outcome.NEEDS_REVIEW and not response.eligibility_decided
    assert not EligibilityDecision.objects.exists()


def test_database_refuses_a_decision_without_reason(campaign, staff):
    response = _response(campaign)
    with pytest.raises(IntegrityError):
        EligibilityDecision.objects.create(response=response, outcome="eligible", reason="", decided_by=staff)


def test_needs_review_response_can_be_completed_and_submitted(campaign):
    response = _complete(_response(campaign, body_type=BodyType.BODY_GOVERNED_BY_PUBLIC_LAW, general_interest="yes",
                                   legal_personality="not_sure", publicly_controlled="yes"))
    assert submit_response(response, revision=response.revision) is True
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED and response.eligibility == Outcome.NEEDS_REVIEW


def test_submit_re_evaluates_an_undecided_response(campaign):
    response = _complete(_response(campaign))
    Response.objects.filter(pk=response.pk).update(eligibility="needs_review")  # stale, e.g. from an older rule
    submit_response(response, revision=response.revision)
    response.refresh_from_db()
    assert response.eligibility == Outcome.ELIGIBLE


def test_staff_decision_stands_over_the_re_evaluation_on_submit_and_on_save(campaign, staff, user):
    response = _complete(_response(campaign, country="CH", body_type=BodyType.LOCAL_AUTHORITY))
    assert response.eligibility == Outcome.NOT_ELIGIBLE  # Switzerland is not in the EU or the EEA
    decide_eligibility(response, outcome="eligible", reason="Admitted as a guest body by the steering group.",
                       by=staff)

    assert submit_response(response, revision=response.revision) is True
    response.refresh_from_db()
    assert response.eligibility == Outcome.ELIGIBLE

    organisation = response.organisation
    save_organisation(user=response.respondents.get().user, campaign=campaign, response=response,
                      data={"name": organisation.name, "country": "CH", "body_type": "local_authority"})
    response.refresh_from_db()
    assert response.eligibility == Outcome.ELIGIBLE and response.eligibility_decided
    assert EligibilityDecision.objects.count() == 1


def test_policy_change_lists_the_responses_whose_outcome_changed(campaign, staff):
    norwegian = _response(campaign, country="NO", name="Oslo kommune")
    french = _response(campaign, country="FR")
    swiss = _response(campaign, country="CH")
    assert (norwegian.eligibility, french.eligibility, swiss.eligibility) == ("eligible", "eligible", "not_eligible")

    change = change_policy(campaign, eligible_groups=["EU"], reimbursed_groups=["EU"], by=staff)

    assert change is not None
    assert (change.previous_eligible_groups, change.eligible_groups) == (["EU", "EEA"], ["EU"])
    assert (change.previous_reimbursed_groups, change.reimbursed_groups, change.changed_by) == (["EU", "EEA"], ["EU"], staff)
    campaign.refresh_from_db()
    assert (campaign.eligible_country_groups, campaign.reimbursed_country_groups) == (["EU"], ["EU"])
    assert [(c.response, c.previous_outcome, c.outcome) for c in change.eligibility_changes.all()] == [
        (norwegian, "eligible", "not_eligible")]
    assert Response.objects.get(pk=norwegian.pk).eligibility == Outcome.NOT_ELIGIBLE
    assert Response.objects.get(pk=french.pk).eligibility == Outcome.ELIGIBLE

    # Adding EFTA back admits Norway again, and Switzerland for the first time.
    change = change_policy(campaign, eligible_groups=["EFTA", "EU"], reimbursed_groups=["EU"], by=staff)
    assert change.eligible_groups == ["EU", "EFTA"]  # kept in display order
    assert {(c.response_id, c.previous_outcome, c.outcome) for c in change.eligibility_changes.all()} == {
        (norwegian.pk, "not_eligible", "eligible"), (swiss.pk, "not_eligible", "eligible")}


def test_policy_change_leaves_staff_decisions_alone(campaign, staff):
    decided = _response(campaign, country="NO")
    decide_eligibility(decided, outcome="eligible", reason="Partner city of the 2021 pilot.", by=staff)
    undecided = _response(campaign, country="IS")

    change = change_policy(campaign, eligible_groups=["EU"], reimbursed_groups=["EU"], by=staff)

    assert [c.response_id for c in change.eligibility_changes.all()] == [undecided.pk]
    assert Response.objects.get(pk=decided.pk).eligibility == Outcome.ELIGIBLE


def test_policy_change_to_the_same_policy_records_nothing(campaign, staff):
    _response(campaign, country="NO")
    assert change_policy(campaign, eligible_groups=["EEA", "EU"], reimbursed_groups=["EU", "EEA"], by=staff) is None
    assert not PolicyChange.objects.exists() and not EligibilityChange.objects.exists()


def test_saving_a_campaign_with_another_policy_saves_its_other_fields_and_changes_the_policy_through_the_service(
        campaign, staff):
    norwegian = _response(campaign, country="NO")
    campaign.name, campaign.eligible_country_groups, campaign.reimbursed_country_groups = "Renamed", ["EU"], ["EU"]

    change = save_campaign(campaign, by=staff)

    assert change is not None and (change.previous_eligible_groups, change.eligible_groups) == (["EU", "EEA"], ["EU"])
    assert [c.response_id for c in change.eligibility_changes.all()] == [norwegian.pk]
    campaign.refresh_from_db()
    assert (campaign.name, campaign.eligible_country_groups, campaign.reimbursed_country_groups) == (
        "Renamed", ["EU"], ["EU"])


def test_saving_a_campaign_compares_its_policy_with_the_stored_one(campaign, staff):
    """A page opened before another person's policy change does not write the old policy back unrecorded."""
    on_the_page = Campaign.objects.get(pk=campaign.pk)
    change_policy(campaign, eligible_groups=["EU"], reimbursed_groups=["EU"], by=staff)
    on_the_page.name = "Renamed"  # the policy as it was when the page was opened: EU and EEA

    change = save_campaign(on_the_page, by=staff)

    assert change is not None and (change.previous_eligible_groups, change.eligible_groups) == (["EU"], ["EU", "EEA"])
    assert PolicyChange.objects.count() == 2


def test_saving_a_new_campaign_or_the_same_policy_records_no_change(staff):
    campaign = CampaignFactory.build(slug="new", eligible_country_groups=["EU"])
    assert save_campaign(campaign, by=staff) is None and campaign.pk is not None
    campaign.name = "Renamed"
    assert save_campaign(campaign, by=staff) is None
    assert not PolicyChange.objects.exists()


def test_policy_change_refuses_an_unknown_group(campaign, staff):
    with pytest.raises(ValueError):
        change_policy(campaign, eligible_groups=["EU", "NATO"], reimbursed_groups=[], by=staff)
    campaign.refresh_from_db()
    assert campaign.eligible_country_groups == ["EU", "EEA"] and not PolicyChange.objects.exists()


@pytest.mark.parametrize("rows", [1, 40])
def test_re_evaluation_makes_a_fixed_number_of_queries(campaign, staff, django_assert_num_queries, rows):
    kinds = [BodyType.LOCAL_AUTHORITY, BodyType.OTHER, BodyType.NGO]
    for n in range(rows):
        _response(campaign, country=["NO", "FR", "IS", "CH"][n % 4], body_type=kinds[n % 3])
    # Two savepoints and their releases, the campaign locked, the record, the campaign updated and read
    # again, the responses read and locked, one update per new outcome (one here: removing a group only
    # rules bodies out), one insert.
    with django_assert_num_queries(11):
        change_policy(campaign, eligible_groups=["EU"], reimbursed_groups=["EU"], by=staff)
    expected = [n for n in range(rows) if n % 4 in (0, 2) and n % 3 != 2]  # NGOs were not eligible already
    assert EligibilityChange.objects.count() == len(expected)
    assert Response.objects.filter(eligibility="not_eligible").count() == len(expected) + len(
        [n for n in range(rows) if n % 4 == 3 or n % 3 == 2])


def test_eligibility_of_tells_the_secretariats_decision_not_its_reason(campaign, staff):
    response = _response(campaign, country="US")
    assert eligibility_of(response).outcome == Outcome.NOT_ELIGIBLE
    decide_eligibility(response, outcome="eligible", reason="Internal note: US partner city.", by=staff)
    told = eligibility_of(response)
    assert told.outcome == Outcome.ELIGIBLE and not told.observer_offer
    assert "secretariat has checked" in " ".join(map(str, told.reasons))
    assert "Internal note" not in " ".join(map(str, told.reasons))


# --- The organisation step (test client) -------------------------------------------------------------

ORGANISATION = "survey_step"


def _post_organisation(client, campaign, **data):  # type: ignore[no-untyped-def]
    return client.post(reverse("survey_step", args=[campaign.slug, "organisation"]), data)


def _field_block(html: str, name: str) -> str:
    """The markup of one field (label, input, help, errors), as crispy-forms renders it."""
    start = html.index(f'id="div_id_{name}"')
    following = html.find('id="div_id_', start + 1)
    return html[start:following if following != -1 else None]


def test_eligible_body_is_told_so_on_the_way_to_the_next_step(client, user):
    campaign = CampaignFactory(eligible_country_groups=["EU", "EEA"], reimbursed_country_groups=["EU"])
    client.force_login(user)
    answer = _post_organisation(client, campaign, name="Oslo kommune", country="NO", body_type="local_authority")
    assert answer.status_code == 302 and answer["Location"] == reverse("survey_step", args=[campaign.slug, "contact"])

    page = client.get(answer["Location"]).content.decode()
    assert "Your organisation can take part in this campaign." in page
    assert "Bodies from Norway take part at their own expense" in page  # the line on travel costs
    assert Response.objects.get().eligibility == Outcome.ELIGIBLE


@pytest.mark.parametrize(("country", "body_type", "expected"), [
    ("FR", "private_company", "A private company is not a contracting authority"),
    ("US", "local_authority", "United States of America is not among the countries"),
    ("CH", "regional_authority", "Switzerland is not among the countries"),
])
def test_body_that_is_not_eligible_is_told_why_offered_the_observer_group_and_kept(
        client, user, campaign, country, body_type, expected):
    client.force_login(user)
    answer = _post_organisation(client, campaign, name="Some Body", country=country, body_type=body_type)
    assert answer["Location"] == reverse("survey_eligibility", args=[campaign.slug])

    page = client.get(answer["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Your organisation cannot join the groups." in html and expected in html
    assert 'href="/observers/"' in html  # the Observer Group's sign-up page
    assert "Continue the survey" in html  # the answers are still welcome
    response = Response.objects.get()
    assert response.eligibility == Outcome.NOT_ELIGIBLE and response.steps_done == ["organisation"]


def test_body_that_needs_review_is_told_the_secretariat_will_check_and_can_go_on(client, user, campaign):
    client.force_login(user)
    answer = _post_organisation(client, campaign, name="Syndicat mixte des eaux", country="FR", body_type="other")
    html = client.get(answer["Location"]).content.decode()
    assert "The secretariat will check whether your organisation can take part." in html
    assert "You can complete and submit the survey" in html and "Observer Group" not in html
    assert client.get(reverse("survey_step", args=[campaign.slug, "contact"])).status_code == 200
    assert Response.objects.get().eligibility == Outcome.NEEDS_REVIEW


def test_eligibility_page_shows_a_decision_of_the_secretariat(client, campaign, staff):
    response = _response(campaign, body_type=BodyType.OTHER)
    decide_eligibility(response, outcome="not_eligible", reason="A private law company.", by=staff)
    client.force_login(response.respondents.get().user)
    html = client.get(reverse("survey_eligibility", args=[campaign.slug])).content.decode()
    assert "The secretariat has checked your organisation: it cannot join the groups" in html
    assert "A private law company." not in html and "Observer Group" in html


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"country": "XX", "body_type": "local_authority"}, "country", "Choose a country from the list."),
    ({"country": "", "body_type": "local_authority"}, "country", "Choose the country where your organisation is established."),
    ({"country": "FR", "body_type": "hacker"}, "body_type", "Choose one of the listed types of body."),
    ({"country": "FR"}, "body_type", "Choose the type of body that describes your organisation."),
    ({"country": "FR", "body_type": "body_governed_by_public_law", "general_interest": "maybe",
      "legal_personality": "yes", "publicly_controlled": "yes"}, "general_interest", "Choose one of the options given."),
    ({"country": "FR", "body_type": "local_authority", "size": "<script>"}, "size", "Choose one of the options given."),
])
def test_tampered_or_missing_values_get_a_message_next_to_the_field_and_save_nothing(
        client, user, campaign, data, field, message):
    client.force_login(user)
    answer = _post_organisation(client, campaign, name="Ville de Montclair", **data)
    assert answer.status_code == 400
    html = answer.content.decode()
    block = _field_block(html, field)
    assert message in block and 'aria-invalid="true"' in block
    assert "There is a problem" in html  # the summary too
    assert "hacker" not in html.replace('value="hacker"', "") and "<script>" not in html
    assert not Organisation.objects.exists() and not Response.objects.exists()


def test_tampered_values_on_an_existing_response_change_nothing(client, campaign):
    response = _response(campaign, country="DE", name="Stadt Lindenau")
    client.force_login(response.respondents.get().user)
    answer = _post_organisation(client, campaign, name="Stadt Lindenau", country="ZZ", body_type="hacker")
    assert answer.status_code == 400
    response.refresh_from_db()
    assert response.organisation.country.code == "DE" and response.organisation.body_type == "local_authority"
    assert response.eligibility == Outcome.ELIGIBLE and response.revision == 1
