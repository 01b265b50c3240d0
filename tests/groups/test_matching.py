"""The group-formation solver: optimality against brute force, every constraint, reproducibility."""

from __future__ import annotations

import itertools
import math
import random
from collections import Counter
from typing import Any

import numpy as np
import pytest

from groups.matching import Problem, ProblemError, Solution, greedy, parse_problem, solve
from groups.matching.cuts import cut_at, infeasible_subset
from groups.matching.flow import area_prices, solve_flow
from groups.matching.instance import build_instance

METHODS = ["milp", "decomposition"]


def random_input(rng: random.Random, *, bodies: int, areas: int, groups: int, share: bool = False,
                 pins: bool = False, exclusions: bool = False) -> dict[str, Any]:
    """A small random instance in the JSON shape of the command."""
    area_ids = [f"area{i}" for i in range(areas)]
    data: dict[str, Any] = {
        "areas": area_ids,
        "groups": groups,
        "min_size": rng.randint(1, 2),
        "max_size": rng.randint(2, 3),
        "max_groups_per_body": rng.randint(1, 2),
        "bodies": [
            {
                "id": f"b{i}",
                "country": rng.choice(["FR", "DE", "IT"]),
                "interest": {a: rng.randint(0, 3) for a in rng.sample(area_ids, rng.randint(0, areas))},
            }
            for i in range(bodies)
        ],
    }
    if share:
        data["max_country_share"] = rng.choice([0.5, 0.67, 0.75])
    if pins:
        body = rng.choice(data["bodies"])
        wanted = [a for a, w in body["interest"].items() if w > 0]
        if wanted:
            data["pinned"] = [[body["id"], rng.choice(wanted)]]
    if exclusions:
        data["excluded"] = [rng.choice(data["bodies"])["id"]]
    return data


def brute_force(problem: Problem) -> tuple[int, int] | None:
    """Best (total interest, bodies served) over every choice of areas and every placement, or None."""
    bodies = [b for b in problem.bodies if b.id not in problem.excluded]
    pins = set(problem.pinned)
    if any(body in problem.excluded for body, _ in pins):
        return None
    best = None
    for areas in itertools.combinations(problem.areas, problem.groups):
        options = []
        for body in bodies:
            mine = [a for a in areas if a in body.interest]
            pinned = {a for b, a in pins if b == body.id}
            if not pinned <= set(mine):
                options = None
                break
            options.append([
                set(c) for r in range(problem.max_groups_per_body + 1) for c in itertools.combinations(mine, r)
                if pinned <= set(c)
            ])
        if options is None:
            continue
        for choice in itertools.product(*options):
            sizes = Counter(a for c in choice for a in c)
            if any(not problem.min_size <= sizes[a] <= problem.max_size for a in areas):
                continue
            if problem.max_country_share is not None:
                per = Counter((a, body.country) for body, c in zip(bodies, choice, strict=True) for a in c)
                limit = {a: math.floor(problem.max_country_share * sizes[a] + 1e-9) for a in areas}
                if any(n > limit[a] for (a, _), n in per.items()):
                    continue
            interest = sum(body.interest[a] for body, c in zip(bodies, choice, strict=True) for a in c)
            value = (interest, sum(1 for c in choice if c))
            best = value if best is None or value > best else best
    return best


def check_feasible(problem: Problem, solution: Solution) -> None:
    """Every constraint of the problem holds in the solution."""
    bodies = {b.id: b for b in problem.bodies}
    assert len(solution.areas) == problem.groups
    assert len(set(solution.placements)) == len(solution.placements)
    groups = solution.groups()
    for area, members in groups.items():
        assert problem.min_size <= len(members) <= problem.max_size, (area, members)
        if problem.max_country_share is not None:
            limit = math.floor(problem.max_country_share * len(members) + 1e-9)
            assert max(Counter(bodies[b].country for b in members).values()) <= limit
    per_body = Counter(b for b, _ in solution.placements)
    assert max(per_body.values(), default=0) <= problem.max_groups_per_body
    for body, area in solution.placements:
        assert bodies[body].interest.get(area, 0) > 0
        assert body not in problem.excluded
    for body, area in problem.pinned:
        assert (body, area) in solution.placements
    assert solution.objective == sum(bodies[b].interest[a] for b, a in solution.placements)
    assert solution.bodies_served == len(per_body)
    assert set(solution.unplaced) == {b.id for b in problem.bodies} - set(per_body) - set(problem.excluded)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", range(40))
