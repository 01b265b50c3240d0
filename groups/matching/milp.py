"""The whole problem as one mixed-integer programme, solved by HiGHS through ``scipy.optimize.milp``.

Used for small and medium instances (where HiGHS proves optimality in well under a second), and, with the
areas fixed, for the placement under a maximum country share (which a flow cannot express).

    maximise   sum(w[k,a] * x[k,a]) + sum(z[k]) / weight_unit
    subject to sum(y) = K
               x[k,a] <= count[k] * y[a]               strong links: a tight relaxation
               sum_a x[k,a] <= count[k] * cap[k]       groups per body
               z[k] <= sum_a x[k,a],  z[k] <= count[k] bodies served (bonus)
               lower[a] * y[a] <= sum_k x[k,a] <= upper[a] * y[a]
               sum over a country's classes of x[k,a] + pinned <= share * (sum_k x[k,a] + pinned)

Only ``y`` is integer without a country share: for a fixed ``y`` the rest is a flow, whose optimum is
integral; the placement is then recomputed by the exact flow. With a share ``x`` must be integer as well.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from .instance import Instance


@dataclass
class MilpResult:
    """Chosen areas and integral arc flows (None if no solution was found), with a proven upper bound."""

    areas: np.ndarray | None
    arc_flow: np.ndarray | None
    value: int | None  # exact objective of the solution, in objective units (pins excluded)
    bound: int | None  # proven upper bound in objective units, None when infeasibility is proven
    proven: bool  # the solver finished: optimal, or proven infeasible


class _Rows:
    """Accumulates sparse constraint rows ``low <= A x <= high``."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.low: list[np.ndarray] = []
        self.high: list[np.ndarray] = []
        self.n = 0

    def add(self, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, low: ArrayLike, high: ArrayLike) -> None:
        self.r.append(rows + self.n)
        self.c.append(cols)
        self.v.append(vals.astype(np.float64))
        self.low.append(np.atleast_1d(np.asarray(low, dtype=np.float64)))
        self.high.append(np.atleast_1d(np.asarray(high, dtype=np.float64)))
        self.n += len(self.low[-1])

    def constraint(self, n_vars: int) -> LinearConstraint:
        matrix = coo_array(
            (np.concatenate(self.v), (np.concatenate(self.r), np.concatenate(self.c))), shape=(self.n, n_vars)
        ).tocsr()
        return LinearConstraint(matrix, np.concatenate(self.low), np.concatenate(self.high))


