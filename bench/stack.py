"""The portal's processes for the benchmarks, started as the Procfile starts them: gunicorn, a Celery
worker and beat; an SMTP sink on loopback; session cookies for seeded people.

Each process runs in a session of its own (so that stopping it stops its children) with its output in a
log file or discarded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


class Sink:
    """An SMTP server on loopback that keeps the recipients and Message-IDs of every message it accepts."""

    def __init__(self, port: int) -> None:
        from aiosmtpd.controller import Controller

        self.recipients: Counter[str] = Counter()
        self.copies: Counter[tuple[str, str]] = Counter()  # (recipient, Message-ID) -> copies received
        self.last_at = 0.0
        self.lock = threading.Lock()
        self.port = port
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's hook name
        from email.parser import BytesHeaderParser

        message_id = BytesHeaderParser().parsebytes(envelope.content).get("Message-ID", "")
        with self.lock:
            self.recipients.update(envelope.rcpt_tos)
            self.copies.update((to, message_id) for to in envelope.rcpt_tos)
            self.last_at = time.perf_counter()
        return "250 Message accepted for delivery"

    def received(self) -> int:
        with self.lock:
            return sum(self.recipients.values())

    def duplicates(self) -> int:
        """Copies received beyond the first of the same message (same recipient, same Message-ID)."""
        with self.lock:
            return sum(count - 1 for count in self.copies.values() if count > 1)

    def reset(self) -> None:
        with self.lock:
            self.recipients.clear()
            self.copies.clear()

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def session_cookie(user: Any) -> str:
    """A signed-in session of `user` (stored by the portal's session engine), as a Cookie header value."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def start(command: list[str], *, env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """Start `command` from the project's folder in a session of its own, output to `log` (or nowhere)."""
    output = log.open("ab") if log else subprocess.DEVNULL
    return subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
        command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen[bytes], *, timeout: float = 60) -> None:
    """SIGTERM the process's session, then SIGKILL it if it has not ended after `timeout` seconds."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout)


def gunicorn(port: int, *, workers: int, env: dict[str, str], threads: int = 1,
             log: Path | None = None) -> subprocess.Popen[bytes]:
    """gunicorn with `workers` processes of `threads` threads (the Procfile: 3 of 4)."""
    return start([str(BIN / "gunicorn"), "bigbuyers.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                  "--threads", str(threads), "--timeout", "120", "--log-level", "warning"], env=env, log=log)


def celery_worker(*, env: dict[str, str], concurrency: int, log: Path | None = None, supervised: bool = False,
                  options: tuple[str, ...] = ()) -> subprocess.Popen[bytes]:
    """A prefork worker consuming both queues; `supervised`: through bin/keep-running, as `make services`."""
    command = [str(BIN / "celery"), "-A", "bigbuyers", "worker", "--pool", "prefork", "--concurrency",
               str(concurrency), "--queues", "interactive,celery", "--loglevel", "INFO" if log else "WARNING", *options]
    return start([str(ROOT / "bin" / "keep-running"), *command] if supervised else command, env=env, log=log)


def celery_beat(*, env: dict[str, str], schedule: Path, log: Path | None = None,
                supervised: bool = False) -> subprocess.Popen[bytes]:
    command = [str(BIN / "celery"), "-A", "bigbuyers", "beat", "--loglevel", "INFO", "--schedule", str(schedule)]
    return start([str(ROOT / "bin" / "keep-running"), *command] if supervised else command, env=env, log=log)


def wait_http(url: str, *, seconds: float = 60) -> None:
    """Wait until `url` answers (any status), or give up."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")