def test_solve_matches_brute_force(seed: int, method: str) -> None:
    rng = random.Random(seed)
    problem = parse_problem(random_input(
        rng, bodies=rng.randint(3, 6), areas=4, groups=2, share=seed % 3 == 0, pins=seed % 4 == 1,
        exclusions=seed % 5 == 2,
    ))
    expected = brute_force(problem)
    solution = solve(problem, method=method)
    if expected is None:
        assert solution.status == "infeasible", solution
        assert solution.reasons
    else:
        assert solution.status == "optimal", solution
        check_feasible(problem, solution)
        assert (solution.objective, solution.bodies_served) == expected
        assert solution.gap == 0


@pytest.mark.parametrize("seed", range(12))
def test_solve_meets_every_constraint_on_random_instances(seed: int) -> None:
    rng = random.Random(1000 + seed)
    data = random_input(rng, bodies=60, areas=8, groups=3, share=seed % 2 == 0, pins=True, exclusions=True)
    data["min_size"], data["max_size"] = 4, 9
    problem = parse_problem(data)
    solutions = [solve(problem, method=m) for m in METHODS]
    for solution in solutions:
        assert solution.status in ("optimal", "infeasible")
        if solution.status == "optimal":
            check_feasible(problem, solution)
    # Both exact methods agree on the optimum (the groups themselves may differ on ties).
    assert len({(s.status, s.objective, s.bodies_served) for s in solutions}) == 1


def test_solve_is_reproducible() -> None:
    data = random_input(random.Random(7), bodies=80, areas=6, groups=3)
    data["min_size"], data["max_size"] = 3, 12
    first = solve(parse_problem(data)).to_dict()
    second = solve(parse_problem(data)).to_dict()
    first.pop("seconds"), second.pop("seconds")
    assert first == second


def test_solve_breaks_ties_between_identical_bodies_by_input_order() -> None:
    data = {
        "areas": ["hdev"], "groups": 1, "min_size": 1, "max_size": 2,
        "bodies": [{"id": name, "country": "FR", "interest": {"hdev": 2}} for name in ("c", "a", "b")],
    }
    solution = solve(parse_problem(data))
    assert solution.groups() == {"hdev": ["c", "a"]}
    assert solution.unplaced == ("b",)
    assert solution.explanations["b"] == (
        "Not placed: the group for hdev was full with bodies of equal or higher interest."
    )


def test_solve_serves_more_bodies_at_equal_interest() -> None:
    # Two groups of 2; "x" wants both at 1, "y" and "z" want one each at 1: total interest 4 either way when
    # "x" takes two places, but serving "y" and "z" too is better on the second criterion.
    data = {
        "areas": ["p", "q"], "groups": 2, "min_size": 1, "max_size": 2,
        "bodies": [
            {"id": "x", "country": "FR", "interest": {"p": 1, "q": 1}},
            {"id": "w", "country": "FR", "interest": {"p": 1, "q": 1}},
            {"id": "y", "country": "DE", "interest": {"p": 1}},
        ],
    }
    solution = solve(parse_problem(data))
    assert solution.objective == 4
    assert solution.bodies_served == 3


def test_solve_prefers_keen_minority_over_lukewarm_majority() -> None:
    # Greedy takes the popular area; the exact search sees that three keen bodies are worth more.
    bodies = [{"id": f"l{i}", "country": "FR", "interest": {"popular": 1}} for i in range(5)]
    bodies += [{"id": f"k{i}", "country": "FR", "interest": {"niche": 5}} for i in range(3)]
    problem = parse_problem({"areas": ["popular", "niche"], "groups": 1, "min_size": 2, "max_size": 3,
                             "bodies": bodies})
    assert greedy(problem).areas == ("popular",)
    solution = solve(problem)
    assert solution.areas == ("niche",)
    assert solution.objective == 15
    assert solution.explanations["l0"] == "Not placed: its areas of interest (popular) were not among the chosen areas."


