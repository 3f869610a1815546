"""The federation sync worker as `liaison serve` runs it: a child process started from the
`liaison` package this process runs (never whatever `liaison/` folder the current directory
holds), restarted with a doubling back-off when it dies, and given up on (serve then exits
non-zero) after MAX_DEATHS deaths within DEATH_WINDOW seconds. Its state is kept in
``sync_worker.json`` in the node home for `liaison status` and the node admin page."""

from __future__ import annotations

import collections
import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import liaison

log = logging.getLogger("liaison.core.worker")

STATE_FILE = "sync_worker.json"
ERROR_LOG = "sync-worker.log"
#: Deaths within DEATH_WINDOW seconds after which serve stops with an error.
MAX_DEATHS = int(os.environ.get("LIAISON_WORKER_MAX_DEATHS", "5"))
DEATH_WINDOW = float(os.environ.get("LIAISON_WORKER_DEATH_WINDOW", "120"))
#: First wait before a restart; it doubles with each quick death up to BACKOFF_MAX.
BACKOFF_START = float(os.environ.get("LIAISON_WORKER_BACKOFF", "1"))
BACKOFF_MAX = 30.0
#: A worker that ran this long before dying counts as having been healthy: back-off resets.
STABLE_AFTER = 60.0


def package_root() -> str:
    """The folder holding the `liaison` package this process imported."""
    return str(Path(liaison.__file__).resolve().parent.parent)


def worker_command(args: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """The child's command line and environment: the same interpreter, ``-P`` so that the
    current directory is not put on the module path, and this package's folder first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root(), env.get("PYTHONPATH", "")) if p)
    env["LIAISON_SUPERVISOR_PID"] = str(os.getpid())
    return [sys.executable, "-P", "-m", "liaison.core.worker_child", *args], env


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _describe_exit(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with code {returncode}"


class Supervisor:
    """Runs ``liaison <args>`` (the sync worker) and keeps it running."""

    def __init__(
        self,
        home: Path,
        args: Sequence[str] = ("sync",),
        on_give_up: Callable[[], None] | None = None,
    ) -> None:
        self.home = home
        self.args = list(args)
        self.on_give_up = on_give_up
        self.process: subprocess.Popen | None = None
        self.restarts = 0
        self.gave_up = False
        self.last_error = ""
        self.last_exit: dict[str, Any] | None = None
        self._stopping = threading.Event()
        self._deaths: collections.deque[float] = collections.deque()
        self._thread = threading.Thread(target=self._run, name="sync-supervisor", daemon=True)

    # --- life cycle --------------------------------------------------------------------

    def start(self) -> Supervisor:
        self._spawn()
        self._thread.start()
        return self

    def stop(self, timeout: float = 10) -> None:
        self._stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._thread.join(timeout=timeout)
        if not self.gave_up:
            self._write("stopped")

    def _spawn(self) -> None:
        command, env = worker_command(self.args)
        # Absolute, since the child starts in the node home (the default home is relative).
        env["LIAISON_HOME"] = str(self.home.resolve())
        (self.home / "logs").mkdir(exist_ok=True)
        self._error_log = self.home / "logs" / ERROR_LOG
        with self._error_log.open("ab") as err:
            self._error_offset = err.tell()
            # The node home as working directory: nothing is imported from where serve began.
            self.process = subprocess.Popen(command, env=env, cwd=self.home, stderr=err)
        self.started = time.monotonic()
        self._write("running")
        log.info("sync worker started (pid %s)", self.process.pid)

    def _run(self) -> None:
        consecutive = 0
        while not self._stopping.is_set():
            assert self.process is not None
            returncode = self.process.wait()
            if self._stopping.is_set():
                return
            now = time.monotonic()
            ran = now - self.started
            self._deaths.append(now)
            while self._deaths and now - self._deaths[0] > DEATH_WINDOW:
                self._deaths.popleft()
            consecutive = 1 if ran >= STABLE_AFTER else consecutive + 1
            self.last_error = self._error_text(returncode)
            self.last_exit = {"at": _now(), "returncode": returncode, "ran_seconds": round(ran, 1)}
            if len(self._deaths) >= MAX_DEATHS:
                self.gave_up = True
                self._write("failed")
                message = (
                    f"sync worker died {len(self._deaths)} times within {DEATH_WINDOW:.0f} s "
                    f"(last: {self.last_error}); stopping"
                )
                log.error(message)
                if self.on_give_up is not None:
                    self.on_give_up()
                return
            delay = min(BACKOFF_MAX, BACKOFF_START * 2 ** (consecutive - 1))
            log.warning("sync worker %s; restarting in %.0f s", self.last_error, delay)
            self._write("restarting", next_start_in=delay)
            if self._stopping.wait(delay):
                return
            self.restarts += 1
            self._spawn()

    def _error_text(self, returncode: int) -> str:
        """How the worker ended, with the last line it wrote to stderr."""
        text = _describe_exit(returncode)
        try:
            with self._error_log.open("rb") as fh:
                fh.seek(self._error_offset)
                tail = fh.read()[-4000:].decode("utf-8", "replace")
        except OSError:
            tail = ""
        lines = [line.strip() for line in tail.splitlines() if line.strip()]
        return f"{text}: {lines[-1]}" if lines else text

    # --- state for `liaison status` ----------------------------------------------------

    def _write(self, state: str, **extra: Any) -> None:
        process = self.process
        data = {
            "state": state,
            "pid": process.pid if process is not None and state == "running" else None,
            "supervisor_pid": os.getpid(),
            "restarts": self.restarts,
            "last_error": self.last_error,
            "last_exit": self.last_exit,
            "updated_at": _now(),
            **extra,
        }
        path = self.home / STATE_FILE
        tmp = path.with_name(f".{STATE_FILE}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
        os.replace(tmp, path)


def worker_status(home: Path) -> dict[str, Any]:
    """The sync worker as the last `liaison serve` left it. ``running`` is checked against
    the live processes: a serve that was killed cannot write "stopped" on its way out."""
    try:
        data = json.loads((home / STATE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {
            "state": "not started",
            "running": False,
            "pid": None,
            "restarts": 0,
            "last_error": "",
        }
    except (OSError, ValueError) as exc:
        return {
            "state": "unknown",
            "running": False,
            "pid": None,
            "restarts": 0,
            "last_error": f"unreadable state file: {exc}",
        }
    serving = _alive(data.get("supervisor_pid"))
    if not serving and data.get("state") in {"running", "restarting"}:
        data["state"] = "stopped"
    data["running"] = serving and data.get("state") == "running" and _alive(data.get("pid"))
    return data
