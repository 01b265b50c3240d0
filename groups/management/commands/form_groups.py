"""``manage.py form_groups --input FILE.json``: form groups from JSON, print the result as JSON.

The JSON in and out are described in ``groups/matching/model.py``. Constraints that cannot be met together
are not an error: the output then has status "infeasible" and the reasons. A malformed input is one: a
message on standard error and exit status 2, as command-line tools do for usage errors.
"""

from __future__ import annotations

import json
import math
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from groups.matching import ProblemError, parse_problem, solve

USAGE_ERROR = 2


class Command(BaseCommand):
    help = "Choose the thematic areas and place the bodies in groups, exactly; reads and prints JSON."
    # call_command(..., stdin=StringIO(...)) lets tests feed "--input -" without touching sys.stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--input", required=True, metavar="FILE", help="the problem as JSON; - for standard input")
        parser.add_argument("--time-limit", type=float, default=30.0, metavar="SECONDS",
                            help="stop the search after this long and report the best groups with their gap "
                                 "(default: 30)")

    def handle(self, *args: Any, **options: Any) -> None:
        time_limit = options["time_limit"]
        if not math.isfinite(time_limit) or time_limit <= 0:
            raise CommandError(f"--time-limit must be a positive number of seconds, got {time_limit}",
                               returncode=USAGE_ERROR)
        data = self._read(options["input"], options.get("stdin") or sys.stdin)
        try:
            problem = parse_problem(data)
        except ProblemError as error:
            raise CommandError(f"invalid input: {error}", returncode=USAGE_ERROR) from error
        solution = solve(problem, time_limit=time_limit)
        self.stdout.write(json.dumps(solution.to_dict(), indent=2, ensure_ascii=False))

    def _read(self, path: str, stdin: Any) -> Any:
        where = "standard input" if path == "-" else path
        try:
            if path == "-":
                text = stdin.read()
            else:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {where}: {error}", returncode=USAGE_ERROR) from error
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"{where} is not valid JSON: {error}", returncode=USAGE_ERROR) from error
