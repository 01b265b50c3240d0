"""Plain data for group formation: the problem, the solution, and parsing of the JSON input.

Everything here is plain Python over plain data (no ORM), so the service layer, the management command,
the benchmark and the tests all speak the same small language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Keys accepted at the top level of the JSON input. Unknown keys are rejected, because a misspelt
#: constraint ("max_country_shares") would otherwise be silently ignored.
KNOWN_KEYS = frozenset({
    "areas", "groups", "min_size", "max_size", "max_groups_per_body", "max_country_share",
    "bodies", "pinned", "excluded",
})


class ProblemError(ValueError):
    """The input does not have the expected shape; the message says where and why."""


@dataclass(frozen=True)
class Body:
    """An eligible public body and the interest it expressed (only areas with interest > 0)."""

    id: str
    country: str
    interest: Mapping[str, float]


@dataclass(frozen=True)
class Problem:
    """What the secretariat asks for: K groups on the given areas, sizes, limits, pins and exclusions."""

    areas: tuple[str, ...]
    groups: int
    min_size: int
    max_size: int
    bodies: tuple[Body, ...]
    max_groups_per_body: int = 2
    max_country_share: float | None = None
    pinned: tuple[tuple[str, str], ...] = ()
    excluded: tuple[str, ...] = ()


@dataclass
class Solution:
    """The outcome of a run, ready to be stored or printed as JSON through :meth:`to_dict`.

    ``objective`` is the total interest weight placed and ``bound`` a proven upper bound on it; ``gap`` is
    ``(bound - objective) / bound`` (0 when optimal). ``status`` is "optimal" (proven best on interest and
    then on bodies served), "feasible" (stopped by the time limit: the gap says how far from the best it can
    be at most, and a gap of 0 means only the bodies-served tie-break is unproven), "infeasible" (with
    ``reasons``) or "unknown" (no solution found in time, none proven impossible either). Excluded bodies
    are listed in ``excluded``, not in ``unplaced``.
    """

    status: str
    areas: tuple[str, ...] = ()
    placements: tuple[tuple[str, str], ...] = ()
    unplaced: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    objective: float = 0
    bound: float | None = None
    gap: float | None = None
    bodies_served: int = 0
    explanations: dict[str, str] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    seconds: float = 0.0
    method: str = ""

    @property
    def optimal(self) -> bool:
        """True when the placement is proven to maximise the total interest (and, second, bodies served)."""
        return self.status == "optimal"

    def groups(self) -> dict[str, list[str]]:
        """The members of each chosen group, in the order of the input's bodies."""
        members: dict[str, list[str]] = {area: [] for area in self.areas}
        for body, area in self.placements:
            members[area].append(body)
        return members

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape printed by ``manage.py form_groups``."""
        return {
            "status": self.status,
            "optimal": self.optimal,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "areas": list(self.areas),
            "placements": [{"body": body, "area": area} for body, area in self.placements],
            "groups": self.groups(),
            "unplaced": list(self.unplaced),
            "excluded": list(self.excluded),
            "bodies_served": self.bodies_served,
            "infeasible_reasons": list(self.reasons),
            "explanations": self.explanations,
            "seconds": round(self.seconds, 3),
            "method": self.method,
        }


def _fail(where: str, message: str) -> ProblemError:
    return ProblemError(f"{where}: {message}")


def _integer(data: Mapping[str, Any], key: str, *, minimum: int, default: int | None = None) -> int:
    if key not in data:
        if default is None:
            raise _fail(key, "is required")
        return default
    value = data[key]
    # bool is a subclass of int in Python; "groups": true is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(key, f"must be a whole number, got {value!r}")
    if value < minimum:
        raise _fail(key, f"must be at least {minimum}, got {value}")
    return value


def _identifier(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"must be a non-empty string, got {value!r}")
    return value


def _list(data: Mapping[str, Any], key: str, *, required: bool) -> list[Any]:
    if key not in data or data[key] is None:
        if required:
            raise _fail(key, "is required")
        return []
    value = data[key]
    if not isinstance(value, list):
        raise _fail(key, f"must be a list, got {type(value).__name__}")
    return value


def _share(data: Mapping[str, Any]) -> float | None:
    value = data.get("max_country_share")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _fail("max_country_share", f"must be a number, got {value!r}")
    if not 0 < value <= 1:
        raise _fail("max_country_share", f"must be greater than 0 and at most 1, got {value}")
    return float(value)


def _body(raw: Any, index: int, areas: frozenset[str], country_required: bool) -> Body:
    where = f"bodies[{index}]"
    if not isinstance(raw, Mapping):
        raise _fail(where, f"must be an object with id, country and interest, got {type(raw).__name__}")
    unknown = set(raw) - {"id", "country", "interest"}
    if unknown:
        raise _fail(where, f"unknown keys {sorted(unknown)}")
    body_id = _identifier(raw.get("id"), f"{where}.id")
    country = raw.get("country", "")
    if country is None:
        country = ""
    if not isinstance(country, str):
        raise _fail(f"{where}.country", f"must be a string, got {country!r}")
    if country_required and not country.strip():
        raise _fail(f"{where}.country", "is required when max_country_share is set")
    interest = raw.get("interest", {})
    if not isinstance(interest, Mapping):
        raise _fail(f"{where}.interest", f"must be an object of area: weight, got {type(interest).__name__}")
    kept: dict[str, float] = {}
    for area, weight in interest.items():
        if area not in areas:
            raise _fail(f"{where}.interest", f"unknown area {area!r} (not in areas)")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not math.isfinite(weight):
            raise _fail(f"{where}.interest.{area}", f"must be a number, got {weight!r}")
        if weight < 0:
            raise _fail(f"{where}.interest.{area}", f"must not be negative, got {weight}")
        if weight > 0:  # 0 means "not interested", exactly like a missing area
            kept[area] = weight
    return Body(id=body_id, country=country.strip().upper(), interest=kept)


def parse_problem(data: Any) -> Problem:
    """Check the shape of the decoded JSON input and build a :class:`Problem`.

    Raises :class:`ProblemError` naming the offending field. Only the shape is checked here; whether the
    constraints can be met together (pins, sizes, ...) is the solver's business, which answers with an
    "infeasible" solution and its reasons rather than an error.
    """
    if not isinstance(data, Mapping):
        raise ProblemError(f"the input must be a JSON object, got {type(data).__name__}")
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ProblemError(f"unknown keys {sorted(unknown)}; expected some of {sorted(KNOWN_KEYS)}")
    raw_areas = _list(data, "areas", required=True)
    if not raw_areas:
        raise _fail("areas", "must list at least one area")
    areas = tuple(_identifier(area, f"areas[{i}]") for i, area in enumerate(raw_areas))
    duplicates = sorted({area for area in areas if areas.count(area) > 1})
    if duplicates:
        raise _fail("areas", f"duplicate ids {duplicates}")
    groups = _integer(data, "groups", minimum=1)
    min_size = _integer(data, "min_size", minimum=1)
    max_size = _integer(data, "max_size", minimum=1)
    if max_size < min_size:
        raise _fail("max_size", f"must be at least min_size ({min_size}), got {max_size}")
    per_body = _integer(data, "max_groups_per_body", minimum=1, default=2)
    share = _share(data)
    area_set = frozenset(areas)
    bodies = tuple(
        _body(raw, i, area_set, share is not None) for i, raw in enumerate(_list(data, "bodies", required=True))
    )
    seen: set[str] = set()
    for i, body in enumerate(bodies):
        if body.id in seen:
            raise _fail(f"bodies[{i}].id", f"duplicate id {body.id!r}")
        seen.add(body.id)
    pinned: list[tuple[str, str]] = []
    for i, pair in enumerate(_list(data, "pinned", required=False)):
        if not isinstance(pair, list) or len(pair) != 2:
            raise _fail(f"pinned[{i}]", f"must be a pair [body id, area id], got {pair!r}")
        pin = (_identifier(pair[0], f"pinned[{i}][0]"), _identifier(pair[1], f"pinned[{i}][1]"))
        if pin not in pinned:  # the same pin twice says the same thing once
            pinned.append(pin)
    excluded: list[str] = []
    for i, raw in enumerate(_list(data, "excluded", required=False)):
        body_id = _identifier(raw, f"excluded[{i}]")
        if body_id not in excluded:
            excluded.append(body_id)
    return Problem(
        areas=areas, groups=groups, min_size=min_size, max_size=max_size, bodies=bodies,
        max_groups_per_body=per_body, max_country_share=share, pinned=tuple(pinned), excluded=tuple(excluded),
    )