def test_solve_respects_country_share() -> None:
    bodies = [{"id": f"fr{i}", "country": "FR", "interest": {"hdev": 5}} for i in range(4)]
    bodies += [{"id": f"de{i}", "country": "DE", "interest": {"hdev": 1}} for i in range(2)]
    problem = parse_problem({"areas": ["hdev"], "groups": 1, "min_size": 2, "max_size": 4,
                             "max_country_share": 0.5, "bodies": bodies})
    solution = solve(problem)
    check_feasible(problem, solution)
    assert sorted(solution.groups()["hdev"]) == ["de0", "de1", "fr0", "fr1"]
    assert solution.explanations["fr2"] == (
        "Not placed: the group for hdev was full with bodies of equal or higher interest."
    )


def test_solve_explains_each_body() -> None:
    data = {
        "areas": ["hdev", "zecs", "food"], "groups": 2, "min_size": 1, "max_size": 2,
        "bodies": [
            {"id": "b1", "country": "FR", "interest": {"hdev": 3, "zecs": 2}},
            {"id": "b2", "country": "DE", "interest": {"hdev": 2}},
            {"id": "b3", "country": "IT", "interest": {"hdev": 1}},
            {"id": "b4", "country": "IT", "interest": {"food": 1}},
            {"id": "b5", "country": "IT", "interest": {}},
            {"id": "b6", "country": "IT", "interest": {"hdev": 3}},
        ],
        "pinned": [["b2", "hdev"]],
        "excluded": ["b6"],
    }
    solution = solve(parse_problem(data))
    assert solution.areas == ("hdev", "zecs")
    assert solution.explanations == {
        "b1": "Placed in hdev (interest 3) and zecs (interest 2).",
        "b2": "Pinned to hdev by the secretariat. Placed in hdev (interest 2).",
        "b3": "Not placed: the group for hdev was full with bodies of higher interest.",
        "b4": "Not placed: its areas of interest (food) were not among the chosen areas.",
        "b5": "Not placed: it expressed no interest in any thematic area.",
        "b6": "Excluded by the secretariat.",
    }
    assert solution.unplaced == ("b3", "b4", "b5")
    assert solution.excluded == ("b6",)


BASE = {
    "areas": ["hdev", "zecs", "food"], "groups": 2, "min_size": 2, "max_size": 3,
    "bodies": [
        {"id": "b1", "country": "FR", "interest": {"hdev": 3, "zecs": 1}},
        {"id": "b2", "country": "DE", "interest": {"hdev": 2, "zecs": 2}},
        {"id": "b3", "country": "IT", "interest": {"hdev": 1, "food": 2}},
        {"id": "b4", "country": "IT", "interest": {"zecs": 1, "food": 2}},
    ],
}


@pytest.mark.parametrize(("change", "reason"), [
    ({"groups": 4}, "4 groups were asked for but there are only 3 thematic areas."),
    ({"min_size": 5, "max_size": 6}, "Only 0 areas have at least 5 interested bodies, but 2 groups are needed"),
    ({"max_groups_per_body": 1, "min_size": 3},
     "The 2 groups need at least 6 places (2 x 3) but the 4 eligible bodies can fill at most 4"),
    ({"pinned": [["b3", "zecs"]]}, "Body 'b3' is pinned to zecs but expressed no interest in it."),
    ({"pinned": [["b3", "sport"]]}, "Body 'b3' is pinned to 'sport', which is not a thematic area."),
    ({"pinned": [["b9", "hdev"]]}, "Body 'b9' is pinned to hdev but is not among the bodies."),
    ({"pinned": [["b1", "hdev"], ["b2", "zecs"], ["b3", "food"]]},
     "Bodies are pinned to 3 different areas (hdev, zecs, food) but only 2 groups are formed."),
    ({"pinned": [["b1", "hdev"]], "excluded": ["b1"]}, "Body 'b1' is both pinned to hdev and excluded."),
    ({"excluded": ["b9"]}, "Excluded body 'b9' is not among the bodies."),
    ({"pinned": [["b1", "hdev"], ["b1", "zecs"]], "max_groups_per_body": 1},
     "Body 'b1' is pinned to 2 areas but a body joins at most 1 group."),
    ({"pinned": [["b1", "hdev"], ["b2", "hdev"]], "min_size": 1, "max_size": 1},
     "2 bodies are pinned to hdev but a group has at most 1."),
])
def test_solve_explains_infeasible_input(change: dict[str, Any], reason: str) -> None:
    solution = solve(parse_problem({**BASE, **change}))
    assert solution.status == "infeasible"
    assert not solution.optimal
    assert any(r.startswith(reason) for r in solution.reasons), solution.reasons
    assert solution.areas == () and solution.placements == ()
    assert solution.to_dict()["infeasible_reasons"] == list(solution.reasons)


