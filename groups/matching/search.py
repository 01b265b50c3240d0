"""The exact search over choices of areas, and the public entry point :func:`solve`.

Objective. Maximise the total interest weight placed; among placements with the same total, serve as many
bodies as possible (a body placed at all counts once). The second criterion is a bonus of one "served" unit
per body against ``weight_unit`` (more than the number of bodies) per unit of interest, so it can never
lower the total interest: it only breaks ties, which are common when many bodies share the same levels.
Measured on the benchmark's instances (bench/matching.py), at the same total interest, it raised the
bodies served from 66 to 88 (140 bodies, 10 areas) and from 5,300 to 6,151 (10,000 bodies, 30 areas).
Remaining ties (identical bodies) go to the body listed first in the input, and every step is
deterministic, so the same input gives the same groups (unless a run stops on its time limit, where the
best solution found depends on the machine's speed).

Two exact methods:

* ``decomposition`` (the default; with a country share, from about 400 bodies on): bodies with
  identical profiles are merged; a choice of areas is valued exactly by a min-cost flow, whose dual prices
  give an upper bound for every other choice (a Benders cut, see ``cuts.py``); a master problem with one
  binary per area proposes the unexplored choice with the best bound; the search stops when that bound
  cannot beat the best choice found, which is then proven optimal. It starts from "the most popular areas,
  then the exact flow", which is often optimal already: the cuts then only supply the proof. Choices whose
  minimum sizes cannot be met are excluded together with every choice sharing the same impossible core.
  With a country share, the cuts bound each area's group with the share relaxed to "at most share * max
  size of one country", and each proposed choice is valued by a MILP (a flow cannot express the share).
* ``milp``: the whole problem as one mixed-integer programme for HiGHS, only the area choice integer when
  no share is capped. Used for small inputs with a country share; simple and independent, so the tests
  check one method against the other. At 10,000 bodies it takes tens of seconds where the decomposition
  takes one.

Solvers: HiGHS through SciPy (``scipy.optimize.milp``), not the separate highspy package, which cannot
share a process with OR-Tools 9.15 (or-tools issue 5246); OR-Tools only for its min-cost flow. HiGHS
presolve is switched off on very large models, where it can overrun the time limit.

On the time limit the best solution is returned with its proven gap and ``optimal`` false.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .cuts import Cut, cut_at, infeasible_subset, trivial_cut
from .explain import explain
from .flow import area_prices, solve_flow
from .instance import Instance, build_instance, split_class_flows
from .master import propose
from .milp import solve_milp
from .model import Problem, Solution
from .text import _

#: With a country share, inputs up to this many (class, area) pairs (about 400 bodies) go to the single MILP.
CAPPED_MILP_PAIRS = 2_500


@dataclass
class _Outcome:
    areas: np.ndarray | None
    arc_flow: np.ndarray | None
    value: int | None  # objective units, pins excluded
    bound: int | None
    proven: bool


def popular_areas(inst: Instance) -> np.ndarray:
    """Pinned areas, then the allowed areas most often chosen by bodies (ties: total interest, input order)."""
    bodies = np.bincount(inst.arc_area, weights=inst.count[inst.arc_class], minlength=inst.n_areas)
    interest = np.bincount(inst.arc_area, weights=inst.count[inst.arc_class] * inst.arc_weight, minlength=inst.n_areas)
    order = np.lexsort((np.arange(inst.n_areas), -interest, -bodies, ~inst.forced, ~inst.allowed))
    return np.sort(order[:inst.problem.groups])


def _decompose(inst: Instance, deadline: float) -> _Outcome:
    capped = inst.problem.max_country_share is not None
    cuts: list[Cut] = [trivial_cut(inst)]
    evaluated: list[np.ndarray] = []
    best = _Outcome(None, None, None, None, False)
    worst_unproven = -1  # highest upper bound left on an evaluated choice whose capped MILP did not finish

    def evaluate(areas: np.ndarray) -> None:
        nonlocal worst_unproven
        flow = solve_flow(inst, areas)
        if flow is None:
            # Exclude every choice that shares the same impossible core, not just this one.
            evaluated.append(infeasible_subset(inst, areas))
            return
        evaluated.append(areas)
        cuts.append(cut_at(inst, flow.areas, area_prices(flow)))
        value: int | None = flow.value
        arc_flow: np.ndarray | None = flow.arc_flow
        if capped:
            if best.value is not None and flow.value <= best.value:
                return  # even without the country share this choice cannot win
            placed = solve_milp(inst, time_limit=max(0.5, deadline - time.perf_counter()), areas=areas)
            if not placed.proven:
                worst_unproven = max(worst_unproven, placed.bound if placed.bound is not None else flow.value)
            value, arc_flow = placed.value, placed.arc_flow
        if value is not None and (best.value is None or value > best.value):
            best.areas, best.arc_flow, best.value = areas, arc_flow, value

    evaluate(popular_areas(inst))
    while True:
        # The master is cheap (one binary per area), so it runs once more after the deadline: its bound
        # is what makes the reported gap honest.
        proposal = propose(inst, cuts, evaluated, max(1.0, deadline - time.perf_counter()))
        if proposal is None:  # every feasible choice explored
            best.bound = max(best.value if best.value is not None else -1, worst_unproven)
            best.proven = worst_unproven <= (best.value if best.value is not None else -1)
            return best
        areas, bound, _cut = proposal
        if best.value is not None and bound <= best.value:
            best.bound = max(best.value, worst_unproven)
            best.proven = worst_unproven <= best.value
            return best
        if time.perf_counter() >= deadline:
            best.bound = max(bound, worst_unproven, best.value if best.value is not None else bound)
            best.proven = False
            return best
        evaluate(areas)


def _monolithic(inst: Instance, deadline: float) -> _Outcome:
    result = solve_milp(inst, time_limit=deadline - time.perf_counter())
    if result.areas is None:
        return _Outcome(None, None, None, result.bound, result.proven)
    if inst.problem.max_country_share is None:
        # The MILP's continuous placement is integral in theory; the flow makes it so in practice too.
        flow = solve_flow(inst, result.areas)
        if flow is not None and flow.value >= (result.value or 0):
            return _Outcome(result.areas, flow.arc_flow, flow.value, max(result.bound or 0, flow.value),
                            result.proven)
    return _Outcome(result.areas, result.arc_flow, result.value, result.bound, result.proven)


def solve(problem: Problem, *, time_limit: float = 30.0, method: str = "auto") -> Solution:
    """Form the groups: choose ``problem.groups`` areas and place the bodies, exactly.

    ``method`` is "auto" (picks one by size and country share, see the module's docstring), "milp" or
    "decomposition". Never raises on constraints that cannot be met together: the solution then has status
    "infeasible" and says why in ``reasons``. ``time_limit`` bounds the search; preparing the input and
    the first flow always run (about 2 s for 50,000 bodies).
    """
    started = time.perf_counter()
    # Keep back the time that splitting classes into bodies and writing explanations take afterwards
    # (about 20 microseconds per body), so that the whole call ends within the limit.
    deadline = started + time_limit - min(0.2 * time_limit, 2e-5 * len(problem.bodies))
    inst, reasons = build_instance(problem)
    if inst is None:
        return _finish(problem, None, None, started, status="infeasible", reasons=reasons, method="checks")
    if method == "auto":
        # Measured on random instances: without a country share the decomposition wins at every size, from
        # 140 bodies (0.01 s against 0.05 s) to 10,000 (under a second against 40 s: the served bonus makes
        # the MILP hard). With a share the single MILP wins on small inputs (140 bodies: 0.07 s against
        # 0.2 to 0.6 s) and the decomposition from about 500 bodies on.
        small = len(inst.arc_class) <= CAPPED_MILP_PAIRS
        method = "milp" if problem.max_country_share is not None and small else "decomposition"
    if method not in ("milp", "decomposition"):
        raise ValueError(f"unknown method {method!r}")
    outcome = _monolithic(inst, deadline) if method == "milp" else _decompose(inst, deadline)
    if outcome.areas is None:
        if outcome.proven:
            if problem.max_country_share is None:
                reason = _("No choice of areas can meet every constraint together (group sizes, groups per body, "
                           "pins).")
            else:
                reason = _("No choice of areas can meet every constraint together (group sizes, groups per body, "
                           "pins, maximum country share).")
            reasons = [reason]
            return _finish(problem, inst, None, started, status="infeasible", reasons=reasons, method=method)
        return _finish(problem, inst, None, started, status="unknown", method=method,
                       reasons=[_("No solution was found within the time limit of %(seconds)s s.")
                                % {"seconds": f"{time_limit:g}"}])
    status = "optimal" if outcome.proven else "feasible"
    return _finish(problem, inst, outcome, started, status=status, method=method)


def _finish(problem: Problem, inst: Instance | None, outcome: _Outcome | None, started: float, *, status: str,
            method: str, reasons: list[str] | None = None) -> Solution:
    known = {body.id for body in problem.bodies}
    excluded = tuple(body_id for body_id in problem.excluded if body_id in known)
    solution = Solution(status=status, excluded=excluded, reasons=tuple(reasons or ()), method=method)
    if inst is not None and outcome is not None and outcome.areas is not None:
        assert outcome.arc_flow is not None and outcome.value is not None  # set together with the areas
        per_body = split_class_flows(inst, outcome.arc_flow)
        areas = sorted({int(a) for a in outcome.areas} | {a for _, a in inst.pins})
        solution.areas = tuple(problem.areas[a] for a in areas)
        solution.placements = tuple(
            (problem.bodies[b].id, problem.areas[a]) for b in sorted(per_body) for a in per_body[b]
        )
        solution.unplaced = tuple(problem.bodies[b].id for b in inst.bodies if b not in per_body)
        solution.bodies_served = len(per_body)
        total = outcome.value + inst.pinned_value
        bound_total = total if outcome.bound is None else max(total, outcome.bound + inst.pinned_value)
        solution.objective = _interest(total // inst.weight_unit, inst.scale)
        solution.bound = _interest(bound_total // inst.weight_unit, inst.scale)
        solution.gap = 0.0 if solution.bound == 0 else round((solution.bound - solution.objective) / solution.bound, 9)
    else:
        solution.unplaced = tuple(b.id for b in problem.bodies if b.id not in set(excluded))
    solution.explanations = explain(problem, solution)
    solution.seconds = time.perf_counter() - started
    return solution


def _interest(units: int, scale: int) -> float | int:
    """Interest in the input's own units: an int when the input used whole numbers."""
    return units if scale == 1 else units / scale
