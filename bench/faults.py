"""Fault injection: the production-like stack under load while each helper service fails in turn.

Starts a PostgreSQL cluster, a Redis and an SMTP sink of its own (free loopback ports; the machine's
servers are never touched), migrates and seeds a scratch database, then runs the stack as `make services`
does: gunicorn (3 processes of 4 threads, production settings), a Celery worker (prefork, 2 processes, both queues) and
beat, the last two through bin/keep-running. A steady load runs meanwhile: visitors reading the public
pages, people asking for sign-in links, respondents saving a step and submitting.

Scenarios, each: a few seconds of load, the fault for --outage seconds under load, then the recovery:

- none                the baseline
- redis-stopped       Redis stopped (SIGTERM) and started again, empty (its queues are lost)
- redis-hung          Redis frozen (SIGSTOP), then resumed: every call to it times out meanwhile
- postgres-hung       PostgreSQL's postmaster frozen (SIGSTOP): new connections hang, as found in issue 13
- postgres-stopped    PostgreSQL stopped at once (immediate shutdown), then started
- worker-killed       the Celery worker killed (SIGKILL) half-way through an e-mail to 1,000 people;
                      bin/keep-running starts it again
- smtp-down           the SMTP server stopped, then started

For each it prints: requests answered (any status below 500), answered 503 ("try again in a minute"),
failed (500, time-outs, refused connections), the slowest answer and the slowest /healthz; submissions
and saved steps acknowledged, and lost (acknowledged but not in the database: must be 0); e-mails the
portal owed (one per sign-in link asked for and per submission acknowledged, and the 1,000 of the batch),
missing after the recovery (must be 0) and duplicated (same recipient and Message-ID: must be 0, see the
at-least-once window in bigbuyers/outbox.py); and the recovery time, from the end of the fault until a
sign-in link asked for at that moment is in the mailbox.

A message claimed by a worker that was killed is sent again only after outbox.STALE_CLAIM (10 minutes);
the worker-killed scenario moves those claims back in time rather than waiting, and says how many.

    .venv/bin/python bench/faults.py [--outage 20] [--scenarios redis-stopped,smtp-down]

Needs PostgreSQL's programs (initdb, pg_ctl; run as the postgres user when we are root) and redis-server.
A benchmark: it prints figures and never fails on a time.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.scratch import PrivatePostgres, PrivateRedis, free_port  # noqa: E402 - after the path
from bench.stack import Sink, celery_beat, celery_worker, gunicorn, session_cookie, stop, wait_http  # noqa: E402

DB = "bench_faults"
SCENARIOS = ["none", "redis-stopped", "redis-hung", "postgres-hung", "postgres-stopped", "worker-killed", "smtp-down"]
RESPONDENTS = 200
BATCH = 1000
TIMEOUT = 15.0  # seconds a client waits for an answer


# --- The load ----------------------------------------------------------------------------------------

@dataclass
class Figures:
    """What one scenario's load saw."""

    answered: int = 0  # pages: any status below 500
    unavailable: int = 0  # pages: 503
    failed: int = 0  # pages: 500, time-outs, refused connections
    slowest: float = 0.0
    healthz_down: int = 0  # /healthz answers 503 (it says what is down)
    slowest_healthz: float = 0.0
    signins: list[str] = field(default_factory=list)  # addresses whose link request was acknowledged
    submits: list[tuple[int, int]] = field(default_factory=list)  # (response id, revision) acknowledged
    saves: dict[int, tuple[list[str], int]] = field(default_factory=dict)  # response -> (texts tried, last acked)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int | None, seconds: float, *, healthz: bool = False) -> None:
        with self.lock:
            if healthz:
                self.healthz_down += status != 200
                self.slowest_healthz = max(self.slowest_healthz, seconds)
                return
            if status is None or (status >= 500 and status != 503):
                self.failed += 1
            elif status == 503:
                self.unavailable += 1
            else:
                self.answered += 1
            self.slowest = max(self.slowest, seconds)


