"""Matching runs: the solver input read from the database, a run solved through its task, its stored figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups.models import MatchingRun, Placement, RunStatus, SolverStatus
from groups.services import formation as services
from groups.services import solving
from surveys.services.eligibility import decide_eligibility
from tests.factories import AREAS, CampaignFactory, ResponseFactory, StaffFactory, submitted_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():  # type: ignore[no-untyped-def]
    return CampaignFactory(areas=AREAS, expected_groups=2)


def _solved(run: MatchingRun, committed) -> MatchingRun:  # type: ignore[no-untyped-def]
    with committed():
        assert services.queue_run(run)
    run.refresh_from_db()
    return run


def test_the_solver_input_counts_only_eligible_submitted_responses_and_respects_staff_decisions(campaign, staff):
    eligible = submitted_body(campaign, {"hdev": 2, "cc": 1}, country="de")
    admitted = submitted_body(campaign, {"zecs": 1}, eligibility="needs_review")
    decide_eligibility(admitted, outcome="eligible", reason="A public water board.", by=staff)
    refused = submitted_body(campaign, {"zecs": 2})
    decide_eligibility(refused, outcome="not_eligible", reason="A private company.", by=staff)
    submitted_body(campaign, {"hdev": 2}, eligibility="needs_review")  # not decided yet
    submitted_body(campaign, {"hdev": 2}, eligibility="not_eligible")
    ResponseFactory(campaign=campaign)  # a draft, eligible by the rules
    submitted_body(CampaignFactory(areas=AREAS), {"hdev": 2})  # another campaign

    problem = solving.build_problem(services.create_run(campaign, by=staff)).problem

    assert [b.id for b in problem.bodies] == [str(eligible.pk), str(admitted.pk)]
    names = dict(AREAS)
    assert problem.areas == tuple(names.values())
    # Levels become the run's weights: interested 1, high priority 3.
    assert problem.bodies[0].interest == {names["hdev"]: 3.0, names["cc"]: 1.0}
    assert problem.bodies[0].country == "DE"
    assert problem.bodies[1].interest == {names["zecs"]: 1.0}
    assert (problem.groups, problem.min_size, problem.max_size, problem.max_groups_per_body) == (2, 5, 10, 2)


def test_the_solver_input_takes_one_query_per_table_whatever_the_number_of_bodies(campaign, staff):
    run = services.create_run(campaign, by=staff)
    submitted_body(campaign, {"hdev": 2})
    with CaptureQueriesContext(connection) as one:
        solving.build_problem(run)
    for _ in range(20):
        submitted_body(campaign, {"hdev": 2, "cc": 1})
    with CaptureQueriesContext(connection) as many:
        solving.build_problem(run)
    assert len(one) == len(many) <= 6


def test_a_run_is_solved_by_its_task_and_stores_parameters_figures_and_placements(campaign, staff, committed):
    keen = [submitted_body(campaign, {"hdev": 2, "cc": 1}) for _ in range(3)]
    lukewarm = [submitted_body(campaign, {"zecs": 1}) for _ in range(3)]
    loner = submitted_body(campaign, {"cc": 2})
    run = services.create_run(campaign, by=staff, label="first try", groups=2, min_size=3, max_size=4,
                              max_groups_per_body=1, time_limit=10)
    assert run.status == RunStatus.DRAFT and run.weights == {"1": 1, "2": 3}

    run = _solved(run, committed)

    assert run.status == RunStatus.DONE and run.solver_status == SolverStatus.OPTIMAL and run.optimal
    assert run.bodies_count == 7 and run.gap == 0 and run.seconds is not None and run.finished_at
    assert set(run.chosen_areas.values_list("code", flat=True)) == {"hdev", "zecs"}
    # The three keen bodies in HDEV (3 each), the lukewarm ones in ZECS (1 each): 12 in all; CC cannot reach 3.
    assert run.objective == 12 and run.bodies_served == 6
    placed = set(Placement.objects.filter(run=run).values_list("response_id", "area__code", "weight"))
    assert placed == {(r.pk, "hdev", 3.0) for r in keen} | {(r.pk, "zecs", 1.0) for r in lukewarm}
    assert run.result["unplaced"] == [loner.pk]
    assert "Heavy-duty electric vehicles" in run.result["explanations"][str(keen[0].pk)]
    assert "Not placed" in run.result["explanations"][str(loner.pk)]
    # Parameters are kept as they were: solving again means a copy.
    assert (run.groups, run.min_size, run.max_size, run.max_groups_per_body, run.time_limit) == (2, 3, 4, 1, 10)
    assert not services.queue_run(run)


def test_pins_and_exclusions_reach_the_solver_and_show_in_the_outcome(campaign, staff, committed):
    bodies = [submitted_body(campaign, {"hdev": 2, "zecs": 1}) for _ in range(4)]
    cc_fan = submitted_body(campaign, {"cc": 2, "zecs": 1})
    hdev, zecs = campaign.areas.get(code="hdev"), campaign.areas.get(code="zecs")
    run = services.create_run(campaign, by=staff, groups=2, min_size=1, max_size=5, max_groups_per_body=1,
                              pins=[(cc_fan, zecs)], exclusions=[bodies[0]])

    problem = solving.build_problem(run).problem
    assert problem.pinned == ((str(cc_fan.pk), zecs.name),)
    assert problem.excluded == (str(bodies[0].pk),)

    run = _solved(run, committed)
    assert Placement.objects.get(run=run, response=cc_fan).area == zecs
    assert Placement.objects.get(run=run, response=cc_fan).pinned
    assert not Placement.objects.filter(run=run, response=bodies[0]).exists()
    assert run.result["excluded"] == [bodies[0].pk]
    assert run.result["explanations"][str(bodies[0].pk)] == "Excluded by the secretariat."
    assert set(Placement.objects.filter(run=run, area=hdev).values_list("response_id", flat=True)) == {
        b.pk for b in bodies[1:]}


def test_a_run_whose_constraints_cannot_be_met_is_done_with_the_reasons_in_organisation_names(campaign, staff,
                                                                                              committed):
    body = submitted_body(campaign, {"hdev": 2}, name="Stadt Lindenau")
    run = services.create_run(campaign, by=staff, groups=1, min_size=1, max_size=2,
                              pins=[(body, campaign.areas.get(code="cc"))])
    run = _solved(run, committed)
    assert run.status == RunStatus.DONE and run.solver_status == SolverStatus.INFEASIBLE
    assert any("“Stadt Lindenau” is pinned to Circular construction but expressed no interest" in reason
               for reason in run.result["reasons"]), run.result["reasons"]
    with pytest.raises(services.CannotPublish):
        services.publish_run(run, by=staff)


def test_a_run_that_fails_is_marked_failed_with_the_error(campaign, staff, committed, monkeypatch):
    submitted_body(campaign, {"hdev": 2})
    run = services.create_run(campaign, by=staff, groups=1, min_size=1)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(solving, "solve", broken)
    run = _solved(run, committed)
    assert run.status == RunStatus.FAILED and "solver crashed" in run.error


def test_a_task_delivered_twice_solves_once(campaign, staff, committed):
    submitted_body(campaign, {"hdev": 2})
    run = _solved(services.create_run(campaign, by=staff, groups=1, min_size=1), committed)
    finished = run.finished_at
    assert not solving.execute_run(run.pk)
    run.refresh_from_db()
    assert run.finished_at == finished and Placement.objects.filter(run=run).count() == 1


def test_a_lost_run_can_be_queued_again_but_not_a_recent_one(campaign, staff):
    run = services.create_run(campaign, by=staff, groups=1, min_size=1, time_limit=30)
    now = timezone.now()
    # Without the commit the task never runs: the run stays queued, as when the broker was away.
    assert services.queue_run(run, now=now)
    assert not services.queue_run(run, now=now + dt.timedelta(minutes=5))
    assert services.queue_run(run, now=now + dt.timedelta(minutes=11))


def test_a_copy_is_a_draft_with_the_same_parameters_pins_and_exclusions(campaign, staff, committed):
    bodies = [submitted_body(campaign, {"hdev": 2}) for _ in range(2)]
    run = services.create_run(campaign, by=staff, groups=1, min_size=1, max_country_share=0.5,
                              pins=[(bodies[0], campaign.areas.get(code="hdev"))], exclusions=[bodies[1]])
    run = _solved(run, committed)
    copy = services.copy_run(run, by=StaffFactory())
    assert copy.status == RunStatus.DRAFT and copy.pk != run.pk
    assert (copy.groups, copy.min_size, copy.max_country_share) == (1, 1, 0.5)
    assert list(copy.pins.values_list("response_id", "area__code")) == [(bodies[0].pk, "hdev")]
    assert list(copy.exclusions.values_list("response_id", flat=True)) == [bodies[1].pk]