def pinned_apart(groups: int) -> dict[str, Any]:
    """p and q are forced by pins and need "c" both, who may join one group only; r has bodies of its own."""
    bodies = [
        {"id": "b0", "country": "FR", "interest": {"p": 1, "q": 1}},
        {"id": "b1", "country": "FR", "interest": {"q": 1}},
        {"id": "c", "country": "FR", "interest": {"p": 1, "q": 1}},
    ] + [{"id": f"r{i}", "country": "FR", "interest": {"r": 1}} for i in range(3)]
    return {"areas": ["p", "q", "r"], "groups": groups, "min_size": 2, "max_size": 2, "max_groups_per_body": 1,
            "bodies": bodies, "pinned": [["b0", "p"], ["b1", "q"]]}


@pytest.mark.parametrize("method", METHODS)
def test_solve_detects_areas_that_cannot_be_filled_together(method: str) -> None:
    solution = solve(parse_problem(pinned_apart(groups=2)), method=method)
    assert solution.status == "infeasible"
    assert solution.reasons == (("No choice of areas can meet every constraint together (group sizes, groups per "
                                 "body, pins)."),)
    assert solution.explanations["c"] == "Not placed: no groups were formed."


def test_infeasible_subset_finds_the_core() -> None:
    inst, reasons = build_instance(parse_problem(pinned_apart(groups=3)))
    assert inst is not None, reasons
    areas = np.array([0, 1, 2])
    assert solve_flow(inst, areas) is None
    assert infeasible_subset(inst, areas).tolist() == [0, 1]


@pytest.mark.parametrize("seed", range(6))
def test_flow_cut_is_exact_at_its_own_choice_and_bounds_the_others(seed: int) -> None:
    rng = random.Random(seed)
    data = random_input(rng, bodies=40, areas=6, groups=3, pins=True)
    data["min_size"], data["max_size"] = 2, 7
    inst, reasons = build_instance(parse_problem(data))
    if inst is None:
        pytest.skip(f"infeasible draw: {reasons}")
    pinned = int(inst.forced.sum())
    choices = [np.array(c) for c in itertools.combinations(range(6), 3) if inst.forced[list(c)].sum() == pinned]
    flows = {tuple(c): solve_flow(inst, c) for c in choices if inst.allowed[c].all()}
    for flow in flows.values():
        if flow is None:
            continue
        cut = cut_at(inst, flow.areas, area_prices(flow))
        assert cut.value(flow.areas) == flow.value
        for other, other_flow in flows.items():
            if other_flow is not None:
                assert cut.value(np.array(other)) >= other_flow.value


def test_solve_reports_gap_and_not_optimal_when_time_runs_out() -> None:
    data = random_input(random.Random(3), bodies=300, areas=12, groups=5)
    data["min_size"], data["max_size"] = 5, 20
    solution = solve(parse_problem(data), time_limit=0.0, method="decomposition")
    assert solution.status in ("feasible", "optimal")
    if solution.status == "feasible":
        assert not solution.optimal
        assert solution.bound >= solution.objective
        assert solution.gap == pytest.approx((solution.bound - solution.objective) / solution.bound)
    check_feasible(parse_problem(data), solution)


def test_solve_accepts_decimal_interest() -> None:
    data = {"areas": ["p"], "groups": 1, "min_size": 1, "max_size": 1,
            "bodies": [{"id": "a", "country": "FR", "interest": {"p": 0.25}},
                       {"id": "b", "country": "FR", "interest": {"p": 0.5}}]}
    solution = solve(parse_problem(data))
    assert solution.placements == (("b", "p"),)
    assert solution.objective == 0.5


