"""The automatic assignment of interview slots: pure functions, checked against brute force."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from groups.interview_assignment import Candidate, OpenSlot, assign, fits, half_day_of, is_valid_assignment

UTC = dt.UTC
BRUSSELS = ZoneInfo("Europe/Brussels")


def _at(day: int, hour: int, minute: int = 0, zone: ZoneInfo = BRUSSELS) -> dt.datetime:
    """A moment in the week of Monday 8 June 2026 (day 0 = Monday)."""
    return dt.datetime(2026, 6, 8 + day, hour, minute, tzinfo=zone)


def test_half_day_is_read_in_the_respondents_zone():
    moment = _at(0, 11, 30)  # Monday 11:30 in Brussels
    assert half_day_of(moment, "Europe/Brussels") == "mon_am"
    assert half_day_of(moment, "Europe/Lisbon") == "mon_am"  # 10:30 in Lisbon
    assert half_day_of(moment, "Europe/Helsinki") == "mon_pm"  # 12:30 in Helsinki
    assert half_day_of(_at(0, 6, 30), "Europe/Brussels") is None, "before the morning"
    assert half_day_of(_at(4, 19), "Europe/Brussels") is None, "after the afternoon"
    assert half_day_of(_at(0, 0, 30), "America/New_York") == "sun_pm"  # Sunday 18:30 there
    assert half_day_of(_at(1, 0, 30), "America/New_York") == "mon_pm"  # Monday 18:30 there


def test_fits_respects_half_day_and_preferred_mode():
    slot = OpenSlot(id=1, starts_at=_at(1, 10), interviewer_id=7, mode="video")
    assert fits(Candidate(id=1, availability=frozenset({"tue_am"}), zone="Europe/Paris"), slot)
    assert fits(Candidate(id=1, availability=frozenset({"tue_am"}), zone="Europe/Paris", mode="video"), slot)
    assert not fits(Candidate(id=1, availability=frozenset({"tue_am"}), zone="Europe/Paris", mode="phone"), slot)
    assert not fits(Candidate(id=1, availability=frozenset({"tue_pm", "wed_am"}), zone="Europe/Paris"), slot)


def test_assignment_finds_the_maximum_where_a_greedy_choice_would_not():
    azores_too_early = OpenSlot(3, _at(0, 8), 7, "video")  # 06:00 in the Azores: before their morning
    early = OpenSlot(1, _at(0, 9), 8, "video")  # 07:00 in the Azores
    flexible = Candidate(id=10, availability=frozenset({"mon_am"}), zone="Europe/Brussels")
    azores = Candidate(id=11, availability=frozenset({"mon_am"}), zone="Atlantic/Azores")
    # Giving `flexible` the 09:00 slot would leave the Azores out: the only maximum gives them 09:00.
    pairs = assign([flexible, azores], [early, azores_too_early])
    assert pairs == {10: 3, 11: 1}


def test_assignment_of_nothing_is_empty():
    assert assign([], []) == {}
    assert assign([Candidate(1, frozenset({"mon_am"}), "Europe/Brussels")], []) == {}
    assert assign([Candidate(1, frozenset(), "Europe/Brussels")], [OpenSlot(1, _at(0, 9), 7, "video")]) == {}


def _brute_force_maximum(candidates: list[Candidate], slots: list[OpenSlot]) -> int:
    """The size of the largest valid assignment, by trying every choice for every candidate."""
    def best(index: int, used: frozenset[int]) -> int:
        if index == len(candidates):
            return 0
        result = best(index + 1, used)  # this candidate gets no slot
        for slot in slots:
            if slot.id not in used and fits(candidates[index], slot):
                result = max(result, 1 + best(index + 1, used | {slot.id}))
        return result

    return best(0, frozenset())


def test_assignment_is_maximum_and_valid_on_many_small_random_cases():
    rng = random.Random(20260608)
    codes = [f"{d}_{h}" for d in ("mon", "tue", "wed", "thu", "fri") for h in ("am", "pm")]
    zones = ["Europe/Brussels", "Europe/Lisbon", "Europe/Helsinki", "Atlantic/Azores"]
    for _case in range(300):
        slots = [
            OpenSlot(id=100 + i, starts_at=_at(rng.randrange(5), rng.choice([8, 9, 11, 12, 14, 16, 18])),
                     interviewer_id=rng.randrange(3), mode=rng.choice(["video", "phone"]))
            for i in range(rng.randrange(0, 7))
        ]
        candidates = [
            Candidate(id=i, availability=frozenset(rng.sample(codes, rng.randrange(0, 4))), zone=rng.choice(zones),
                      mode=rng.choice(["", "", "video", "phone"]))
            for i in range(rng.randrange(0, 7))
        ]
        pairs = assign(candidates, slots)
        assert is_valid_assignment(pairs, candidates, slots), (candidates, slots, pairs)
        assert len(pairs) == _brute_force_maximum(candidates, slots), (candidates, slots, pairs)


def test_assignment_is_deterministic():
    slots = [OpenSlot(i, _at(i % 5, 9 + i % 3), i % 2, "video") for i in range(12)]
    candidates = [Candidate(i, frozenset({"mon_am", "wed_am", "fri_am"}), "Europe/Paris") for i in range(8)]
    assert assign(candidates, slots) == assign(candidates, list(reversed(slots)))


def test_validity_check_rejects_a_slot_used_twice_and_a_misfit():
    slot = OpenSlot(1, _at(0, 9), 7, "video")
    a = Candidate(1, frozenset({"mon_am"}), "Europe/Brussels")
    b = Candidate(2, frozenset({"mon_am"}), "Europe/Brussels")
    c = Candidate(3, frozenset({"fri_pm"}), "Europe/Brussels")
    assert not is_valid_assignment({1: 1, 2: 1}, [a, b], [slot])
    assert not is_valid_assignment({3: 1}, [c], [slot])
    assert is_valid_assignment({1: 1}, [a, b], [slot])
