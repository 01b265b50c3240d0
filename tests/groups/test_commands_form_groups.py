"""``manage.py form_groups``: JSON in (file or standard input), JSON out, exit status 2 on bad input."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

PROBLEM: dict[str, Any] = {
    "areas": ["hdev", "zecs", "food"],
    "groups": 2,
    "min_size": 1,
    "max_size": 2,
    "max_groups_per_body": 2,
    "bodies": [
        {"id": "b1", "country": "FR", "interest": {"hdev": 3, "zecs": 2}},
        {"id": "b2", "country": "DE", "interest": {"hdev": 2}},
        {"id": "b3", "country": "IT", "interest": {"hdev": 1}},
        {"id": "b4", "country": "IT", "interest": {"food": 1}},
    ],
    "pinned": [["b2", "hdev"]],
}


def run(*args: str, stdin: str | None = None) -> dict[str, Any]:
    out = StringIO()
    options: dict[str, Any] = {"stdout": out}
    if stdin is not None:
        options["stdin"] = StringIO(stdin)
    call_command("form_groups", *args, **options)
    return json.loads(out.getvalue())


def test_form_groups_reads_a_file_and_prints_the_groups(tmp_path: Path) -> None:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(PROBLEM), encoding="utf-8")
    result = run("--input", str(path))
    assert result["status"] == "optimal"
    assert result["optimal"] is True
    assert result["gap"] == 0
    assert result["areas"] == ["hdev", "zecs"]
    assert result["placements"] == [
        {"body": "b1", "area": "hdev"}, {"body": "b1", "area": "zecs"}, {"body": "b2", "area": "hdev"},
    ]
    assert result["objective"] == 7
    assert result["unplaced"] == ["b3", "b4"]
    assert result["explanations"]["b2"] == "Pinned to hdev by the secretariat. Placed in hdev (interest 2)."
    assert result["explanations"]["b4"] == "Not placed: its areas of interest (food) were not among the chosen areas."


def test_form_groups_reads_standard_input() -> None:
    result = run("--input", "-", "--time-limit", "5", stdin=json.dumps(PROBLEM))
    assert result["status"] == "optimal"
    assert result["groups"] == {"hdev": ["b1", "b2"], "zecs": ["b1"]}


def test_form_groups_explains_infeasible_input_in_json() -> None:
    problem = {**PROBLEM, "pinned": [["b3", "zecs"]]}
    result = run("--input", "-", stdin=json.dumps(problem))
    assert result["status"] == "infeasible"
    assert result["optimal"] is False
    assert result["infeasible_reasons"] == ["Body 'b3' is pinned to zecs but expressed no interest in it."]
    assert result["placements"] == []


@pytest.mark.parametrize(("text", "message"), [
    ("{not json", "standard input is not valid JSON: Expecting property name enclosed in double quotes"),
    ("[]", "invalid input: the input must be a JSON object, got list"),
    (json.dumps({**PROBLEM, "groups": "two"}), "invalid input: groups: must be a whole number, got 'two'"),
    (json.dumps({**PROBLEM, "max_size": 0}), "invalid input: max_size: must be at least 1, got 0"),
    (json.dumps({k: v for k, v in PROBLEM.items() if k != "bodies"}), "invalid input: bodies: is required"),
])
def test_form_groups_rejects_malformed_input_with_status_2(text: str, message: str) -> None:
    with pytest.raises(CommandError) as error:
        run("--input", "-", stdin=text)
    assert error.value.returncode == 2
    assert str(error.value).startswith(message)


def test_form_groups_rejects_a_missing_file_with_status_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as error:
        run("--input", str(tmp_path / "missing.json"))
    assert error.value.returncode == 2
    assert "cannot read" in str(error.value)


def test_form_groups_rejects_a_bad_time_limit_with_status_2() -> None:
    with pytest.raises(CommandError) as error:
        run("--input", "-", "--time-limit", "0", stdin=json.dumps(PROBLEM))
    assert error.value.returncode == 2
