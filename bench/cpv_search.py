"""The CPV search and the vocabulary's load, on PostgreSQL.

Migrates a scratch database `bench_cpv` (recreated; the migration loads the 9,454 codes), then measures in
one process, each figure the median of --repeat runs:

- the search as the code field and its combobox use it (surveys/cpv/selectors.py: the full-text index with
  English stemming, the last word as a prefix; numbers by prefix; the trigram index for typing mistakes),
  against a baseline measured in the same run: every word somewhere in the label (`icontains`, the SQLite
  fallback's query), which PostgreSQL answers by reading every label;
- the suggestions' JSON endpoint through Django's test client (the full middleware stack, no network);
- filling the empty table (what `migrate`, and the test suite after each flush, do): one COPY against
  Django's bulk_create of the same rows.

    .venv/bin/python bench/cpv_search.py [--repeat 50]

Needs PostgreSQL on 127.0.0.1 (user postgres) and Redis. A benchmark prints figures and never fails on a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import recreate_database, use_scratch_database  # noqa: E402 - after the path

DB = "bench_cpv"
use_scratch_database(DB)

WORDS = ["electric bus", "solar panels", "solar pan", "hospital beds", "construction machinery", "photovoltaic",
         "refuse collection vehicles", "school buildings", "laptop"]
NUMBERS = ["34", "3414", "34144910", "09331200-0"]
TYPOS = ["elektric bus", "solar panles"]


def median_ms(run: Callable[[], object], repeat: int) -> float:
    run()  # warm: the connection, the plan cache
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    recreate_database(DB)
    import django
    from django.conf import settings

    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from surveys.cpv import loader
    from surveys.cpv.codes import read_typed
    from surveys.cpv.models import CpvCode
    from surveys.cpv.selectors import _by_words, search

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate, vocabulary included: {time.perf_counter() - started:.1f} s, {CpvCode.objects.count()} codes")

    print(f"\nsearch, median of {args.repeat} (ms); baseline: every word anywhere in the label (icontains)")
    print(f"{'typed':<28} {'search':>8} {'baseline':>9} {'ratio':>7}  first found")
    for text in WORDS + NUMBERS + TYPOS:
        found = search(text)
        indexed = median_ms(lambda text=text: search(text), args.repeat)
        words = [w for w in read_typed(text).words if len(w) > 1]
        baseline = median_ms(lambda words=words: _by_words(words, 10), args.repeat) if words else float("nan")
        first = f"{found[0].code} {found[0].label}"[:48] if found else "—"
        print(f"{text:<28} {indexed:>8.2f} {baseline:>9.2f} {indexed / baseline:>7.2f}  {first}")

    client = Client()
    endpoint = median_ms(lambda: client.get("/cpv/suggestions/", {"q": "electric bu"}), args.repeat)
    print(f"\nsuggestions endpoint (?q=electric bu), full middleware: {endpoint:.2f} ms median")

    def refill(copy: bool) -> None:
        CpvCode.objects.all().delete()
        if copy:
            loader.sync_vocabulary()
        else:
            CpvCode.objects.bulk_create(CpvCode(digits=d, check_digit=c, label=label)
                                        for d, (c, label) in loader.read_vocabulary().items())

    repeat = max(3, args.repeat // 10)
    with_copy = median_ms(lambda: refill(True), repeat)
    with_orm = median_ms(lambda: refill(False), repeat)
    print(f"fill the empty table (delete included), median of {repeat}: COPY {with_copy:.0f} ms, "
          f"bulk_create {with_orm:.0f} ms (ratio {with_copy / with_orm:.2f})")
    connection.close()


if __name__ == "__main__":
    main()
