"""Upper bounds on the objective of every choice of areas, linear in the choice ("optimality cuts").

Relax each body's limit on groups with a price ``lam`` per class (and the "served" bonus with ``beta``): the
problem then falls apart into one independent problem per area, "take between ``lower`` and ``upper``
units of the most valuable bodies at reduced values ``weight_unit * w - lam + beta``". For any prices,

    value(S) <= const + sum(g[a] for a in S)   for every choice S of areas (weak duality),

so each set of prices gives one linear cut over the area choice. Prices read off the optimal flow at a
choice S (see ``flow.area_prices``) make the cut exact at S; the search collects such cuts, as in a
Benders decomposition, until no unexplored choice can beat the best one found.

Every number here is an integer in objective units, so the bounds carry no rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .instance import Instance, share_limit

NEG = np.iinfo(np.int64).min // 4  # "this area cannot host a group", far below any real value


@dataclass(frozen=True)
class Cut:
    """``value(S) <= const + sum(gain[a] for a in S)`` for every feasible choice of areas S."""

    const: int
    gain: np.ndarray  # int64 per area; NEG where the area is not allowed

    def value(self, areas: np.ndarray) -> int:
        """The bound this cut gives for one choice of areas."""
        return self.const + int(self.gain[areas].sum())


def body_prices(inst: Instance, chosen: np.ndarray, prices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per class, the best ``(lam, beta)`` given area prices on the chosen areas (a boolean mask).

    For one body with values ``v[a] = weight_unit * w[a] - price[a]`` on the chosen areas, ``cap`` places
    and a bonus ``b`` (0 or 1), the dual of its own little problem is
    ``min b - beta + cap * lam + sum((v + beta - lam)^+)`` over ``0 <= beta <= b``, ``lam >= 0``;
    with integer data an optimum sits at ``beta`` in {0, b} and ``lam`` in {0} or ``{v[a] + beta}``.
    """
    n = inst.n_classes
    on = chosen[inst.arc_area]
    classes = inst.arc_class[on]
    values = inst.weight_unit * inst.arc_weight[on] - prices[inst.arc_area[on]]
    degree = np.bincount(classes, minlength=n)
    width = max(1, int(degree.max()) if n else 1)
    starts = np.concatenate([[0], np.cumsum(degree)[:-1]])
    slot = np.arange(len(classes)) - starts[classes]
    padded = np.full((n, width), -np.inf)
    padded[classes, slot] = values
    cap = inst.cap.astype(np.float64)[:, None]
    best = np.full(n, np.inf)
    best_lam = np.zeros(n)
    best_beta = np.zeros(n)
    for beta_value in (0.0, 1.0):
        beta = np.minimum(beta_value, inst.bonus.astype(np.float64))
        shifted = padded + beta[:, None]
        candidates = np.concatenate([np.zeros((n, 1)), np.maximum(shifted, 0.0)], axis=1)
        candidates[~np.isfinite(candidates)] = 0.0
        for j in range(candidates.shape[1]):
            lam = candidates[:, j]
            total = inst.bonus - beta + cap[:, 0] * lam + np.maximum(shifted - lam[:, None], 0.0).sum(axis=1)
            # Among equally good prices prefer the larger lam: bodies then look busier, which tightens the
            # bound for areas outside the chosen ones.
            better = (total < best) | ((total == best) & (lam - beta > best_lam - best_beta))
            best = np.where(better, total, best)
            best_lam = np.where(better, lam, best_lam)
            best_beta = np.where(better, beta, best_beta)
    return best_lam.astype(np.int64), best_beta.astype(np.int64)


def area_gains(inst: Instance, reduced: np.ndarray) -> np.ndarray:
    """Per area, the best total reduced value of between ``lower`` and ``upper`` units of its bodies.

    With a maximum country share, no group may hold more than ``share * max_size`` bodies of one country
    (pins included), whatever its size: a relaxation of the share, cheap and valid for every size.
    """
    gains = np.full(inst.n_areas, NEG, dtype=np.int64)
    count = inst.count[inst.arc_class]
    share = inst.problem.max_country_share
    for a in np.nonzero(inst.allowed)[0]:
        mask = inst.arc_area == a
        values, units = reduced[mask], count[mask]
        if share is not None:
            units = _within_country_limit(inst, int(a), values, units, inst.country[inst.arc_class[mask]], share)
        order = np.argsort(-values, kind="stable")
        values, units = values[order], units[order]
        low, high = int(inst.lower[a]), int(inst.upper[a])
        if units.sum() < low:
            continue
        taken_before = np.concatenate([[0], np.cumsum(units)[:-1]])
        # Take positive values up to `high` units, and then (negative) ones only to reach `low`.
        limit = np.where(values > 0, high, low)
        take = np.clip(limit - taken_before, 0, units)
        gains[a] = int((values * take).sum())
    return gains


