from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import Failure
from liaison.core.node import is_initialised

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the worker gets SIGTERM when `liaison serve` goes away, however it ends."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Serve the web UI, REST API and federation endpoints (granian, WSGI)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-sync", action="store_true", help="do not start the federation sync worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not is_initialised():
            raise Failure("no node here; run `liaison init` first (or pass --home)")
        call_command("migrate", verbosity=0, interactive=False)
        worker = None
        if not options["no_sync"] and "sync" in get_commands():
            worker = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "liaison.cli", "sync"],
                env=os.environ.copy(),
                preexec_fn=_die_with_parent,  # noqa: PLW1509
            )
        from granian import Granian
        from granian.constants import Interfaces

        self.stdout.write(f"Liaison serving on http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        try:
            Granian(
                "liaison.wsgi:application",
                address=options["host"],
                port=options["port"],
                interface=Interfaces.WSGI,
                workers=options["workers"],
                blocking_threads=8,
                log_access=False,
            ).serve()
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