def test_greedy_is_feasible_and_never_beats_the_exact_search() -> None:
    for seed in range(5):
        data = random_input(random.Random(seed), bodies=60, areas=8, groups=3)
        data["min_size"], data["max_size"] = 3, 10
        problem = parse_problem(data)
        baseline, exact = greedy(problem), solve(problem)
        if baseline.status == "feasible" and exact.status == "optimal":
            check_feasible(problem, baseline)
            assert baseline.objective <= exact.objective


GOOD: dict[str, Any] = {
    "areas": ["hdev", "zecs"], "groups": 1, "min_size": 1, "max_size": 2,
    "bodies": [{"id": "b1", "country": "FR", "interest": {"hdev": 3, "zecs": 0}}],
}


@pytest.mark.parametrize(("change", "message"), [
    ({"areas": []}, "areas: must list at least one area"),
    ({"areas": "hdev"}, "areas: must be a list, got str"),
    ({"areas": ["hdev", "hdev"]}, "areas: duplicate ids ['hdev']"),
    ({"areas": ["hdev", ""]}, "areas[1]: must be a non-empty string, got ''"),
    ({"groups": None}, "groups: must be a whole number, got None"),
    ({"groups": 1.5}, "groups: must be a whole number, got 1.5"),
    ({"groups": True}, "groups: must be a whole number, got True"),
    ({"groups": 0}, "groups: must be at least 1, got 0"),
    ({"min_size": 3, "max_size": 2}, "max_size: must be at least min_size (3), got 2"),
    ({"max_groups_per_body": 0}, "max_groups_per_body: must be at least 1, got 0"),
    ({"max_country_share": 1.5}, "max_country_share: must be greater than 0 and at most 1, got 1.5"),
    ({"max_country_share": "half"}, "max_country_share: must be a number, got 'half'"),
    ({"bodies": {"b1": {}}}, "bodies: must be a list, got dict"),
    ({"bodies": ["b1"]}, "bodies[0]: must be an object with id, country and interest, got str"),
    ({"bodies": [{"id": "b1", "interest": {"sport": 1}}]}, "bodies[0].interest: unknown area 'sport' (not in areas)"),
    ({"bodies": [{"id": "b1", "interest": {"hdev": -1}}]}, "bodies[0].interest.hdev: must not be negative, got -1"),
    ({"bodies": [{"id": "b1", "interest": {"hdev": "high"}}]}, "bodies[0].interest.hdev: must be a number, got 'high'"),
    ({"bodies": [{"id": "b1", "interest": [["hdev", 1]]}]}, "bodies[0].interest: must be an object of area: weight"),
    ({"bodies": [{"id": 7, "interest": {}}]}, "bodies[0].id: must be a non-empty string, got 7"),
    ({"bodies": [{"id": "b1"}, {"id": "b1"}]}, "bodies[1].id: duplicate id 'b1'"),
    ({"bodies": [{"id": "b1", "size": 3}]}, "bodies[0]: unknown keys ['size']"),
    ({"max_country_share": 0.5, "bodies": [{"id": "b1", "interest": {}}]},
     "bodies[0].country: is required when max_country_share is set"),
    ({"pinned": [["b1"]]}, "pinned[0]: must be a pair [body id, area id], got ['b1']"),
    ({"pinned": "b1"}, "pinned: must be a list, got str"),
    ({"excluded": [3]}, "excluded[0]: must be a non-empty string, got 3"),
    ({"max_group_per_body": 1}, "unknown keys ['max_group_per_body']"),
])
def test_parse_problem_rejects_malformed_input(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ProblemError) as error:
        parse_problem({**GOOD, **change})
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("data", [[], "text", None, 3])
def test_parse_problem_rejects_a_non_object(data: Any) -> None:
    with pytest.raises(ProblemError, match="the input must be a JSON object"):
        parse_problem(data)


def test_parse_problem_reads_defaults_and_drops_zero_interest() -> None:
    problem = parse_problem(GOOD)
    assert problem.max_groups_per_body == 2
    assert problem.max_country_share is None
    assert problem.pinned == () and problem.excluded == ()
    assert dict(problem.bodies[0].interest) == {"hdev": 3}
    assert isinstance(problem, Problem)