def solve_milp(inst: Instance, *, time_limit: float, areas: np.ndarray | None = None) -> MilpResult:
    """Solve the whole problem, or only the placement when ``areas`` fixes the choice."""
    n_areas = inst.n_areas
    y_low = inst.forced.astype(np.float64)
    y_high = inst.allowed.astype(np.float64)
    if areas is not None:
        y_low = np.zeros(n_areas)
        y_low[areas] = 1.0
        y_high = y_low.copy()
    arc_ids = np.nonzero(y_high[inst.arc_area] > 0)[0]
    arc_class, arc_area = inst.arc_class[arc_ids], inst.arc_area[arc_ids]
    n_arcs = len(arc_ids)
    classes = np.unique(arc_class)
    served = classes[inst.bonus[classes] > 0]
    x0, z0 = n_areas, n_areas + n_arcs
    s0 = z0 + len(served)
    n_vars = s0 + n_areas
    count = inst.count[arc_class]
    arcs = np.arange(n_arcs)
    rows = _Rows()
    rows.add(np.zeros(n_areas, dtype=np.int64), np.arange(n_areas), np.ones(n_areas), [inst.problem.groups],
             [inst.problem.groups])
    # an arc carries bodies only to a chosen area: x[k,a] <= count[k] * y[a]
    rows.add(np.concatenate([arcs, arcs]), np.concatenate([x0 + arcs, arc_area]),
             np.concatenate([np.ones(n_arcs), -count]), np.full(n_arcs, -np.inf), np.zeros(n_arcs))
    # groups per body, by class
    class_row = np.searchsorted(classes, arc_class)
    rows.add(class_row, x0 + arcs, np.ones(n_arcs), np.full(len(classes), -np.inf),
             inst.count[classes] * inst.cap[classes])
    # z[k] - sum_a x[k,a] <= 0
    served_row = np.full(inst.n_classes, -1)
    served_row[served] = np.arange(len(served))
    has = served_row[arc_class] >= 0
    rows.add(np.concatenate([np.arange(len(served)), served_row[arc_class][has]]),
             np.concatenate([z0 + np.arange(len(served)), x0 + arcs[has]]),
             np.concatenate([np.ones(len(served)), -np.ones(int(has.sum()))]),
             np.full(len(served), -np.inf), np.zeros(len(served)))
    # group sizes s[a] = sum_k x[k,a], with lower[a] * y[a] <= s[a] <= upper[a] * y[a]
    rows.add(np.concatenate([arc_area, np.arange(n_areas)]), np.concatenate([x0 + arcs, s0 + np.arange(n_areas)]),
             np.concatenate([np.ones(n_arcs), -np.ones(n_areas)]), np.zeros(n_areas), np.zeros(n_areas))
    for limit, low, high in ((inst.upper, -np.inf, 0.0), (inst.lower, 0.0, np.inf)):
        rows.add(np.concatenate([np.arange(n_areas), np.arange(n_areas)]),
                 np.concatenate([s0 + np.arange(n_areas), np.arange(n_areas)]),
                 np.concatenate([np.ones(n_areas), -limit]), np.full(n_areas, low), np.full(n_areas, high))
    share = inst.problem.max_country_share
    if share is not None:
        _country_rows(inst, rows, arc_area, inst.country[arc_class], x0 + arcs, s0, share)
    cost = np.zeros(n_vars)
    cost[x0:z0] = -inst.arc_weight[arc_ids]
    cost[z0:s0] = -1.0 / inst.weight_unit
    integrality = np.zeros(n_vars)
    integrality[:n_areas] = 1
    if share is not None:
        integrality[x0:z0] = 1
    result = milp(
        c=cost, integrality=integrality,
        bounds=Bounds(np.concatenate([y_low, np.zeros(n_vars - n_areas)]),
                      np.concatenate([y_high, count, inst.count[served], inst.upper])),
        constraints=rows.constraint(n_vars),
        options={"mip_rel_gap": 0.0, "time_limit": max(0.5, time_limit), "presolve": n_arcs < 200_000},
    )
    if result.status == 2:
        return MilpResult(None, None, None, None, proven=True)
    bound = None
    if result.mip_dual_bound is not None and math.isfinite(result.mip_dual_bound):
        bound = math.ceil(-float(result.mip_dual_bound) * inst.weight_unit - 1e-6)
    if result.x is None:
        return MilpResult(None, None, None, bound, proven=False)
    chosen = np.nonzero(np.round(result.x[:n_areas]) > 0.5)[0]
    arc_flow = np.zeros(len(inst.arc_class), dtype=np.int64)
    arc_flow[arc_ids] = np.round(result.x[x0:z0]).astype(np.int64)
    value = placement_value(inst, arc_flow)
    proven = result.status == 0
    return MilpResult(chosen, arc_flow, value, value if proven else max(value, bound or value), proven)


def _country_rows(inst: Instance, rows: _Rows, arc_area: np.ndarray, arc_country: np.ndarray, cols: np.ndarray,
                  s0: int, share: float) -> None:
    """Per area a and country c: x of c in a - share * s[a] <= share * pinned(a) - pinned(a, c)."""
    n_countries = max(1, len(inst.countries))
    pinned_area = np.bincount([a for _, a in inst.pins], minlength=inst.n_areas).astype(np.float64)
    pinned_pairs = np.array([a * n_countries + c for a, c in inst.pinned_by_country], dtype=np.int64)
    pair_of_arc = arc_area * n_countries + arc_country
    pairs = np.union1d(pair_of_arc, pinned_pairs)
    arc_row = np.searchsorted(pairs, pair_of_arc)
    area = pairs // n_countries
    pinned_here = np.array([inst.pinned_by_country.get(divmod(int(p), n_countries), 0) for p in pairs])
    n_pairs = len(pairs)
    rows.add(np.concatenate([arc_row, np.arange(n_pairs)]), np.concatenate([cols, s0 + area]),
             np.concatenate([np.ones(len(cols)), np.full(n_pairs, -share)]), np.full(n_pairs, -np.inf),
             share * pinned_area[area] - pinned_here + 1e-9)


def placement_value(inst: Instance, arc_flow: np.ndarray) -> int:
    """Exact objective of integral arc flows, in objective units (pins excluded)."""
    weight = int((inst.arc_weight * arc_flow).sum())
    per_class = np.bincount(inst.arc_class, weights=arc_flow, minlength=inst.n_classes).astype(np.int64)
    served = int((np.minimum(per_class, inst.count) * inst.bonus).sum())
    return inst.weight_unit * weight + served