class Client:
    """Plain HTTP requests to the stack, one connection each, as browsers without keep-alive."""

    def __init__(self, port: int, csrf: str) -> None:
        self.port, self.csrf = port, csrf

    def request(self, method: str, path: str, *, cookie: str = "", form: dict[str, str] | None = None,
                timeout: float = TIMEOUT) -> tuple[int | None, float, str, str]:
        """(status or None, seconds, Location, body)."""
        from urllib.parse import urlencode

        headers = {"Cookie": f"csrftoken={self.csrf}; {cookie}".strip("; ")}
        body = None
        if form is not None:
            body = urlencode(form)
            headers |= {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.csrf}
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            text = answer.read().decode(errors="replace")
            return answer.status, time.perf_counter() - started, answer.getheader("Location", ""), text
        except OSError:
            return None, time.perf_counter() - started, "", ""
        finally:
            connection.close()


class Load:
    """Visitors, people asking for sign-in links and respondents, in threads, until stopped."""

    def __init__(self, client: Client, slug: str, respondents: list[tuple[int, str]], figures: Figures) -> None:
        self.client, self.slug, self.figures = client, slug, figures
        self.respondents = respondents
        self.running = threading.Event()
        self.threads: list[threading.Thread] = []
        self.serial = Counter[str]()

    def start(self) -> None:
        self.running.set()
        targets: list[Callable[[int], None]] = [self.visitor, self.visitor, self.signer, self.health,
                                                self.respondent, self.respondent, self.respondent]
        self.threads = [threading.Thread(target=target, args=(n,), daemon=True) for n, target in enumerate(targets)]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.running.clear()
        for thread in self.threads:
            thread.join(TIMEOUT + 5)

    def _pause(self) -> None:
        time.sleep(0.05)

    def visitor(self, n: int) -> None:
        paths = ["/", f"/campaigns/{self.slug}/", "/signin/"]
        while self.running.is_set():
            status, seconds, _, _ = self.client.request("GET", paths[self.serial[f"v{n}"] % len(paths)])
            self.serial[f"v{n}"] += 1
            self.figures.count(status, seconds)
            self._pause()

    def health(self, n: int) -> None:
        while self.running.is_set():
            status, seconds, _, _ = self.client.request("GET", "/healthz")
            self.figures.count(status, seconds, healthz=True)
            time.sleep(0.5)

    def signer(self, n: int) -> None:
        while self.running.is_set():
            self.serial["signin"] += 1
            address = f"person{self.serial['signin']}.{time.time_ns()}@load.example"
            status, seconds, location, _ = self.client.request("POST", "/signin/", form={"email": address})
            self.figures.count(status, seconds)
            if status == 302 and location.endswith("/signin/sent/"):
                with self.figures.lock:
                    self.figures.signins.append(address)
            time.sleep(0.3)

    def respondent(self, n: int) -> None:
        """Save a step with a new text, read the review page, submit; then the next respondent."""
        mine = self.respondents[n::3]
        turn = 0
        while self.running.is_set():
            response_id, cookie = mine[turn % len(mine)]
            turn += 1
            text = f"Recommendation {time.time_ns()}"
            tried, acked = self.figures.saves.get(response_id, ([], -1))
            tried.append(text)
            status, seconds, location, _ = self.client.request(
                "POST", f"/campaigns/{self.slug}/survey/recommendations/", cookie=cookie,
                form={"recommendations": text, "continue": "1"})
            self.figures.count(status, seconds)
            if status == 302 and location.startswith(f"/campaigns/{self.slug}/survey/"):
                acked = len(tried) - 1
            with self.figures.lock:
                self.figures.saves[response_id] = (tried, acked)
            if status != 302:
                self._pause()
                continue
            status, seconds, _, page = self.client.request("GET", f"/campaigns/{self.slug}/survey/review/",
                                                           cookie=cookie)
            self.figures.count(status, seconds)
            found = re.search(r'name="revision" value="(\d+)"', page)
            if status != 200 or not found:
                continue
            revision = int(found.group(1))
            status, seconds, location, _ = self.client.request(
                "POST", f"/campaigns/{self.slug}/survey/submit/", cookie=cookie, form={"revision": str(revision)})
            self.figures.count(status, seconds)
            if status == 302 and location.endswith("/survey/done/"):
                with self.figures.lock:
                    self.figures.submits.append((response_id, revision))
            self._pause()


