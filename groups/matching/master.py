"""The master problem of the decomposition: the best choice of areas under the cuts collected so far.

    maximise theta  subject to  theta <= cut.const + sum(cut.gain[a] * y[a])  for every cut,
                                sum(y) = K,  y[a] = 1 for pinned areas,  y[a] = 0 for areas that cannot
                                host a group,  sum(y[a] for a in S) <= K - 1 for every choice S already
                                evaluated ("no-good" rows, so that no choice is ever proposed twice).

It has one binary per area (30 at most in practice) and is solved exactly by HiGHS through SciPy. Values
are divided by the weight unit before HiGHS sees them, so that they are of the size of the interest weights;
the proposed choice is then re-valued exactly in integers.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from .cuts import Cut
from .instance import Instance


def propose(inst: Instance, cuts: list[Cut], evaluated: list[np.ndarray],
            time_limit: float) -> tuple[np.ndarray, int, bool] | None:
    """The unexplored choice of areas with the highest bound, that bound, and whether it is proven.

    Returns None when no unexplored choice is left. When HiGHS stops on the time limit the bound returned
    is its proven dual bound (valid for every unexplored choice) rather than the value of its choice.
    """
    n = inst.n_areas
    allowed = inst.allowed
    unit = float(inst.weight_unit)
    base = min(cut.const for cut in cuts)
    rows, lower, upper = [], [], []
    for cut in cuts:
        gains = np.where(allowed, cut.gain, 0).astype(np.float64)
        rows.append(np.concatenate([-gains / unit, [1.0]]))
        lower.append(-np.inf)
        upper.append((cut.const - base) / unit)
    rows.append(np.concatenate([np.ones(n), [0.0]]))
    lower.append(inst.problem.groups)
    upper.append(inst.problem.groups)
    for areas in evaluated:
        row = np.zeros(n + 1)
        row[areas] = 1.0
        rows.append(row)
        lower.append(-np.inf)
        upper.append(len(areas) - 1)
    y_low = inst.forced.astype(np.float64)
    y_high = allowed.astype(np.float64)
    result = milp(
        c=np.concatenate([np.zeros(n), [-1.0]]),
        integrality=np.concatenate([np.ones(n), [0]]),
        bounds=Bounds(np.concatenate([y_low, [-np.inf]]), np.concatenate([y_high, [np.inf]])),
        constraints=LinearConstraint(csr_array(np.array(rows)), np.array(lower), np.array(upper)),
        options={"mip_rel_gap": 0.0, "time_limit": max(1.0, time_limit)},
    )
    if result.status == 2 or result.x is None:  # every choice has been explored or none is possible
        return None
    areas = np.nonzero(np.round(result.x[:n]) > 0.5)[0]
    bound = min(cut.value(areas) for cut in cuts)
    if result.status != 0:
        proven = base + math.ceil(-float(result.mip_dual_bound) * unit - 1e-6)
        return areas, max(bound, proven), False
    return areas, bound, True
