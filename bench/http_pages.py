"""Pages served by gunicorn on PostgreSQL, under load from wrk on loopback.

Measures requests per second and p50/p99 latency of the campaign page, a survey step (GET and POST),
the heaviest step (the organisation, with its 250 countries), a page of 30 of the campaign's own questions
(every kind, some with conditions), a members-only list (a community's discussions) and the minimal Django
view served the same way in the same run, and prints each page's ratio to it. The minimal view for a
signed-in person (the session and the user's row read) is the floor of every signed-in page.
Bounded: each target runs for --seconds (default 10) with --connections (default 16).

    .venv/bin/python bench/http_pages.py [--responses 5000] [--seconds 10] [--connections 16]

Needs PostgreSQL on 127.0.0.1 (a scratch database `bench_bigbuyers` is recreated), Redis, and wrk
(Debian package `wrk`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pages_data import seed_pages  # noqa: E402 - after the path
from bench.scratch import recreate_database  # noqa: E402
from bench.stack import gunicorn, session_cookie, stop, wait_http  # noqa: E402

DB = os.environ.get("BENCH_DATABASE", "bench_bigbuyers")  # another name when several people share the machine
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/10")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def seed(responses: int) -> tuple[str, str, str, str, str]:
    """Migrate and fill the scratch database (bench/pages_data.py).

    Returns the campaign's slug, a respondent's session cookie, a CSRF token, a community's slug and
    one of its members' session cookie.
    """
    import django

    django.setup()
    from django.middleware.csrf import _get_new_csrf_string

    data = seed_pages(responses)
    return (data.campaign_slug, session_cookie(data.respondent), _get_new_csrf_string(), data.community_slug,
            session_cookie(data.member))


def serve(workers: int) -> subprocess.Popen[bytes]:
    process = gunicorn(PORT, workers=workers, env={})
    wait_http(f"http://127.0.0.1:{PORT}/bench/minimal/")
    return process


def wrk(path: str, *, seconds: int, connections: int, cookie: str = "", post_body: str = "", csrf: str = "") -> dict[str, float]:
    headers = ["-H", f"Cookie: {cookie}; csrftoken={csrf}"] if cookie else []
    script_args: list[str] = []
    if post_body:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115 - closed below, read by wrk
        script.write(
            'wrk.method = "POST"\n'
            f'wrk.body = "{post_body}"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
            f'wrk.headers["X-CSRFToken"] = "{csrf}"\n'
            f'wrk.headers["Referer"] = "http://127.0.0.1:{PORT}/"\n'
        )
        script.close()
        script_args = ["-s", script.name]
    run = subprocess.run(  # noqa: S603 - fixed arguments, loopback only; wrk from PATH (S607)
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s", *headers, *script_args,  # noqa: S607
         f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True, text=True, check=True, timeout=seconds + 30,
    )
    out = run.stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{path}: {non_2xx.group(1)} error responses\n{out}")

    def latency(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), "p50": latency("50%"), "p99": latency("99%")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=5000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    recreate_database(DB)
    slug, cookie, csrf, community, member_cookie = seed(options.responses)
    server = serve(options.workers)
    try:
        targets = [
            ("minimal Django view", "/bench/minimal/", {}),
            # The floor of every signed-in page: the same view reading the session and the user's row.
            ("minimal, signed in", "/bench/minimal/signed-in/", {"cookie": cookie, "csrf": csrf}),
            ("campaign page", f"/campaigns/{slug}/", {}),
            ("survey step GET", f"/campaigns/{slug}/survey/recommendations/", {"cookie": cookie, "csrf": csrf}),
            ("organisation step GET", f"/campaigns/{slug}/survey/organisation/", {"cookie": cookie, "csrf": csrf}),
            ("30 own questions GET", f"/campaigns/{slug}/survey/thirty/", {"cookie": cookie, "csrf": csrf}),
            ("survey step POST", f"/campaigns/{slug}/survey/recommendations/",
             {"cookie": cookie, "csrf": csrf, "post_body": "recommendations=More+study+visits&continue=1"}),
            ("members-only list", f"/communities/{community}/discussions/", {"cookie": member_cookie, "csrf": csrf}),
        ]
        results = []
        for name, path, extra in targets:
            results.append((name, wrk(path, seconds=options.seconds, connections=options.connections, **extra)))
    finally:
        stop(server)
    baseline = results[0][1]["rps"]
    print(f"gunicorn {options.workers} workers, {options.connections} connections, {options.seconds} s each, "
          f"{options.responses} responses in the database")
    print(f"{'page':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'ratio to minimal':>17}")
    for name, figures in results:
        print(f"{name:<22} {figures['rps']:>9.0f} {figures['p50']:>8.1f} {figures['p99']:>8.1f} "
              f"{figures['rps'] / baseline:>17.2f}")


if __name__ == "__main__":
    main()
