"""What each page costs in-process: the survey's pages, the campaign page and a members-only list, against
the minimal Django view in the same run.

Fills a scratch PostgreSQL database (`bench_render`, recreated; bench/pages_data.py: the demo campaign,
--responses answered responses, a page of 30 of the campaign's own questions) and requests each page with
Django's test client (the whole middleware stack, production settings, no network), one request at a time,
as a signed-in respondent (a community member for the list). Per page it prints the median and the fastest
of --repeat requests, the median of the CPU time this process spent (the fastest and the CPU time move
less on a shared machine; the CPU time leaves out the database server's) and, from one more request
counted apart (counting slows rendering), the template nodes rendered, the variable look-ups and the
queries.

    .venv/bin/python bench/render.py [--responses 5000] [--repeat 50] [--language en]
    .venv/bin/python bench/render.py --profile organisation [--profile thirty ...] [--sort tottime] [--top 40]
    .venv/bin/python bench/render.py --queries contact [--queries review ...]

--profile runs cProfile over --repeat requests of each named page (see the names printed) and prints its top
entries instead of the table. BENCH_DATABASE names another scratch database (when several people share
the machine). Needs PostgreSQL on 127.0.0.1 (user postgres) and Redis. A benchmark prints figures and never
fails on a time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import recreate_database, use_scratch_database  # noqa: E402 - after the path

DB = os.environ.get("BENCH_DATABASE", "bench_render")
use_scratch_database(DB)


@dataclass
class Target:
    name: str
    path: str
    who: str = "respondent"  # "respondent", "member" or "" (anonymous)
    post: dict[str, str] = field(default_factory=dict)
    expect: int = 200


def targets(campaign: str, community: str) -> list[Target]:
    survey = f"/campaigns/{campaign}/survey"
    return [
        Target("minimal", "/bench/minimal/", who=""),
        Target("minimal, signed in", "/bench/minimal/signed-in/"),
        Target("campaign", f"/campaigns/{campaign}/", who=""),
        Target("organisation", f"{survey}/organisation/"),
        Target("contact", f"{survey}/contact/"),
        Target("interests", f"{survey}/interests/"),
        Target("thirty", f"{survey}/thirty/"),
        Target("purchases", f"{survey}/purchases/"),
        Target("challenges", f"{survey}/challenges/"),
        Target("recommendations", f"{survey}/recommendations/"),
        Target("interview", f"{survey}/interview/"),
        Target("consent", f"{survey}/consent/"),
        Target("review", f"/campaigns/{campaign}/survey/review/"),
        Target("recommendations POST", f"{survey}/recommendations/",
               post={"recommendations": "More study visits", "continue": "1"}, expect=302),
        Target("organisation POST, errors", f"{survey}/organisation/",
               post={"name": "", "country": "FR", "continue": "1"}, expect=400),
        Target("members-only list", f"/communities/{community}/discussions/", who="member"),
    ]


def setup() -> None:
    import django
    from django.conf import settings

    # The static files served as they are: no collectstatic needed, and {% static %} costs what it costs.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    django.setup()


@contextmanager
def counting() -> Iterator[dict[str, int]]:
    """Count template nodes rendered and variable look-ups while the block runs."""
    from django.template import base

    counts = {"nodes": 0, "lookups": 0}
    render_annotated, resolve_lookup = base.Node.render_annotated, base.Variable._resolve_lookup

    def counted_render(self: Any, context: Any) -> Any:
        counts["nodes"] += 1
        return render_annotated(self, context)

    def counted_lookup(self: Any, context: Any) -> Any:
        counts["lookups"] += 1
        return resolve_lookup(self, context)

    base.Node.render_annotated = counted_render
    base.Variable._resolve_lookup = counted_lookup
    try:
        yield counts
    finally:
        base.Node.render_annotated = render_annotated
        base.Variable._resolve_lookup = resolve_lookup


def requester(target: Target, clients: dict[str, Any], language: str) -> Callable[[], Any]:
    client = clients[target.who]
    headers = {"HTTP_ACCEPT_LANGUAGE": language}

    def run() -> Any:
        if target.post:
            client.cookies.pop("messages", None)  # "saved" messages would pile up in the cookie
            answer = client.post(target.path, target.post, **headers)
        else:
            answer = client.get(target.path, **headers)
        if answer.status_code != target.expect:
            raise SystemExit(f"{target.name}: {answer.status_code}, expected {target.expect}")
        return answer

    return run


def timed_ms(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """The median and the fastest of `repeat` runs, and the median of this process's CPU time: on a shared
    machine the fastest moves less, and the CPU time (which leaves out the database server's) even less."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(times) * 1000, min(times) * 1000, statistics.median(cpu) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--language", default="en")
    parser.add_argument("--profile", action="append", default=[], metavar="PAGE")
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--reuse", action="store_true", help="keep the scratch database of the last run")
    parser.add_argument("--only", action="append", default=[], metavar="PAGE", help="time these pages (and the minimal view)")
    parser.add_argument("--queries", action="append", default=[], metavar="PAGE",
                        help="print the SQL one request of this page runs, instead of the table")
    options = parser.parse_args()

    if not options.reuse:
        recreate_database(DB)
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.pages_data import seed_pages, seeded_pages

    data = seeded_pages() if options.reuse else seed_pages(options.responses, collectstatic=False)
    clients: dict[str, Any] = {"": Client(), "respondent": Client(), "member": Client()}
    clients["respondent"].force_login(data.respondent)
    clients["member"].force_login(data.member)
    pages = targets(data.campaign_slug, data.community_slug)
    unknown = set(options.profile + options.only + options.queries) - {t.name for t in pages}
    if unknown:
        raise SystemExit(f"unknown pages {sorted(unknown)}; the pages: {[t.name for t in pages]}")

    if options.only:
        pages = [t for t in pages if t.name == "minimal" or t.name in options.only]
    runs = {t.name: requester(t, clients, options.language) for t in pages}
    for run in runs.values():  # warm: connections, templates, translations, the questionnaire's cache
        run()
        run()

    if options.queries:
        for name in options.queries:
            with CaptureQueriesContext(connection) as queries:
                runs[name]()
            print(f"\n=== {name}: {len(queries)} queries")
            for number, query in enumerate(queries, 1):
                print(f"{number:>3}. {query['sql']}")
        return

    if options.profile:
        for name in options.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(options.repeat):
                runs[name]()
            profiler.disable()
            print(f"\n=== {name}: {options.repeat} requests, by {options.sort}")
            pstats.Stats(profiler, stream=sys.stdout).strip_dirs().sort_stats(options.sort).print_stats(options.top)
        return

    rows = []
    for target in pages:
        with counting() as counts, CaptureQueriesContext(connection) as queries:
            answer = runs[target.name]()
        counted = (counts["nodes"], counts["lookups"], len(queries), len(answer.content))  # before the next request
        rows.append((target.name, *timed_ms(runs[target.name], options.repeat), *counted))
    baseline, fastest_baseline, cpu_baseline = rows[0][1], rows[0][2], rows[0][3]
    print(f"{options.responses} responses in the database, median of {options.repeat} requests, language "
          f"{options.language}")
    print(f"{'page':<26} {'median ms':>9} {'x minimal':>9} {'min ms':>7} {'x min':>6} {'cpu ms':>7} {'x cpu':>6} "
          f"{'nodes':>6} {'look-ups':>8} {'queries':>7} {'bytes':>6}")
    for name, ms, fastest, cpu, nodes, lookups, queries_count, size in rows:
        print(f"{name:<26} {ms:>9.2f} {ms / baseline:>9.1f} {fastest:>7.2f} {fastest / fastest_baseline:>6.1f} "
              f"{cpu:>7.2f} {cpu / cpu_baseline:>6.1f} {nodes:>6} {lookups:>8} {queries_count:>7} {size:>6}")


if __name__ == "__main__":
    main()
