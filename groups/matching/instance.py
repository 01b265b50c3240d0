"""The problem turned into integer arrays for the solvers, and the checks that need no search.

Bodies with identical profiles (the same interest per area, the same remaining number of groups, the same
"already served" state and, only when a country share is capped, the same country) are merged into one
*class* with an integer count: the solvers see one node of capacity ``count`` instead of ``count`` nodes.
Any integral placement of a class splits back into one per body (see :func:`split_class_flows`).

Pins are taken out before the search: a body pinned to an area is counted in that group from the start,
the area is forced into the choice, the group's size limits shrink accordingly and the body keeps only its
remaining places. Excluded bodies are dropped.

Objective units: every solver maximises ``weight_unit * interest + bodies_served`` in integers, where
``interest`` is the total interest placed in integer units (interest times ``scale``) and ``weight_unit`` is
larger than the number of bodies, so that any gain in interest outweighs any number of extra bodies served
(a lexicographic objective: interest first, then bodies served).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from .model import Problem
from .text import _, ngettext, pgettext


@dataclass
class Instance:
    """Integer arrays for the solvers. Areas are indexed as in ``problem.areas``; arcs are sorted by class."""

    problem: Problem
    scale: int
    weight_unit: int
    bodies: list[int]  # indices into problem.bodies of the eligible (not excluded) bodies
    count: np.ndarray  # per class: number of bodies
    cap: np.ndarray  # per class: groups each body may still join
    bonus: np.ndarray  # per class: 1 if serving one of its bodies still earns the "served" bonus
    country: np.ndarray  # per class: country code, or -1 when countries do not matter
    members: list[list[int]]  # per class: indices into problem.bodies, in input order
    arc_class: np.ndarray
    arc_area: np.ndarray
    arc_weight: np.ndarray  # integer interest (interest * scale)
    lower: np.ndarray  # per area: bodies still to place for the minimum size, once pins are counted
    upper: np.ndarray  # per area: room left under the maximum size, once pins are counted
    forced: np.ndarray  # per area: chosen because a body is pinned to it
    allowed: np.ndarray  # per area: could host a group at all
    countries: list[str]
    pins: list[tuple[int, int]]  # (index into problem.bodies, area index)
    pinned_value: int  # objective units contributed by the pins
    pinned_by_country: dict[tuple[int, int], int] = field(default_factory=dict)  # (area, country) -> pins

    @property
    def n_areas(self) -> int:
        return len(self.problem.areas)

    @property
    def n_classes(self) -> int:
        return len(self.count)


def integer_scale(weights: list[float]) -> int:
    """The smallest power of ten (up to 10**6) that makes every interest weight a whole number."""
    if all(type(w) is int for w in weights):  # the usual levels 1..5, checked fast
        return 1
    for digits in range(7):
        scale = 10**digits
        if all(abs(w * scale - round(w * scale)) <= 1e-9 * max(1.0, w * scale) for w in weights):
            return scale
    return 10**6  # finer values are rounded to six decimals


def share_limit(share: float, size: int) -> int:
    """Most bodies of one country allowed in a group of ``size`` (a small tolerance absorbs 0.29 * 100)."""
    return math.floor(share * size + 1e-9)


def _country_feasible_size(counts: dict[int, int], pinned: dict[int, int], share: float, low: int, high: int) -> bool:
    """Whether some group size in [low, high] can be filled from these countries within the share."""
    for size in range(max(low, sum(pinned.values())), high + 1):
        limit = share_limit(share, size)
        if any(n > limit for n in pinned.values()):
            continue
        if sum(min(n, limit) for n in counts.values()) >= size:
            return True
    return False


def build_instance(problem: Problem) -> tuple[Instance | None, list[str]]:
    """Prepare the arrays, or explain why no choice of groups can meet the constraints.

    Returns ``(instance, [])`` or ``(None, reasons)``. The reasons are sentences for the secretariat.
    """
    reasons: list[str] = []
    area_index = {area: i for i, area in enumerate(problem.areas)}
    body_index = {body.id: i for i, body in enumerate(problem.bodies)}
    k, per_body = problem.groups, problem.max_groups_per_body
    if k > len(problem.areas):
        reasons.append(ngettext("%(k)s groups were asked for but there is only %(n)s thematic area.",
                                "%(k)s groups were asked for but there are only %(n)s thematic areas.",
                                len(problem.areas)) % {"k": k, "n": len(problem.areas)})

    excluded = set()
    for body_id in problem.excluded:
        if body_id not in body_index:
            reasons.append(_("Excluded body %(body)s is not among the bodies.") % {"body": repr(body_id)})
        else:
            excluded.add(body_index[body_id])

    pins: list[tuple[int, int]] = []
    for body_id, area in problem.pinned:
        if body_id not in body_index:
            reasons.append(_("Body %(body)s is pinned to %(area)s but is not among the bodies.")
                           % {"body": repr(body_id), "area": area})
        elif area not in area_index:
            reasons.append(_("Body %(body)s is pinned to %(area)s, which is not a thematic area.")
                           % {"body": repr(body_id), "area": repr(area)})
        elif body_index[body_id] in excluded:
            reasons.append(_("Body %(body)s is both pinned to %(area)s and excluded.")
                           % {"body": repr(body_id), "area": area})
        elif area not in problem.bodies[body_index[body_id]].interest:
            reasons.append(_("Body %(body)s is pinned to %(area)s but expressed no interest in it.")
                           % {"body": repr(body_id), "area": area})
        else:
            pins.append((body_index[body_id], area_index[area]))
    pins_per_body = Counter(b for b, _ in pins)
    for b, n in pins_per_body.items():
        if n > per_body:
            reasons.append(ngettext("Body %(body)s is pinned to %(n)s areas but a body joins at most %(m)s group.",
                                    "Body %(body)s is pinned to %(n)s areas but a body joins at most %(m)s groups.",
                                    per_body) % {"body": repr(problem.bodies[b].id), "n": n, "m": per_body})
    pinned_areas = sorted({a for _, a in pins})
    if len(pinned_areas) > k:
        names = ", ".join(problem.areas[a] for a in pinned_areas)
        reasons.append(ngettext(
            "Bodies are pinned to %(n)s different areas (%(names)s) but only %(k)s group is formed.",
            "Bodies are pinned to %(n)s different areas (%(names)s) but only %(k)s groups are formed.",
            k) % {"n": len(pinned_areas), "names": names, "k": k})
    pins_per_area = Counter(a for _, a in pins)
    for a, n in sorted(pins_per_area.items()):
        if n > problem.max_size:
            reasons.append(_("%(n)s bodies are pinned to %(area)s but a group has at most %(max)s.")
                           % {"n": n, "area": problem.areas[a], "max": problem.max_size})

    share = problem.max_country_share
    countries = sorted({problem.bodies[b].country for b in range(len(problem.bodies))}) if share is not None else []
    country_code = {c: i for i, c in enumerate(countries)}
    pinned_by_country: Counter[tuple[int, int]] = Counter()
    if share is not None:
        for b, a in pins:
            pinned_by_country[(a, country_code[problem.bodies[b].country])] += 1

    # Which bodies could sit in each area: pinned there, or interested with a place left.
    eligible = [b for b in range(len(problem.bodies)) if b not in excluded]
    pinned_to: dict[int, set[int]] = {}
    for b, a in pins:
        pinned_to.setdefault(b, set()).add(a)
    possible: list[Counter[int]] = [Counter() for _ in problem.areas]  # area -> country code -> bodies
    for b in eligible:
        body = problem.bodies[b]
        room = per_body - len(pinned_to.get(b, ())) > 0
        code = country_code.get(body.country, -1)
        for area in body.interest:
            a = area_index[area]
            if a in pinned_to.get(b, ()) or room:
                possible[a][code] += 1
    allowed = np.zeros(len(problem.areas), dtype=bool)
    for a, area in enumerate(problem.areas):
        total = sum(possible[a].values())
        if share is None:
            allowed[a] = total >= problem.min_size
        else:
            pinned_here = {c: n for (pa, c), n in pinned_by_country.items() if pa == a}
            allowed[a] = _country_feasible_size(
                dict(possible[a]), pinned_here, share, problem.min_size, problem.max_size
            )
        if a in pins_per_area and not allowed[a]:
            if share is not None:
                reason = _("Bodies are pinned to %(area)s, but a group on it cannot reach the minimum size of "
                           "%(min)s within the maximum country share.")
            else:
                reason = ngettext("Bodies are pinned to %(area)s, but a group on it cannot reach the minimum size "
                                  "of %(min)s (%(total)s body could join it).",
                                  "Bodies are pinned to %(area)s, but a group on it cannot reach the minimum size "
                                  "of %(min)s (%(total)s bodies could join it).", total)
            reasons.append(reason % {"area": area, "min": problem.min_size, "total": total})
    if allowed.sum() < k:
        counts = ", ".join(pgettext("a label and its value", "%(label)s: %(value)s")
                           % {"label": area, "value": sum(possible[a].values())} for a, area in enumerate(problem.areas))
        if share is None:
            reason = ngettext("Only %(n)s area has at least %(min)s interested bodies, but %(k)s groups are needed "
                              "(interested bodies per area: %(counts)s).",
                              "Only %(n)s areas have at least %(min)s interested bodies, but %(k)s groups are needed "
                              "(interested bodies per area: %(counts)s).", int(allowed.sum()))
        else:
            reason = ngettext("Only %(n)s area has at least %(min)s interested bodies from enough countries to "
                              "respect the maximum country share of %(share)s, but %(k)s groups are needed "
                              "(interested bodies per area: %(counts)s).",
                              "Only %(n)s areas have at least %(min)s interested bodies from enough countries to "
                              "respect the maximum country share of %(share)s, but %(k)s groups are needed "
                              "(interested bodies per area: %(counts)s).", int(allowed.sum()))
        reasons.append(reason % {"n": int(allowed.sum()), "min": problem.min_size, "k": k, "counts": counts,
                                 "share": f"{share:g}" if share is not None else ""})
    places = sum(
        min(per_body, sum(1 for area in problem.bodies[b].interest if allowed[area_index[area]])) for b in eligible
    )
    if k * problem.min_size > places:
        reasons.append(ngettext(
            "The %(k)s groups need at least %(need)s places (%(k)s x %(min)s) but the %(n)s eligible bodies can "
            "fill at most %(places)s (at most %(m)s group each, only in areas they are interested in).",
            "The %(k)s groups need at least %(need)s places (%(k)s x %(min)s) but the %(n)s eligible bodies can "
            "fill at most %(places)s (at most %(m)s groups each, only in areas they are interested in).",
            per_body) % {"k": k, "need": k * problem.min_size, "min": problem.min_size, "n": len(eligible),
                         "places": places, "m": per_body})
    if reasons:
        return None, reasons
    return _arrays(problem, eligible, pins, pinned_to, allowed, countries, country_code, pinned_by_country), []


def _arrays(problem: Problem, eligible: list[int], pins: list[tuple[int, int]], pinned_to: dict[int, set[int]],
            allowed: np.ndarray, countries: list[str], country_code: dict[str, int],
            pinned_by_country: Counter[tuple[int, int]]) -> Instance:
    area_index = {area: i for i, area in enumerate(problem.areas)}
    scale = integer_scale([w for b in eligible for w in problem.bodies[b].interest.values()])
    weight_unit = len(eligible) + 1
    per_body = problem.max_groups_per_body
    classes: dict[tuple, int] = {}
    members: list[list[int]] = []
    keys: list[tuple] = []
    for b in eligible:
        body = problem.bodies[b]
        pinned_here = pinned_to.get(b, set())
        cap = per_body - len(pinned_here)
        profile = tuple(sorted(
            (area_index[area], round(w * scale)) for area, w in body.interest.items()
            if allowed[area_index[area]] and area_index[area] not in pinned_here
        )) if cap > 0 else ()
        key = (profile, cap, 0 if pinned_here else 1, country_code.get(body.country, -1))
        if key not in classes:
            classes[key] = len(keys)
            keys.append(key)
            members.append([])
        members[classes[key]].append(b)
    arcs = [(k, a, w) for k, key in enumerate(keys) for a, w in key[0]]
    arc = np.array(arcs, dtype=np.int64).reshape(-1, 3)
    lower = np.full(len(problem.areas), problem.min_size, dtype=np.int64)
    upper = np.full(len(problem.areas), problem.max_size, dtype=np.int64)
    forced = np.zeros(len(problem.areas), dtype=bool)
    pinned_weight = 0
    for b, a in pins:
        lower[a] = max(0, lower[a] - 1)
        upper[a] -= 1
        forced[a] = True
        pinned_weight += round(problem.bodies[b].interest[problem.areas[a]] * scale)
    return Instance(
        problem=problem, scale=scale, weight_unit=weight_unit, bodies=eligible,
        count=np.array([len(m) for m in members], dtype=np.int64),
        cap=np.array([key[1] for key in keys], dtype=np.int64),
        bonus=np.array([key[2] for key in keys], dtype=np.int64),
        country=np.array([key[3] for key in keys], dtype=np.int64),
        members=members, arc_class=arc[:, 0].copy(), arc_area=arc[:, 1].copy(), arc_weight=arc[:, 2].copy(),
        lower=lower, upper=upper, forced=forced, allowed=allowed, countries=countries, pins=pins,
        pinned_value=weight_unit * pinned_weight + len(pinned_to), pinned_by_country=dict(pinned_by_country),
    )


def split_class_flows(inst: Instance, arc_flow: np.ndarray) -> dict[int, list[int]]:
    """Turn integral flows per (class, area) into areas per body, pins included.

    Within a class the units are dealt round-robin to its bodies in input order: each area's units (at most
    the class size) land on different bodies, no body gets more than its remaining places, and as many
    bodies as possible get at least one place. Ties between identical bodies thus go to the one listed first.
    """
    placed: dict[int, list[int]] = defaultdict(list)
    for b, a in inst.pins:
        placed[b].append(a)
    used = np.nonzero(arc_flow > 0)[0]
    pointer: dict[int, int] = defaultdict(int)
    for i in used:  # arcs are sorted by class, then by area
        k, a, units = int(inst.arc_class[i]), int(inst.arc_area[i]), int(arc_flow[i])
        group = inst.members[k]
        for _unit in range(units):
            placed[group[pointer[k] % len(group)]].append(a)
            pointer[k] += 1
    return {b: sorted(areas) for b, areas in placed.items()}