def _within_country_limit(inst: Instance, area: int, values: np.ndarray, units: np.ndarray, country: np.ndarray,
                          share: float) -> np.ndarray:
    """Units left once each country keeps only its best ``share * max_size`` bodies (minus its pins)."""
    limit = share_limit(share, inst.problem.max_size)
    order = np.lexsort((-values, country))
    sorted_units, sorted_country = units[order], country[order]
    before = np.cumsum(sorted_units) - sorted_units
    first = np.searchsorted(sorted_country, sorted_country)  # start of each country's run
    before_in_country = before - before[first]
    pinned_here = np.zeros(max(1, len(inst.countries)), dtype=np.int64)
    for (pinned_area, c), n in inst.pinned_by_country.items():
        if pinned_area == area:
            pinned_here[c] = n
    pinned = pinned_here[sorted_country]
    kept = np.empty_like(units)
    kept[order] = np.clip(limit - pinned - before_in_country, 0, sorted_units)
    return kept


def make_cut(inst: Instance, lam: np.ndarray, beta: np.ndarray) -> Cut:
    """The cut given by body prices ``lam`` and bonus prices ``beta`` (one per class)."""
    const = int((inst.count * (inst.bonus - beta + inst.cap * lam)).sum())
    reduced = inst.weight_unit * inst.arc_weight - lam[inst.arc_class] + beta[inst.arc_class]
    return Cut(const=const, gain=area_gains(inst, reduced))


def trivial_cut(inst: Instance) -> Cut:
    """The bound with zero prices: every group filled with its best bodies as if no body had a limit."""
    zeros = np.zeros(inst.n_classes, dtype=np.int64)
    return make_cut(inst, zeros, inst.bonus.copy())


def cut_at(inst: Instance, areas: np.ndarray, prices: np.ndarray) -> Cut:
    """The cut from area prices on a choice of areas (exact at that choice when the prices are optimal)."""
    chosen = np.zeros(inst.n_areas, dtype=bool)
    chosen[areas] = True
    full_prices = np.zeros(inst.n_areas, dtype=np.int64)
    full_prices[areas] = np.round(prices).astype(np.int64)
    lam, beta = body_prices(inst, chosen, full_prices)
    return make_cut(inst, lam, beta)


def infeasible_subset(inst: Instance, areas: np.ndarray) -> np.ndarray:
    """A smallest subset T of ``areas`` whose minimum sizes no placement can meet (a "feasibility cut").

    By max-flow min-cut the placement at fixed areas exists if and only if, for every subset T, the bodies
    still needed, ``sum(lower[a] for a in T)``, fit into ``sum(count[k] * min(cap[k], |areas of k in T|))``.
    Any choice containing such a T is infeasible too, so the search may exclude all of them at once.
    Areas are at most a few dozen, so the subsets of one choice (2**K) are checked by brute force.
    """
    areas = np.asarray(sorted(int(a) for a in areas), dtype=np.int64)
    position = np.full(inst.n_areas, -1, dtype=np.int64)
    position[areas] = np.arange(len(areas))
    on = position[inst.arc_area] >= 0
    masks = np.zeros(inst.n_classes, dtype=np.int64)
    np.bitwise_or.at(masks, inst.arc_class[on], np.left_shift(1, position[inst.arc_area[on]]))
    # Classes only matter through (which of these areas, how many places): at most 2**K * cap kinds.
    kinds, inverse = np.unique(np.stack([masks, inst.cap]), axis=1, return_inverse=True)
    bodies = np.bincount(inverse.ravel(), weights=inst.count, minlength=kinds.shape[1])
    subsets = np.arange(1, 2 ** len(areas), dtype=np.int64)
    bits = (subsets[:, None] >> np.arange(len(areas))) & 1
    popcount = bits.sum(axis=1)
    needed = bits @ inst.lower[areas]
    for t in np.argsort(popcount, kind="stable"):
        common = popcount[(kinds[0] & subsets[t]) - 1].copy() if len(kinds[0]) else np.zeros(0, dtype=np.int64)
        common[(kinds[0] & subsets[t]) == 0] = 0
        if (np.minimum(kinds[1], common) * bodies).sum() < needed[t]:
            return areas[bits[t] > 0]
    return areas  # no subset explains it (should not happen): exclude this choice alone
