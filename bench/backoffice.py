"""The secretariat's back office at scale: exports of 50,000 responses and the admin's lists.

Loads a scratch PostgreSQL database `bench_backoffice` (recreated) with 250,000 organisations, 50,000 of
which answered one campaign (each response with three area interests, one challenge text, two planned
purchases and a respondent), then measures in one process, through Django's test client (the full
middleware stack, no network):

- the export of every response as CSV (streamed) and as XLSX (XlsxWriter, constant memory), each twice: once
  for the time, once under tracemalloc for the peak of Python memory while it runs;
- the admin's list of responses (first page, filtered by campaign, a search), the list of organisations
  (250,000 rows, first page and a search), the campaign dashboard and the needs-assessment report,
  against a plain Django view that renders the same first page of responses from values_list() with
  a template (bench/urls.py), in the same run: median of --repeat requests each.

    .venv/bin/python bench/backoffice.py [--responses 50000] [--organisations 250000] [--repeat 15]

Needs PostgreSQL on 127.0.0.1 (user postgres) and Redis. A benchmark prints figures and never fails on a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import recreate_database  # noqa: E402 - after the path

DB = "bench_backoffice"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

COUNTRIES = ["FR", "DE", "IT", "ES", "NL", "PL", "BE", "AT", "SE", "PT", "CZ", "DK", "FI", "IE", "NO"]
BATCH = 5000


def setup() -> None:
    import django
    from django.conf import settings

    # Production settings (DEBUG off) with the static files served as they are (no collectstatic needed).
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    django.setup()


def seed(responses: int, organisations: int) -> dict[str, Any]:
    """Fill the scratch database; returns the campaign and the superuser the requests run as."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bigbuyers.models import User
    from surveys.models import (
        AreaChallenge,
        AreaInterest,
        Campaign,
        Organisation,
        PlannedPurchase,
        Respondent,
        Response,
        ThematicArea,
    )

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    now = timezone.now()
    campaign = Campaign.objects.create(slug="bench", name="Bench campaign", summary="-", introduction="-",
                                       opens_at=now - dt.timedelta(days=30), deadline=now + dt.timedelta(days=20),
                                       eligible_country_groups=["EU", "EEA"], reimbursed_country_groups=["EU"])
    areas = ThematicArea.objects.bulk_create(ThematicArea(campaign=campaign, code=f"area{n}", name=f"Area number {n}",
                                                          position=n) for n in range(10))
    for start in range(0, organisations, BATCH):
        Organisation.objects.bulk_create(
            Organisation(name=f"Body {n} of {['Lyon', 'Köln', 'Torino', 'Sevilla', 'Utrecht'][n % 5]}",
                         country=COUNTRIES[n % len(COUNTRIES)], body_type="local_authority", size="medium")
            for n in range(start, min(start + BATCH, organisations)))
    org_ids = list(Organisation.objects.order_by("pk").values_list("pk", flat=True)[:responses])
    users = User.objects.bulk_create((User(email=f"buyer{n}@body{n}.example", password="!") for n in range(responses)),
                                     batch_size=BATCH)
    for start in range(0, responses, BATCH):
        chunk = range(start, min(start + BATCH, responses))
        created = Response.objects.bulk_create(Response(
            campaign=campaign, organisation_id=org_ids[n], status="submitted" if n % 4 else "draft",
            submitted_at=now - dt.timedelta(hours=n % 600) if n % 4 else None,
            eligibility=["eligible", "eligible", "needs_review", "not_eligible"][n % 4],
            steps_done=["organisation", "contact", "interests"], contact_name=f"Person {n}", contact_role="Buyer",
            contact_phone=f"+33 1 00 00 {n:05d}", other_area_interest="=1+1" if n % 97 == 0 else "",
            general_challenges=f"Budgets, skills and market readiness for body {n};\nsecond line.",
            interview_willing=bool(n % 2), interview_mode="video" if n % 2 else "", interview_availability=["mon_am"],
            consent_version="2026-11", consent_at=now) for n in chunk)
        Respondent.objects.bulk_create(Respondent(response=r, user=users[n], campaign=campaign, is_owner=True)
                                       for r, n in zip(created, chunk, strict=True))
        AreaInterest.objects.bulk_create(AreaInterest(response=r, area=areas[(n + k * 3) % len(areas)], level=1 + k % 2)
                                         for r, n in zip(created, chunk, strict=True) for k in range(3))
        AreaChallenge.objects.bulk_create(AreaChallenge(response=r, area=areas[n % len(areas)],
                                                        text=f"Charging, grid capacity and tender criteria ({n}).")
                                          for r, n in zip(created, chunk, strict=True))
        PlannedPurchase.objects.bulk_create(PlannedPurchase(response=r, description=f"Electric buses, lot {k}",
                                                            cpv_code="34144910-0", position=k)
                                            for r in created for k in range(2))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    staff = User.objects.create_superuser("bench-staff@bigbuyers.example", "bench-password-123")
    return {"campaign": campaign, "staff": staff, "seconds": time.perf_counter() - started}


