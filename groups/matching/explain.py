"""A plain-language explanation of the outcome for each body, for the secretariat and for the body itself.

The sentences go through Django's ``gettext`` when Django is configured (so they can be translated), and
stay plain strings otherwise: the solver must stay importable and usable without Django settings.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .instance import share_limit
from .model import Problem, Solution
from .text import _, ngettext, pgettext


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _number(value: float) -> str:
    return f"{value:g}"


def explain(problem: Problem, solution: Solution) -> dict[str, str]:
    """One explanation per body of the input, keyed by body id."""
    excluded = set(solution.excluded)
    chosen = set(solution.areas)
    bodies = {body.id: body for body in problem.bodies}
    placed: dict[str, list[str]] = defaultdict(list)
    members: dict[str, list[str]] = defaultdict(list)
    for body_id, area in solution.placements:
        placed[body_id].append(area)
        members[area].append(body_id)
    lowest = {area: min(bodies[b].interest[area] for b in ids) for area, ids in members.items()}
    countries = {area: Counter(bodies[b].country for b in ids) for area, ids in members.items()}
    pinned: dict[str, list[str]] = defaultdict(list)
    for body_id, area in problem.pinned:
        pinned[body_id].append(area)
    per_body = problem.max_groups_per_body
    no_groups = not solution.areas
    nobody: Counter[str] = Counter()

    texts: dict[str, str] = {}
    for body in problem.bodies:
        if body.id in excluded:
            texts[body.id] = _("Excluded by the secretariat.")
            continue
        sentences: list[str] = []
        if pinned[body.id]:
            sentences.append(_("Pinned to %(areas)s by the secretariat.") % {"areas": _join(pinned[body.id])})
        mine = placed.get(body.id, [])
        if mine:
            parts = [_("%(area)s (interest %(level)s)") % {"area": a, "level": _number(body.interest[a])} for a in mine]
            sentences.append(_("Placed in %(groups)s.") % {"groups": _join(parts)})
        interested = [a for a in problem.areas if a in body.interest]
        missed = [a for a in interested if a in chosen and a not in mine]
        if no_groups:
            sentences.append(_("Not placed: no groups were formed."))
        elif not interested:
            sentences.append(_("Not placed: it expressed no interest in any thematic area."))
        elif not mine and not missed:
            sentences.append(
                _("Not placed: its areas of interest (%(areas)s) were not among the chosen areas.")
                % {"areas": ", ".join(interested)}
            )
        elif missed:
            reasons = [_why_not(problem, body.interest[a], body.country, a, len(members[a]), lowest.get(a),
                                countries.get(a, nobody), len(mine) >= per_body) for a in missed]
            lead = _("Not placed: %(reasons)s.") if not mine else _("Not also placed in %(areas)s: %(reasons)s.")
            separator = pgettext("between the items of a list in a sentence", "; ")  # French writes " ; "
            sentences.append(lead % {"areas": _join(missed), "reasons": separator.join(reasons)})
        texts[body.id] = " ".join(sentences)
    return texts


def _why_not(problem: Problem, interest: float, country: str, area: str, size: int, lowest: float | None,
             countries: Counter[str], at_limit: bool) -> str:
    """Why a body is not in a chosen group it was interested in."""
    if at_limit:
        n = problem.max_groups_per_body
        return ngettext("a body joins at most %(n)s group and its other group served it better or as well",
                        "a body joins at most %(n)s groups and its other groups served it better or as well", n) % {
            "n": n}
    if size >= problem.max_size and lowest is not None:
        if interest < lowest:
            return _("the group for %(area)s was full with bodies of higher interest") % {"area": area}
        return _("the group for %(area)s was full with bodies of equal or higher interest") % {"area": area}
    share = problem.max_country_share
    if share is not None and countries[country] + 1 > share_limit(share, size + 1):
        return _("the group for %(area)s could not take another body from %(country)s within the maximum "
                 "country share") % {"area": area, "country": country}
    return _("placing it in %(area)s would not have raised the total interest met") % {"area": area}
