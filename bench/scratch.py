"""Scratch databases and servers for the benchmarks (and for the tests that stop a server).

- :func:`recreate_database` and :func:`use_scratch_database`: an empty database of its own for each run,
  on the machine's PostgreSQL or on a private one.
- :class:`PrivateRedis` and :class:`PrivatePostgres`: servers of our own on free loopback ports, to be
  stopped, killed or frozen (SIGSTOP, as a network partition looks) without touching the machine's
  servers, which other people's tests use at the same moment.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType


def recreate_database(name: str, *, port: int = 5432) -> None:
    """Drop `name` (closing its connections) and create it empty, on the PostgreSQL of 127.0.0.1:`port`."""
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {name}")
    connection.close()


def free_port() -> int:
    """A TCP port of loopback that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not happen within {seconds} s")


class _Server:
    process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> _Server:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _signal(self, number: int) -> None:
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, number)

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections are accepted by the kernel and never answered."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        self._signal(signal.SIGCONT)


class PrivateRedis(_Server):
    """A Redis server of our own on a free port of 127.0.0.1, without persistence: a restart empties it."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(self.answers, f"Redis on port {self.port} answering")

    def stop(self) -> None:
        """Stop the server as `kill` or an operator would (SIGTERM: it closes its clients' connections),
        and wait until it is gone; without persistence, its data goes with it."""
        if self.process is not None and self.process.poll() is None:
            self.resume()
            self.process.terminate()
            self.process.wait(30)
        self.process = None

    def crash(self) -> None:
        """Stop the server at once (SIGKILL), as a crash of its machine would."""
        if self.process is not None and self.process.poll() is None:
            self.resume()
            self.process.kill()
            self.process.wait(30)
        self.process = None


def _postgres_bin(program: str) -> str:
    found = shutil.which(program)
    if found:
        return found
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{program}"))
    if not versions:
        raise RuntimeError(f"PostgreSQL's {program} was not found")
    return str(versions[-1])


class PrivatePostgres(_Server):
    """A PostgreSQL cluster of our own (initdb in a temporary directory) on a free port of 127.0.0.1.

    User ``postgres``, trust authentication, fsync off (scratch data). PostgreSQL refuses to run as root:
    when we are root, its programs run as the ``postgres`` system user.
    """

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="bigbuyers-pg-"))
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            os.chown(self.directory, pwd.getpwnam("postgres").pw_uid, pwd.getpwnam("postgres").pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        self._initialised = False

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as_user, *command], check=True, capture_output=True, timeout=120)  # noqa: S603

    def postmaster_pid(self) -> int:
        return int((self.directory / "data" / "postmaster.pid").read_text().split()[0])

    def start(self) -> None:
        data = str(self.directory / "data")
        if not self._initialised:
            self._run(_postgres_bin("initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8")
            self._initialised = True
        self._run(_postgres_bin("pg_ctl"), "-D", data, "-l", str(self.directory / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off "
                  "-c full_page_writes=off -c max_connections=200", "start")

    def pause(self) -> None:
        """Freeze the postmaster (SIGSTOP): new connections hang, as in a network partition."""
        os.kill(self.postmaster_pid(), signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.postmaster_pid(), signal.SIGCONT)

    def stop(self) -> None:
        if (self.directory / "data" / "postmaster.pid").exists():
            self.resume()
            self._run(_postgres_bin("pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        """Stop the server and delete its files."""
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.remove()


def use_scratch_database(name: str, *, redis_db: int = 8) -> None:
    """Point Django (bench.settings) at the scratch database `name`, before Django is set up."""
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:6379/{redis_db}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