def _client(staff: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(staff)
    return client


def _consume(answer: Any) -> int:
    """Read a response's body the way a WSGI server does, chunk by chunk; returns its size in bytes."""
    if answer.streaming:
        return sum(len(chunk) for chunk in answer.streaming_content)
    return len(answer.content)


def export(client: Any, campaign_id: int, fmt: str) -> dict[str, float]:
    from bigbuyers.models import ExportRecord

    url = f"/admin/bigbuyers/exportrecord/download/responses.{fmt}?campaign={campaign_id}"
    started = time.perf_counter()
    answer = client.get(url)
    size = _consume(answer)
    seconds = time.perf_counter() - started
    assert answer.status_code == 200, answer.status_code
    rows = ExportRecord.objects.latest("pk").row_count
    tracemalloc.start()
    answer = client.get(url)
    _consume(answer)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"seconds": seconds, "rows": rows, "mb": size / 1e6, "peak_mb": peak / 1e6}


def timed(client: Any, url: str, repeat: int) -> dict[str, float]:
    from django.db import connection, reset_queries

    answer = client.get(url)  # warm the caches (content types, templates)
    assert answer.status_code == 200, (url, answer.status_code)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.get(url)
        _consume(answer)
        times.append(time.perf_counter() - started)
    connection.force_debug_cursor = True
    reset_queries()
    client.get(url)
    queries = len(connection.queries)
    connection.force_debug_cursor = False
    return {"ms": statistics.median(times) * 1000, "p90": sorted(times)[int(len(times) * 0.9) - 1] * 1000,
            "queries": queries}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--organisations", type=int, default=250_000)
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()
    recreate_database(DB)
    setup()
    data = seed(options.responses, max(options.organisations, options.responses))
    campaign, client = data["campaign"], _client(data["staff"])
    print(f"Seeded {options.responses:,} responses and {max(options.organisations, options.responses):,} organisations "
          f"in {data['seconds']:.0f} s (PostgreSQL, database {DB}).")

    print("\nExport of every response (one row per response, every answer)")
    print(f"{'format':<6} {'rows':>7} {'seconds':>8} {'MB':>6} {'peak Python MB':>15}")
    for fmt in ("csv", "xlsx"):
        figures = export(client, campaign.pk, fmt)
        print(f"{fmt:<6} {figures['rows']:>7,} {figures['seconds']:>8.1f} {figures['mb']:>6.1f} {figures['peak_mb']:>15.1f}")

    pages = [
        ("plain Django list (baseline)", "/bench/responses/"),
        ("admin: responses", "/admin/surveys/response/"),
        ("admin: responses of the campaign", f"/admin/surveys/response/?campaign__id__exact={campaign.pk}"),
        ("admin: responses, submitted, FR", (f"/admin/surveys/response/?campaign__id__exact={campaign.pk}"
                                             "&status__exact=submitted&country=FR")),
        ("admin: responses, search name", "/admin/surveys/response/?q=Torino"),
        ("admin: responses, search e-mail", "/admin/surveys/response/?q=buyer4242%40"),
        ("admin: eligibility review queue", "/admin/surveys/eligibilityreview/"),
        ("admin: organisations", "/admin/surveys/organisation/"),
        ("admin: organisations, search", "/admin/surveys/organisation/?q=Body+12345+of"),
        ("admin: organisations, type", "/admin/surveys/organisation/?body_type__exact=local_authority"),
        ("campaign dashboard", f"/admin/surveys/campaign/{campaign.pk}/dashboard/"),
        ("needs-assessment report", f"/admin/surveys/campaign/{campaign.pk}/report/"),
    ]
    print(f"\nPages, median of {options.repeat} requests each (100 rows a page)")
    print(f"{'page':<36} {'ms':>8} {'p90 ms':>8} {'queries':>8} {'ratio to baseline':>18}")
    baseline = None
    for name, url in pages:
        figures = timed(client, url, options.repeat)
        baseline = baseline or figures["ms"]
        print(f"{name:<36} {figures['ms']:>8.1f} {figures['p90']:>8.1f} {figures['queries']:>8} "
              f"{figures['ms'] / baseline:>18.1f}")


if __name__ == "__main__":
    main()
