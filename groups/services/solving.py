"""Solving a matching run: its solver input read from the database (one query per table), the pure solver
``groups.matching.solve``, and the solution stored on the run. Sends nothing.

A run gets here queued (``groups.services.formation.queue_run``); the task ``groups.solve_matching_run`` calls
``execute_run``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from groups.matching import Problem, Solution, parse_problem, solve
from groups.models import MatchingRun, Placement, RunStatus
from groups.selectors.formation import matchable_responses
from surveys.models import AreaInterest, ThematicArea

log = logging.getLogger(__name__)


def _area_names(areas: list[ThematicArea]) -> dict[int, str]:
    """The solver's id for each area: its name, which the explanations quote (its code too if names repeat)."""
    names = [a.name.strip() or a.code for a in areas]
    unique = len(set(names)) == len(names)
    return {a.pk: (name if unique else f"{name} ({a.code})") for a, name in zip(areas, names, strict=True)}


@dataclass
class SolverInput:
    """The problem for the solver, and how to map its ids back to rows."""

    problem: Problem
    area_ids: dict[str, int]  # solver area id -> ThematicArea pk
    weights: dict[tuple[int, int], float]  # (response pk, area pk) -> weight
    organisations: dict[int, str]  # response pk -> organisation name (for the reasons)


def build_problem(run: MatchingRun) -> SolverInput:
    """Read the run's solver input from the database: one query per table, whatever the number of bodies.

    Bodies are ``matchable_responses`` (submitted, eligible, staff decisions included); a body's interest
    is its AreaInterest levels mapped through the run's weights. Body ids are response pks as strings.
    """
    campaign = run.campaign
    areas = list(ThematicArea.objects.filter(campaign=campaign).order_by("position", "pk"))
    names = _area_names(areas)
    bodies = matchable_responses(campaign)
    rows = list(bodies.order_by("pk").values_list("pk", "organisation__country", "organisation__name"))
    weight_of = {int(level): float(weight) for level, weight in run.weights.items()}
    interest: dict[int, dict[str, float]] = defaultdict(dict)
    weights: dict[tuple[int, int], float] = {}
    for response_id, area_id, level in AreaInterest.objects.filter(response__in=bodies).values_list(
            "response_id", "area_id", "level"):
        weight = weight_of.get(level, 0.0)
        if weight > 0 and area_id in names:
            interest[response_id][names[area_id]] = weight
            weights[(response_id, area_id)] = weight
    data: dict[str, Any] = {
        "areas": [names[a.pk] for a in areas], "groups": run.groups, "min_size": run.min_size,
        "max_size": run.max_size, "max_groups_per_body": run.max_groups_per_body,
        "max_country_share": run.max_country_share,
        "bodies": [{"id": str(pk), "country": country or "", "interest": interest.get(pk, {})}
                   for pk, country, _name in rows],
        "pinned": [[str(r), names[a]] for r, a in run.pins.values_list("response_id", "area_id") if a in names],
        "excluded": [str(r) for r in run.exclusions.values_list("response_id", flat=True)],
    }
    if run.max_country_share is None:
        data.pop("max_country_share")
    return SolverInput(parse_problem(data), {name: pk for pk, name in names.items()}, weights,
                       {pk: name for pk, _country, name in rows})


_BODY_IN_REASON = re.compile(r"Body '(\d+)'")


def _readable(reason: str, organisations: Mapping[int, str]) -> str:
    """The solver names bodies by id; the secretariat knows them by organisation."""
    return _BODY_IN_REASON.sub(lambda m: f"“{organisations.get(int(m.group(1)), m.group(1))}”", reason)


def execute_run(run_id: int, *, now: dt.datetime | None = None) -> bool:
    """Solve a queued run and store its outcome (figures, placements, explanations); sends nothing.

    Claimed by a conditional update, so a task delivered twice solves once. An unexpected error marks the
    run "failed" with the error; an infeasible problem is not an error (status done, solver "infeasible",
    with the reasons). Returns True if this call solved the run.
    """
    now = now or timezone.now()
    claimed = MatchingRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING,
                                                                                   started_at=now)
    if not claimed:
        return False
    run = MatchingRun.objects.select_related("campaign").get(pk=run_id)
    try:
        solver_input = build_problem(run)
        solution = solve(solver_input.problem, time_limit=run.time_limit)
        store_solution(run, solver_input, solution)
    except Exception as error:
        log.exception("Matching run %s failed", run_id)
        MatchingRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"[:2000])
        return False
    return True


@transaction.atomic
def store_solution(run: MatchingRun, solver_input: SolverInput, solution: Solution) -> None:
    """Write `solution` on `run`: its figures, the chosen areas, a Placement row per (body, area), explanations."""
    area_ids = solver_input.area_ids
    pinned = {(int(b), area_ids[a]) for b, a in solver_input.problem.pinned if a in area_ids}
    placements = []
    for body, area in solution.placements:
        key = (int(body), area_ids[area])
        placements.append(Placement(run=run, response_id=key[0], area_id=key[1],
                                    weight=solver_input.weights.get(key, 0.0), pinned=key in pinned))
    Placement.objects.filter(run=run).delete()
    Placement.objects.bulk_create(placements, batch_size=2000)
    run.chosen_areas.set([area_ids[a] for a in solution.areas])
    result = {
        "unplaced": [int(b) for b in solution.unplaced],
        "excluded": [int(b) for b in solution.excluded],
        "reasons": [_readable(r, solver_input.organisations) for r in solution.reasons],
        "explanations": dict(solution.explanations),
    }
    MatchingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, solver_status=solution.status, method=solution.method,
        bodies_count=len(solver_input.problem.bodies), bodies_served=solution.bodies_served,
        objective=solution.objective, bound=solution.bound, gap=solution.gap, seconds=round(solution.seconds, 3),
        result=result, finished_at=timezone.now(), error="",
    )
