"""The secretariat's side of eligibility in the admin: the review queue, decisions with a reason, the
campaign's country policy as checkboxes (a change re-evaluates and lists the changed responses), and the
counts per outcome on the campaign, in a fixed number of queries."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.eligibility import BodyType, Outcome
from surveys.models import EligibilityDecision, PolicyChange, Response
from surveys.services.eligibility import assess_response, decide_eligibility
from tests.factories import OrganisationFactory, ResponseFactory

pytestmark = pytest.mark.django_db


def _response(campaign, *, name: str, country: str = "FR", body_type: str = BodyType.LOCAL_AUTHORITY) -> Response:  # type: ignore[no-untyped-def]
    response = ResponseFactory(campaign=campaign,
                               organisation=OrganisationFactory(name=name, country=country, body_type=body_type))
    Response.objects.filter(pk=response.pk).update(eligibility=assess_response(response).outcome)
    response.refresh_from_db()
    return response


def _decide_url(response: Response) -> str:
    return reverse("admin:surveys_response_decide_eligibility", args=[response.pk])


def _messages(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in answer.context["messages"]] if answer.context else []


# --- The review queue and decisions -------------------------------------------------------------------


def test_review_queue_lists_only_responses_that_need_review(staff_client, campaign, staff):
    _response(campaign, name="Ville de Montclair")
    _response(campaign, name="Acme Trucks SA", body_type=BodyType.PRIVATE_COMPANY)
    _response(campaign, name="Syndicat mixte des eaux", body_type=BodyType.OTHER)
    decided = _response(campaign, name="Fondation Lumière", body_type=BodyType.OTHER)
    decide_eligibility(decided, outcome="not_eligible", reason="A private foundation.", by=staff)

    answer = staff_client.get(reverse("admin:surveys_eligibilityreview_changelist"))

    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Syndicat mixte des eaux" in html
    assert "The type of body is “other”" in html  # what the secretariat should check
    for other in ("Ville de Montclair", "Acme Trucks SA", "Fondation Lumière"):
        assert other not in html
    assert _decide_url(Response.objects.get(organisation__name="Syndicat mixte des eaux")) in html


@pytest.mark.parametrize("rows", [1, 30])
def test_review_queue_makes_a_fixed_number_of_queries(staff_client, campaign, django_assert_max_num_queries, rows):
    for n in range(rows):
        _response(campaign, name=f"Joint authority {n}", body_type=BodyType.OTHER, country=["FR", "NO", "IT"][n % 3])
    with django_assert_max_num_queries(8):
        answer = staff_client.get(reverse("admin:surveys_eligibilityreview_changelist"))
    assert answer.content.decode().count("Joint authority ") >= rows


def test_decision_without_a_reason_is_refused_with_a_message(staff_client, campaign):
    response = _response(campaign, name="Syndicat mixte des eaux", body_type=BodyType.OTHER)

    answer = staff_client.post(_decide_url(response), {"outcome": "eligible", "reason": "   "})

    assert answer.status_code == 400
    html = answer.content.decode()
    assert "The decision was not recorded: correct the errors below." in _messages(answer)
    assert "Write the reason for the decision" in html
    assert not EligibilityDecision.objects.exists()
    response.refresh_from_db()
    assert response.eligibility == Outcome.NEEDS_REVIEW and not response.eligibility_decided


@pytest.mark.parametrize("outcome", ["needs_review", "hacker", ""])
def test_decision_other_than_yes_or_no_is_refused(staff_client, campaign, outcome):
    response = _response(campaign, name="Syndicat mixte des eaux", body_type=BodyType.OTHER)
    answer = staff_client.post(_decide_url(response), {"outcome": outcome, "reason": "Because."})
    assert answer.status_code == 400 and not EligibilityDecision.objects.exists()


def test_decision_with_a_reason_is_recorded_and_shown_on_the_response(staff_client, campaign, staff):
    response = _response(campaign, name="Syndicat mixte des eaux", body_type=BodyType.OTHER)
    page = staff_client.get(_decide_url(response)).content.decode()
    assert "The type of body is “other”" in page and "Needs review" in page

    answer = staff_client.post(_decide_url(response), {
        "outcome": "eligible", "reason": "A joint authority of 14 municipalities (statutes checked)."})

    assert answer.status_code == 302
    assert answer["Location"] == (reverse("admin:surveys_eligibilityreview_changelist")
                                  + f"?campaign__id__exact={campaign.pk}")
    decision = EligibilityDecision.objects.get()
    assert (decision.response, decision.previous_outcome, decision.outcome, decision.decided_by) == (
        response, "needs_review", "eligible", staff)
    response.refresh_from_db()
    assert response.eligibility == Outcome.ELIGIBLE and response.eligibility_decided

    queue = staff_client.get(answer["Location"])
    assert "Decision recorded: Syndicat mixte des eaux is “Eligible”." in _messages(queue)
    assert _decide_url(response) not in queue.content.decode()
    shown = staff_client.get(reverse("admin:surveys_response_change", args=[response.pk])).content.decode()
    assert "A joint authority of 14 municipalities (statutes checked)." in shown
    assert staff.email in shown and "Decisions of the secretariat on eligibility" in shown
    assert _decide_url(response) in shown  # an override stays possible


def test_response_page_shows_the_answers_escaped(staff_client, campaign):
    response = _response(campaign, name="Ville de Montclair")
    Response.objects.filter(pk=response.pk).update(contact_name="Anna <b>Keller</b>")
    html = staff_client.get(reverse("admin:surveys_response_change", args=[response.pk])).content.decode()
    assert "<dd>Anna &lt;b&gt;Keller&lt;/b&gt;</dd>" in html and "<h3>Contact person</h3>" in html


def test_override_of_an_automatic_outcome_goes_back_to_the_response(staff_client, campaign, staff):
    response = _response(campaign, name="Kanton Basel-Stadt", country="CH", body_type=BodyType.REGIONAL_AUTHORITY)
    answer = staff_client.post(_decide_url(response), {"outcome": "eligible", "reason": "Guest canton, agreed by DG GROW."})
    assert answer["Location"] == reverse("admin:surveys_response_change", args=[response.pk])
    assert EligibilityDecision.objects.get().previous_outcome == "not_eligible"


# --- The campaign: counts per outcome and the country policy --------------------------------------------


def _admin_form_data(answer) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """What the admin's change form would post back unchanged (the form and every inline formset)."""
    data: dict[str, Any] = {}

    def add(form: forms.BaseForm) -> None:
        for bound in form:
            widget, value = bound.field.widget, bound.value()
            if isinstance(widget, forms.MultiWidget):
                parts = value if isinstance(value, list) else widget.decompress(value)
                for suffix, sub, part in zip(widget.widgets_names, widget.widgets, parts, strict=True):
                    data[bound.html_name + suffix] = sub.format_value(part) or ""
            elif isinstance(widget, forms.CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = list(value)
            elif value is not None:
                data[bound.html_name] = widget.format_value(value) or ""

    add(answer.context["adminform"].form)
    for inline in answer.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def _change_url(campaign) -> str:  # type: ignore[no-untyped-def]
    return reverse("admin:surveys_campaign_change", args=[campaign.pk])


def test_campaign_policy_is_edited_with_checkboxes(staff_client, campaign):
    html = staff_client.get(_change_url(campaign)).content.decode()
    for key in ("EU", "EEA", "EFTA"):
        assert re.search(rf'<input type="checkbox" name="eligible_country_groups" value="{key}"', html)
        assert re.search(rf'<input type="checkbox" name="reimbursed_country_groups" value="{key}"', html)
    assert "EEA (EU-27 and Iceland, Liechtenstein, Norway)" in html
    assert "EFTA (Iceland, Liechtenstein, Norway, Switzerland)" in html
    assert re.search(r'value="EEA"[^>]*checked', html) and not re.search(
        r'name="eligible_country_groups" value="EFTA"[^>]*checked', html)


def test_removing_eea_re_evaluates_and_lists_the_responses_whose_outcome_changed(staff_client, campaign, staff):
    oslo = _response(campaign, name="Oslo kommune", country="NO")
    _response(campaign, name="Ville de Montclair", country="FR")
    reykjavik = _response(campaign, name="Reykjavíkurborg", country="IS")
    decide_eligibility(reykjavik, outcome="eligible", reason="Partner city of the pilot.", by=staff)
    data = _admin_form_data(staff_client.get(_change_url(campaign)))
    data.update(eligible_country_groups=["EU"], reimbursed_country_groups=["EU"])

    answer = staff_client.post(_change_url(campaign), data, follow=True)

    assert answer.status_code == 200
    change = PolicyChange.objects.get()
    assert (change.previous_eligible_groups, change.eligible_groups, change.changed_by) == (["EU", "EEA"], ["EU"], staff)
    campaign.refresh_from_db()
    assert campaign.eligible_country_groups == ["EU"]
    oslo.refresh_from_db()
    assert oslo.eligibility == Outcome.NOT_ELIGIBLE
    assert Response.objects.get(pk=reykjavik.pk).eligibility == Outcome.ELIGIBLE  # the decision stands
    message = " ".join(_messages(answer))
    assert "1 response changed its eligibility outcome" in message
    assert "1 response decided by the secretariat keeps its decision" in message

    listed = staff_client.get(reverse("admin:surveys_eligibilitychange_changelist") + f"?policy_change={change.pk}")
    html = listed.content.decode()
    assert "Oslo kommune" in html and "Ville de Montclair" not in html and "Reykjavíkurborg" not in html
    # and in the campaign's history, with the count linking to that list
    page = staff_client.get(_change_url(campaign)).content.decode()
    assert f'href="{reverse("admin:surveys_eligibilitychange_changelist")}?policy_change={change.pk}">1</a>' in page


def test_saving_the_campaign_without_a_policy_change_records_none(staff_client, campaign):
    _response(campaign, name="Oslo kommune", country="NO")
    data = _admin_form_data(staff_client.get(_change_url(campaign)))
    data["summary_en"] = "A shorter summary."  # a column per language (modeltranslation)
    answer = staff_client.post(_change_url(campaign), data)
    assert answer.status_code == 302
    campaign.refresh_from_db()
    assert campaign.summary == "A shorter summary." and not PolicyChange.objects.exists()


@pytest.mark.parametrize(("groups", "message"), [
    (["EU", "NATO"], "Select a valid choice"),
    ([], "Tick at least one group"),
])
def test_tampered_or_empty_policy_is_refused(staff_client, campaign, groups, message):
    data = _admin_form_data(staff_client.get(_change_url(campaign)))
    data["eligible_country_groups"] = groups
    answer = staff_client.post(_change_url(campaign), data)
    assert answer.status_code == 200 and message in answer.content.decode()
    campaign.refresh_from_db()
    assert campaign.eligible_country_groups == ["EU", "EEA"] and not PolicyChange.objects.exists()


def _make_responses(campaign, rows: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    kinds = [("FR", BodyType.LOCAL_AUTHORITY), ("US", BodyType.LOCAL_AUTHORITY), ("DE", BodyType.OTHER),
             ("IT", BodyType.REGIONAL_AUTHORITY)]
    for n in range(start, start + rows):
        country, body_type = kinds[n % len(kinds)]
        _response(campaign, name=f"Body {n}", country=country, body_type=body_type)


def test_counts_per_outcome_on_the_campaign_link_to_the_filtered_lists(staff_client, campaign):
    _make_responses(campaign, 7)  # eligible: 0, 3, 4; not eligible: 1, 5; needs review: 2, 6
    html = staff_client.get(_change_url(campaign)).content.decode()
    responses = reverse("admin:surveys_response_changelist")
    assert (f'href="{responses}?campaign__id__exact={campaign.pk}&amp;eligibility__exact=eligible" '
            'class="eligibility-count-eligible">Eligible: 3</a>') in html
    assert (f'href="{responses}?campaign__id__exact={campaign.pk}&amp;eligibility__exact=not_eligible" '
            'class="eligibility-count-not_eligible">Not eligible: 2</a>') in html
    queue = reverse("admin:surveys_eligibilityreview_changelist")
    assert f'href="{queue}?campaign__id__exact={campaign.pk}" class="eligibility-count-needs_review">Needs review: 2</a>' in html
    assert "Eligible: 3" in staff_client.get(reverse("admin:surveys_campaign_changelist")).content.decode()

    listed = staff_client.get(f"{responses}?campaign__id__exact={campaign.pk}&eligibility__exact=not_eligible")
    names = set(re.findall(r"Body \d+", listed.content.decode()))
    assert listed.status_code == 200 and names == {"Body 1", "Body 5"}


@pytest.mark.parametrize("url_name", ["admin:surveys_campaign_change", "admin:surveys_campaign_changelist"])
def test_campaign_pages_make_the_same_number_of_queries_for_1_and_many_responses(staff_client, campaign, url_name):
    url = reverse(url_name, args=[campaign.pk] if url_name.endswith("change") else [])
    _make_responses(campaign, 1)
    staff_client.get(url)  # warm the per-process caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        assert staff_client.get(url).status_code == 200
    _make_responses(campaign, 40, start=1)
    with CaptureQueriesContext(connection) as many:
        assert staff_client.get(url).status_code == 200
    assert len(many) == len(one) <= 12