# --- The stack ---------------------------------------------------------------------------------------

class Stack:
    """PostgreSQL, Redis, the SMTP sink, and the portal's processes, with what the scenarios do to them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pg = PrivatePostgres()
        self.redis = PrivateRedis()
        self.sink = Sink(free_port())
        self.port = free_port()
        self.env: dict[str, str] = {}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start_servers(self) -> None:
        self.pg.start()
        self.redis.start()
        self.sink.start()
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.pg.port, user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {DB}")
        connection.close()
        self.env = {
            "DJANGO_SETTINGS_MODULE": "bench.settings", "DATABASE_URL": self.pg.url(DB), "REDIS_URL": self.redis.url(),
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.sink.port), "EMAIL_TIMEOUT": "5", "CELERY_TASK_ALWAYS_EAGER": "0",
            "SITE_URL": f"http://127.0.0.1:{self.port}", "KEEP_RUNNING_PAUSE": "5",
        }
        os.environ.update(self.env)

    def start_portal(self) -> None:
        log = self.folder / "portal.log"
        self.processes["web"] = gunicorn(self.port, workers=3, threads=4, env=self.env, log=log)
        self.processes["worker"] = celery_worker(env=self.env, concurrency=2, log=log, supervised=True)
        self.processes["beat"] = celery_beat(env=self.env, schedule=self.folder / "beat-schedule", log=log,
                                             supervised=True)
        wait_http(f"http://127.0.0.1:{self.port}/healthz")

    def stop(self) -> None:
        for process in self.processes.values():
            stop(process)
        self.sink.stop()
        self.redis.stop()
        self.pg.remove()

    def faults(self) -> dict[str, tuple[Callable[[], None], Callable[[], None]]]:
        """Each scenario's fault and its repair (the worker's is a kill: see kill_worker)."""
        return {
            "none": (lambda: None, lambda: None),
            "redis-stopped": (self.redis.stop, self.redis.start),
            "redis-hung": (self.redis.pause, self.redis.resume),
            "postgres-hung": (self.pg.pause, self.pg.resume),
            "postgres-stopped": (self.pg.stop, self.pg.start),
            "smtp-down": (self.sink.stop, self.restart_sink),
        }

    def restart_sink(self) -> None:
        """The same SMTP server started again on its port (aiosmtpd's controller cannot be restarted)."""
        fresh = Sink(self.sink.port)
        fresh.recipients, fresh.copies = self.sink.recipients, self.sink.copies
        fresh.start()
        self.sink = fresh

    def kill_worker(self) -> None:
        """SIGKILL the Celery worker's processes; bin/keep-running (the group's leader) survives to restart it."""
        supervisor = self.processes["worker"].pid
        found = subprocess.run(["pgrep", "-g", str(supervisor)], capture_output=True, text=True, check=False)  # noqa: S603,S607
        for pid in (int(p) for p in found.stdout.split()):
            if pid != supervisor:
                os.kill(pid, signal.SIGKILL)


# --- Seeding and checking ----------------------------------------------------------------------------

def seed(stack: Stack) -> tuple[str, list[tuple[int, str]], str]:
    """Migrate, load the demo, add RESPONDENTS complete drafts (with sessions) and BATCH people for the
    e-mail to many people. Returns the campaign's slug, (response id, session cookie) pairs, a CSRF token."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.middleware.csrf import _get_new_csrf_string

    from bigbuyers.models import User
    from surveys.models import AreaInterest, Campaign, Organisation, Respondent, Response, ThematicArea
    from surveys.questionnaire.structure import questionnaire_of

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_demo", email="faults@bigbuyers.example", password="faults-password-123", verbosity=0)
    campaign = Campaign.objects.get(slug="working-together-demo")
    area = ThematicArea.objects.filter(campaign=campaign).first()
    every_page = [page.key for page in questionnaire_of(campaign.pk).pages]  # the campaign's own pages too
    respondents = []
    for n in range(RESPONDENTS):
        organisation = Organisation.objects.create(name=f"Fault body {n}", country="FR", body_type="local_authority")
        response = Response.objects.create(campaign=campaign, organisation=organisation, steps_done=every_page,
                                           eligibility="eligible", contact_name=f"Person {n}")
        AreaInterest.objects.create(response=response, area=area, level=2)
        user = User.objects.create_user(f"respondent{n}@faults.example")
        Respondent.objects.create(response=response, user=user, campaign=campaign, is_owner=True)
        respondents.append((response.pk, session_cookie(user)))
    User.objects.bulk_create(User(email=f"member{n}@batch.example", password="!") for n in range(BATCH))
    return campaign.slug, respondents, _get_new_csrf_string()


def send_batch(started_by: str = "faults@bigbuyers.example") -> int:
    """An e-mail to the BATCH people (through the portal's service: a task queues one message each)."""
    from bigbuyers import bulk_email
    from bigbuyers.models import User

    staff = User.objects.get(email=started_by)
    message = bulk_email.prepare_bulk_email(subject="News", body="The next campaign opens soon.",
                                            people=User.objects.filter(email__endswith="@batch.example"),
                                            source="faults", audience="the batch", filters={}, by=staff)
    bulk_email.send_bulk_email(message, by=staff)
    return message.pk


@dataclass
class Check:
    lost: int
    owed: int
    missing: int
    duplicated: int
    fast_forwarded: int


def settle(stack: Stack, figures: Figures, *, bulk_id: int | None, wait: float = 240) -> Check:
    """Wait until the outbox has sent everything owed (or `wait` s pass), then compare with the database
    and the mailbox."""
    import datetime as dt

    from django.db import connections
    from django.db.models import Q
    from django.utils import timezone

    from bigbuyers import outbox
    from bigbuyers.models import EmailStatus, OutgoingEmail
    from surveys.models import Response

    connections.close_all()
    owed_rows = Q(to__in=figures.signins) | Q(key__in=[
        f"confirmation:response={r}:revision={v}:user={u}"
        for r, v in figures.submits for u in Response.objects.get(pk=r).respondents.values_list("user_id", flat=True)])
    if bulk_id is not None:
        owed_rows |= Q(key__startswith=f"bulk:{bulk_id}:")
    fast_forwarded: set[int] = set()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        connections.close_all()
        unsent = OutgoingEmail.objects.filter(owed_rows).exclude(status=EmailStatus.SENT)
        if not unsent.exists():
            break
        # A claim left by a killed worker is retried after STALE_CLAIM (10 min): move it back in time.
        now = timezone.now()
        stale = unsent.filter(status=EmailStatus.SENDING, claimed_at__lt=now - dt.timedelta(seconds=20),
                              claimed_at__gt=now - outbox.STALE_CLAIM)
        fast_forwarded.update(stale.values_list("pk", flat=True))
        stale.update(claimed_at=now - outbox.STALE_CLAIM - dt.timedelta(seconds=1))
        time.sleep(1)
    time.sleep(1)  # the last messages' SMTP transactions
    rows = list(OutgoingEmail.objects.filter(owed_rows))
    expected = {(row.to, outbox.message_id(row)) for row in rows}
    with stack.sink.lock:
        received = set(stack.sink.copies)
    owed = len(figures.signins) + len(figures.submits) + (BATCH if bulk_id is not None else 0)
    missing = owed - len(expected & received)
    lost = 0
    for response_id, revision in figures.submits:
        response = Response.objects.get(pk=response_id)
        lost += not (response.status == "submitted" and (response.submitted_revision or 0) >= revision)
    for response_id, (tried, acked) in figures.saves.items():
        if acked >= 0:
            text = Response.objects.get(pk=response_id).recommendations
            lost += text not in tried[acked:]
    return Check(lost=lost, owed=owed, missing=missing, duplicated=stack.sink.duplicates(),
                 fast_forwarded=len(fast_forwarded))


# --- The scenarios -----------------------------------------------------------------------------------

def recovery(client: Client, sink: Sink, started: float, *, limit: float = 300) -> float | None:
    """Seconds from `started` until a sign-in link asked for now (and again until the page answers) is in
    the mailbox; None if not within `limit` seconds."""
    address = f"probe.{time.time_ns()}@recovery.example"
    deadline = started + limit
    while time.monotonic() < deadline:
        status, _, location, _ = client.request("POST", "/signin/", form={"email": address}, timeout=5)
        if status == 302 and location.endswith("/signin/sent/"):
            break
        time.sleep(0.5)
    while time.monotonic() < deadline:
        with sink.lock:
            if sink.recipients[address]:
                return time.monotonic() - started
        time.sleep(0.2)
    return None


def run_scenario(name: str, stack: Stack, load_for: Callable[[Figures], Load], client: Client,
                 outage: float) -> tuple[Figures, Check, float | None]:
    figures = Figures()
    bulk_id = None
    stack.sink.reset()
    load = load_for(figures)
    load.start()
    time.sleep(5)
    if name == "worker-killed":
        bulk_id = send_batch()
        deadline = time.monotonic() + 120
        while stack.sink.received() < BATCH // 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        stack.kill_worker()  # half-way through the batch; keep-running starts it again after its pause
    else:
        fault, repair = stack.faults()[name]
        fault()
        time.sleep(outage)
        repair()
    back = time.monotonic()
    recovered = recovery(client, stack.sink, back)
    time.sleep(5)
    load.stop()
    return figures, settle(stack, figures, bulk_id=bulk_id), recovered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outage", type=float, default=20, help="seconds each fault lasts")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    options = parser.parse_args()
    scenarios = [s for s in options.scenarios.split(",") if s]
    unknown = set(scenarios) - set(SCENARIOS)
    if unknown:
        raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}; choose among {', '.join(SCENARIOS)}")

    folder = Path(tempfile.mkdtemp(prefix="bigbuyers-faults-"))
    stack = Stack(folder)
    results = []
    try:
        stack.start_servers()
        slug, respondents, csrf = seed(stack)
        stack.start_portal()
        client = Client(stack.port, csrf)
        for name in scenarios:
            print(f"… {name}", flush=True)
            results.append((name, *run_scenario(name, stack, lambda f: Load(client, slug, respondents, f), client,
                                                options.outage)))
    finally:
        stack.stop()

    print(f"\ngunicorn 3 processes x 4 threads, Celery worker prefork 2 + beat (bin/keep-running), private PostgreSQL, Redis and "
          f"SMTP sink; faults last {options.outage:g} s under load; logs in {folder}")
    print("pages: answered (status < 500) / 503 / failed (500, time-out, refused), slowest answer; /healthz: answers "
          "503, slowest; submissions (and saved steps) acknowledged / lost; e-mails owed / missing / duplicated; "
          "recovery: end of the fault to a new sign-in link in the mailbox")
    print(f"{'scenario':<17}{'pages ok':>9}{'503':>6}{'failed':>7}{'slowest s':>10}{'hz 503':>7}{'hz s':>6}"
          f"{'submits':>8}{'lost':>5}{'e-mails':>8}{'missing':>8}{'dupl.':>6}{'recovery s':>11}")
    for name, figures, check, recovered in results:
        print(f"{name:<17}{figures.answered:>9}{figures.unavailable:>6}{figures.failed:>7}{figures.slowest:>10.1f}"
              f"{figures.healthz_down:>7}{figures.slowest_healthz:>6.1f}{len(figures.submits):>8}{check.lost:>5}"
              f"{check.owed:>8}{check.missing:>8}{check.duplicated:>6}"
              f"{(f'{recovered:.1f}' if recovered is not None else '-'):>11}")
    for name, _figures, check, _recovered in results:
        if check.fast_forwarded:
            print(f"{name}: {check.fast_forwarded} message(s) left claimed by the killed worker, sent again once their "
                  "claim was moved back by STALE_CLAIM (10 min) instead of waiting")


if __name__ == "__main__":
    main()
