"""Assign interview slots to respondents: as many interviews as possible, each in a time they said suits them.

Pure: plain data in, plain data out, no database. The service in groups/services/interviews.py adapts
the models to it.

A respondent ticked half-days of the week ("tue_am") in their own time zone. A slot fits a respondent
when it starts, in the respondent's zone, on one of those days within the half-day (morning 07:00 to
12:00, afternoon 12:00 to 19:00), and is held the way they prefer (video or telephone) when they said.
Each slot takes one respondent and each respondent gets at most one slot; an interviewer only ever
holds their own slots, so no interviewer is double-booked. Among all such assignments we want one
with the most interviews: a maximum matching of the bipartite graph respondents x fitting slots,
found by SciPy's Hopcroft-Karp (``maximum_bipartite_matching``), O(E sqrt(V)).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HALF_DAYS: dict[str, tuple[dt.time, dt.time]] = {"am": (dt.time(7), dt.time(12)), "pm": (dt.time(12), dt.time(19))}


@dataclass(frozen=True)
class Candidate:
    """A respondent to interview: their availability codes ("mon_am"), zone and preferred mode ("" = any)."""

    id: int
    availability: frozenset[str]
    zone: str
    mode: str = ""


@dataclass(frozen=True)
class OpenSlot:
    """A free slot: when it starts (aware), how it is held, and whose it is."""

    id: int
    starts_at: dt.datetime
    interviewer_id: int
    mode: str


def half_day_of(moment: dt.datetime, zone: str) -> str | None:
    """The availability code ("wed_pm") of an aware `moment` seen in `zone`, or None outside the half-days."""
    local = moment.astimezone(ZoneInfo(zone))
    for code, (start, end) in HALF_DAYS.items():
        if start <= local.time() < end:
            return f"{WEEKDAY_CODES[local.weekday()]}_{code}"
    return None


def fits(candidate: Candidate, slot: OpenSlot) -> bool:
    """Whether `slot` is in a half-day `candidate` said suits them, held the way they prefer."""
    if candidate.mode and candidate.mode != slot.mode:
        return False
    return half_day_of(slot.starts_at, candidate.zone) in candidate.availability


def assign(candidates: Sequence[Candidate], slots: Sequence[OpenSlot]) -> dict[int, int]:
    """A maximum assignment of slots to candidates: ``{candidate id: slot id}``, every pair fitting.

    Deterministic for the same input. Candidates are tried in the order given and slots in order of
    start, so that, among assignments of the same size, earlier slots tend to be used first.
    """
    slots = sorted(slots, key=lambda s: (s.starts_at, s.id))
    rows: list[int] = []
    cols: list[int] = []
    for row, candidate in enumerate(candidates):
        for col, slot in enumerate(slots):
            if fits(candidate, slot):
                rows.append(row)
                cols.append(col)
    if not rows:
        return {}
    graph = csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(len(candidates), len(slots)))
    matched = maximum_bipartite_matching(graph, perm_type="column")
    return {candidates[row].id: slots[col].id for row, col in enumerate(matched) if col >= 0}


def is_valid_assignment(pairs: dict[int, int], candidates: Iterable[Candidate], slots: Iterable[OpenSlot]) -> bool:
    """Every pair fits and no slot is used twice (for tests and for checking an assignment before saving)."""
    by_candidate = {c.id: c for c in candidates}
    by_slot = {s.id: s for s in slots}
    if len(set(pairs.values())) != len(pairs):
        return False
    return all(c in by_candidate and s in by_slot and fits(by_candidate[c], by_slot[s]) for c, s in pairs.items())
