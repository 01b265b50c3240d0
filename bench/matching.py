"""Benchmark of group formation: the exact search against the greedy baseline, on random instances.

    python bench/matching.py            # 140, 10,000 and 50,000 bodies over 6, 10 and 30 areas
    python bench/matching.py --quick    # the 140-body rows only

Instances follow the study in MATCHING-NOTES: each body ticks 1 to 10 areas with levels 1 to 5, area
popularity is Zipf-skewed (weight 1/rank), countries too (1/rank**0.8 over 30 countries); at most 2 groups
per body; K = 10 groups (the 2023 CoPs), at most one fewer than the areas; group
sizes scale with the bodies as 5..10 did for 140 (min = 5n/140, max = 10n/140). The seed is fixed.
Extra rows: a "lukewarm" instance (popular areas wanted at levels 1-2, the others at 1-5), where a greedy
choice of areas is far off, and a maximum country share of 0.1.

Each case runs in a fresh process, so that its peak resident memory (getrusage) is its own; "base" is
the memory of a process that only imported the solver. Times include checking the input; generating it
is not timed. A benchmark is not a test: it prints figures and never fails on a time.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

COUNTRIES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
             "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "NO", "IS", "CH"]


def generate(bodies: int, areas: int, groups: int, *, seed: int, lukewarm: bool = False,
             share: float | None = None) -> dict[str, Any]:
    """A random instance in the command's JSON shape."""
    rng = np.random.default_rng(seed)
    popularity = 1.0 / np.arange(1, areas + 1)
    country_weight = 1.0 / np.arange(1, len(COUNTRIES) + 1) ** 0.8
    area_ids = [f"area{i:02d}" for i in range(areas)]
    ticks = rng.integers(1, min(10, areas) + 1, size=bodies)
    # Weighted sampling without replacement for all bodies at once: the top of Gumbel-perturbed log weights.
    order = np.argsort(-(np.log(popularity)[None, :] + rng.gumbel(size=(bodies, areas))), axis=1)
    top = np.where(np.arange(areas) < areas // 3, 2, 5) if lukewarm else np.full(areas, 5)
    levels = 1 + np.floor(rng.random((bodies, areas)) * top[None, :]).astype(int)
    country = rng.choice(len(COUNTRIES), size=bodies, p=country_weight / country_weight.sum())
    data: dict[str, Any] = {
        "areas": area_ids,
        "groups": groups,
        "min_size": max(1, round(5 * bodies / 140)),
        "max_size": max(1, round(10 * bodies / 140)),
        "max_groups_per_body": 2,
        "bodies": [
            {"id": f"b{i}", "country": COUNTRIES[country[i]],
             "interest": {area_ids[a]: int(levels[i, a]) for a in order[i, :ticks[i]]}}
            for i in range(bodies)
        ],
    }
    if share is not None:
        data["max_country_share"] = share
    return data


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _run_case(case: dict[str, Any], time_limit: float, queue: Any) -> None:
    from groups.matching import greedy, parse_problem, solve

    data = generate(case["bodies"], case["areas"], case["groups"], seed=case["seed"], lukewarm=case["lukewarm"],
                    share=case["share"])
    problem = parse_problem(data)
    del data
    started = time.perf_counter()
    exact = solve(problem, time_limit=time_limit)
    exact_seconds = time.perf_counter() - started
    started = time.perf_counter()
    baseline = greedy(problem)
    greedy_seconds = time.perf_counter() - started
    queue.put({
        "seconds": exact_seconds, "objective": exact.objective, "gap": exact.gap, "optimal": exact.optimal,
        "status": exact.status, "served": exact.bodies_served, "greedy_seconds": greedy_seconds,
        "greedy_objective": baseline.objective, "greedy_served": baseline.bodies_served,
        "greedy_feasible": baseline.status == "feasible", "peak_mb": _peak_mb(),
    })


def _base_memory(queue: Any) -> None:
    import groups.matching  # noqa: F401

    queue.put(_peak_mb())


def cases(quick: bool) -> list[dict[str, Any]]:
    """The grid of the benchmark, and the extra rows."""
    grid: list[dict[str, Any]] = []
    for bodies in ([140] if quick else [140, 10_000, 50_000]):
        for areas in (6, 10, 30):
            groups = min(10, areas - 1)
            grid.append({"bodies": bodies, "areas": areas, "groups": groups, "lukewarm": False, "share": None})
    grid.append({"bodies": 140, "areas": 30, "groups": 10, "lukewarm": False, "share": 0.1})
    if not quick:
        grid.append({"bodies": 10_000, "areas": 30, "groups": 10, "lukewarm": True, "share": None})
        grid.append({"bodies": 50_000, "areas": 30, "groups": 10, "lukewarm": True, "share": None})
        grid.append({"bodies": 10_000, "areas": 30, "groups": 10, "lukewarm": False, "share": 0.1})
    for case in grid:
        case["seed"] = 20_240_000 + case["bodies"] + case["areas"]
    return grid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="only the 140-body rows")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per exact solve (default 30)")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_base_memory, args=(queue,))
    process.start()
    base = queue.get()
    process.join()
    print(f"time limit {args.time_limit:g} s per exact solve; base memory {base:.0f} MB (Python + solver imports)")
    header = (f"{'bodies':>7} {'areas':>5} {'K':>3} {'sizes':>11} {'variant':>9} | {'exact s':>7} {'objective':>9} "
              f"{'gap':>8} {'optimal':>7} {'served':>6} | {'greedy s':>8} {'objective':>9} {'served':>6} "
              f"{'ratio':>6} | {'peak MB':>7}")
    print(header)
    print("-" * len(header))
    for case in cases(args.quick):
        process = context.Process(target=_run_case, args=(case, args.time_limit, queue))
        process.start()
        result = queue.get()
        process.join()
        low, high = max(1, round(5 * case["bodies"] / 140)), max(1, round(10 * case["bodies"] / 140))
        variant = "lukewarm" if case["lukewarm"] else (f"share {case['share']:g}" if case["share"] else "")
        ratio = result["greedy_objective"] / result["objective"] if result["objective"] else float("nan")
        greedy_mark = "" if result["greedy_feasible"] else "*"
        gap = "-" if result["gap"] is None else f"{100 * result['gap']:.3f}%"
        print(f"{case['bodies']:>7} {case['areas']:>5} {case['groups']:>3} {f'{low}-{high}':>11} {variant:>9} | "
              f"{result['seconds']:>7.2f} {result['objective']:>9} {gap:>8} {result['optimal']!s:>7} "
              f"{result['served']:>6} | {result['greedy_seconds']:>8.2f} {result['greedy_objective']:>8}"
              f"{greedy_mark:1} {result['greedy_served']:>6} {ratio:>6.3f} | {result['peak_mb']:>7.0f}",
              flush=True)
    print("ratio = greedy objective / exact objective; * = the greedy groups break a constraint "
          "(a group below its minimum size or above the country share).")


if __name__ == "__main__":
    main()
