"""The greedy baseline the exact search is measured against: popular areas, then highest interest first.

It is what a person would do by hand: take the K areas most bodies asked for, then fill the groups going
down the list of (body, area) wishes from the highest interest, skipping full groups and bodies that already
have their groups. It is fast and usually good, and it can be far off where many bodies are lukewarm and a
few are keen; it may even leave a group below the minimum size (then its status is "infeasible").
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict

from .explain import explain
from .instance import build_instance, share_limit
from .model import Problem, Solution


def greedy(problem: Problem) -> Solution:
    """Form groups greedily (pins and exclusions respected); no optimality claim, no bound."""
    started = time.perf_counter()
    inst, reasons = build_instance(problem)
    if inst is None:
        solution = Solution(status="infeasible", reasons=tuple(reasons), method="greedy")
        solution.explanations = explain(problem, solution)
        return solution
    bodies = [problem.bodies[b] for b in inst.bodies]
    pinned_areas = {problem.areas[a] for _, a in inst.pins}
    popularity = Counter(area for body in bodies for area in body.interest)
    weight: Counter[str] = Counter()
    for body in bodies:
        weight.update(body.interest)
    candidates = [a for i, a in enumerate(problem.areas) if inst.allowed[i] and a not in pinned_areas]
    candidates.sort(key=lambda a: (-popularity[a], -weight[a], problem.areas.index(a)))
    chosen = sorted(pinned_areas) + candidates[: problem.groups - len(pinned_areas)]
    chosen = [a for a in problem.areas if a in set(chosen)]

    members: dict[str, list[str]] = defaultdict(list)
    groups_of: Counter[str] = Counter()
    countries: dict[str, Counter[str]] = defaultdict(Counter)
    for b, a in inst.pins:
        body, area = problem.bodies[b], problem.areas[a]
        members[area].append(body.id)
        groups_of[body.id] += 1
        countries[area][body.country] += 1
    pins = {(problem.bodies[b].id, problem.areas[a]) for b, a in inst.pins}
    position = {area: i for i, area in enumerate(chosen)}
    # (interest, input order, area order) is unique per wish, so plain tuple order is the intended one.
    wishes = sorted((-body.interest[area], order, position[area], area)
                    for order, body in enumerate(bodies) for area in body.interest if area in position)
    share = problem.max_country_share
    for _, order, _, area in wishes:
        body = bodies[order]
        if (body.id, area) in pins or groups_of[body.id] >= problem.max_groups_per_body:
            continue
        if len(members[area]) >= problem.max_size:
            continue
        if share is not None and countries[area][body.country] + 1 > share_limit(share, problem.max_size):
            continue
        members[area].append(body.id)
        groups_of[body.id] += 1
        countries[area][body.country] += 1

    problems = [f"The group for {a} has {len(members[a])} bodies, below the minimum of {problem.min_size}."
                for a in chosen if len(members[a]) < problem.min_size]
    if share is not None:
        problems += [f"The group for {a} has more bodies from {c} than the maximum country share allows."
                     for a in chosen for c, n in countries[a].items() if n > share_limit(share, len(members[a]))]
    index = {body.id: i for i, body in enumerate(problem.bodies)}
    placements = sorted(((b, a) for a in chosen for b in members[a]),
                        key=lambda p: (index[p[0]], problem.areas.index(p[1])))
    interest = sum(problem.bodies[index[b]].interest[a] for b, a in placements)
    solution = Solution(
        status="infeasible" if problems else "feasible", areas=tuple(chosen), placements=tuple(placements),
        unplaced=tuple(body.id for body in bodies if groups_of[body.id] == 0),
        excluded=tuple(b for b in problem.excluded if b in index), objective=interest,
        bodies_served=sum(1 for body in bodies if groups_of[body.id] > 0), reasons=tuple(problems), method="greedy",
    )
    solution.explanations = explain(problem, solution)
    solution.seconds = time.perf_counter() - started
    return solution
