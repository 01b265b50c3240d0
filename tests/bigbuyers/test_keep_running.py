"""bin/keep-running, through which `make services` (the Procfile) starts the Celery worker and beat: a
process that exits is started again; SIGTERM (honcho stopping, Ctrl-C) stops it for good."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]


def test_a_command_that_exits_is_started_again_until_terminated(tmp_path):
    runs = tmp_path / "runs"
    # Each run notes itself; the first two exit at once (as a worker dying), the third keeps running.
    script = ("import pathlib, sys, time\n"
              f"runs = pathlib.Path({str(runs)!r})\n"
              "runs.open('a').write('run\\n')\n"
              "if runs.read_text().count('run') < 3: sys.exit(1)\n"
              "time.sleep(60)\n")
    loop = subprocess.Popen([str(ROOT / "bin" / "keep-running"), sys.executable, "-c", script],  # noqa: S603
                            env={**os.environ, "KEEP_RUNNING_PAUSE": "0.1"}, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        wait_for(lambda: runs.exists() and runs.read_text().count("run") == 3)
        assert loop.poll() is None
    finally:
        os.killpg(loop.pid, signal.SIGTERM)  # as honcho stops its processes
    assert loop.wait(30) == 0
    assert runs.read_text().count("run") == 3
    assert loop.stderr is not None and "exited with status 1; starting it again" in loop.stderr.read().decode()


def test_the_procfile_starts_the_worker_and_beat_through_it_and_the_worker_consumes_both_queues():
    lines = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert lines["worker"].startswith("bin/keep-running ") and "--queues interactive,celery" in lines["worker"]
    assert lines["beat"].startswith("bin/keep-running ")
