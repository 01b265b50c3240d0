"""Placing bodies once the areas are fixed: an exact min-cost flow (OR-Tools SimpleMinCostFlow).

With the areas fixed, placing bodies is a transportation problem: source -> class -> area -> sink, each
class arc carrying at most the class size (a body sits at most once in a group), each class at most
``count * cap`` units (groups per body), each area between its lower and upper size. Integral capacities
give an integral optimum, so the flow is exact. The "served" bonus is a concave gain per class (the first
unit of each body earns it, later ones do not), modelled by two parallel source arcs.

Besides the flow, :func:`area_prices` reads optimal dual prices of the areas' capacities off the residual
graph; the search turns them into bounds valid for every other choice of areas (see ``cuts.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .instance import Instance

SOURCE, SINK = 0, 1


@dataclass
class FlowResult:
    """An optimal placement at fixed areas, in objective units (pins excluded), with its graph for duals."""

    value: int
    arc_flow: np.ndarray  # per instance arc; zero outside the chosen areas
    tails: np.ndarray  # the flow graph, kept to compute the dual prices
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    flows: np.ndarray
    area_nodes: np.ndarray  # node of each chosen area (in the order of ``areas``)
    areas: np.ndarray


def solve_flow(inst: Instance, areas: np.ndarray) -> FlowResult | None:
    """Best placement of the non-pinned bodies in exactly these areas, or None if the sizes cannot be met."""
    areas = np.asarray(sorted(int(a) for a in areas), dtype=np.int64)
    chosen = np.zeros(inst.n_areas, dtype=bool)
    chosen[areas] = True
    arc_ids = np.nonzero(chosen[inst.arc_area])[0]
    classes, local_class = np.unique(inst.arc_class[arc_ids], return_inverse=True)
    area_node = np.full(inst.n_areas, -1, dtype=np.int64)
    area_node[areas] = 2 + np.arange(len(areas))
    class_node = 2 + len(areas) + np.arange(len(classes))
    count, cap, bonus = inst.count[classes], inst.cap[classes], inst.bonus[classes]
    lower, upper = inst.lower[areas], inst.upper[areas]
    total = int((count * cap).sum())
    first = bonus > 0
    rest = count * cap - count * bonus
    tails = np.concatenate([
        np.full(first.sum(), SOURCE), np.full((rest > 0).sum(), SOURCE), class_node[local_class],
        area_node[areas], [SOURCE],
    ]).astype(np.int64)
    heads = np.concatenate([
        class_node[first], class_node[rest > 0], area_node[inst.arc_area[arc_ids]], np.full(len(areas), SINK), [SINK],
    ]).astype(np.int64)
    capacities = np.concatenate([
        count[first], rest[rest > 0], inst.count[inst.arc_class[arc_ids]], upper - lower, [total],
    ]).astype(np.int64)
    costs = np.concatenate([
        np.full(first.sum(), -1), np.zeros((rest > 0).sum()), -inst.weight_unit * inst.arc_weight[arc_ids],
        np.zeros(len(areas)), [0],
    ]).astype(np.int64)
    if np.any(capacities < 0):
        return None
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    # Lower bounds on the area -> sink arcs are moved into the supplies (each area must pass on `lower`).
    supplies = np.zeros(2 + len(areas) + len(classes), dtype=np.int64)
    supplies[SOURCE] = total
    supplies[2:2 + len(areas)] = -lower
    supplies[SINK] = -(total - int(lower.sum()))
    solver.set_nodes_supplies(np.arange(len(supplies)), supplies)
    status = solver.solve()
    if status == solver.INFEASIBLE:
        return None
    if status != solver.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = solver.flows(np.arange(len(tails))).astype(np.int64)
    arc_flow = np.zeros(len(inst.arc_class), dtype=np.int64)
    offset = int(first.sum() + (rest > 0).sum())
    arc_flow[arc_ids] = flows[offset:offset + len(arc_ids)]
    return FlowResult(
        value=-int(solver.optimal_cost()), arc_flow=arc_flow, tails=tails, heads=heads, capacities=capacities,
        costs=costs, flows=flows, area_nodes=area_node[areas], areas=areas,
    )


def _shortest(n_nodes: int, tails: np.ndarray, heads: np.ndarray, costs: np.ndarray, start: int) -> np.ndarray:
    """Bellman-Ford from ``start``, vectorised (no negative cycle exists in an optimal flow's residual graph).

    Paths alternate class and area nodes and visit each area at most once, so it settles in a few dozen
    sweeps even for 50,000 classes.
    """
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order].astype(np.float64)
    targets, starts = np.unique(heads, return_index=True)
    dist = np.full(n_nodes, np.inf)
    dist[start] = 0.0
    for _ in range(n_nodes):
        best = np.minimum.reduceat(dist[tails] + costs, starts) if len(starts) else np.empty(0)
        improved = best < dist[targets]
        if not improved.any():
            break
        dist[targets[improved]] = best[improved]
    return dist


def area_prices(result: FlowResult) -> np.ndarray:
    """Optimal dual prices of the chosen areas' places, from node potentials of the residual graph.

    A positive price means the group is full and a place in it is worth that much; a negative one that the
    minimum size forces in bodies at a loss. Potentials are the shortest distances from the source; nodes
    it cannot reach take the largest potential consistent with the rest (from the distances to the sink).
    """
    forward = result.flows < result.capacities
    backward = result.flows > 0
    # The source -> sink bypass may as well be unbounded both ways (the same flow stays optimal), which
    # ties the source and sink potentials together even when no body is placed at all.
    forward[-1] = backward[-1] = True
    tails = np.concatenate([result.tails[forward], result.heads[backward]])
    heads = np.concatenate([result.heads[forward], result.tails[backward]])
    costs = np.concatenate([result.costs[forward], -result.costs[backward]])
    n_nodes = int(max(result.tails.max(), result.heads.max())) + 1
    from_source = _shortest(n_nodes, tails, heads, costs, SOURCE)
    potential = from_source
    if not np.isfinite(from_source).all():
        to_sink = -_shortest(n_nodes, heads, tails, costs, SINK)  # reversed graph: distances to the sink
        both = np.isfinite(from_source) & np.isfinite(to_sink)
        shift = max(0.0, float((from_source[both] - to_sink[both]).max())) if both.any() else 0.0
        potential = np.minimum(from_source, to_sink + shift)
        potential[~np.isfinite(potential)] = 0.0
    return potential[SINK] - potential[result.area_nodes]
