from __future__ import annotations

import os
import signal
from typing import Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import Failure
from liaison.core.node import is_initialised, secure_home
from liaison.core.worker import Supervisor


def _stop_serving() -> None:
    # Granian's main process stops its workers and returns from serve() on SIGTERM.
    os.kill(os.getpid(), signal.SIGTERM)


class Command(BaseCommand):
    help = (
        "Serve the web UI, REST API and federation endpoints (granian, WSGI), with the "
        "federation sync worker supervised beside it."
    )

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
        secure_home(settings.HOME)
        call_command("migrate", verbosity=0, interactive=False)
        supervisor = None
        if not options["no_sync"] and "sync" in get_commands():
            supervisor = Supervisor(settings.HOME, ["sync"], on_give_up=_stop_serving).start()
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
            if supervisor is not None:
                supervisor.stop()
        if supervisor is not None and supervisor.gave_up:
            raise Failure(f"the sync worker keeps dying ({supervisor.last_error}); see the log")
