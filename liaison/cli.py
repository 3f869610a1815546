"""The ``liaison`` command. It wraps the Django management commands of the Liaison apps
(``liaison init`` runs ``liaison/core/management/commands/init.py``), after pointing
Django at the node home given by ``--home`` or ``LIAISON_HOME`` (default ``./.liaison``).

Exit codes: 0 success, 2 bad input (one line naming what is wrong), 1 other failure
(one line; the details go to the node's log).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

USAGE = """usage: liaison [--home DIR] COMMAND [ARGS]

node:        init, serve, status, token, audit, demo
records:     seed, import, report, screen
federation:  peer, sync, release, bundle
Run `liaison COMMAND --help` for a command's options.
"""


def _split_home(argv: list[str]) -> tuple[str | None, list[str]]:
    """Take ``--home DIR`` / ``--home=DIR`` from anywhere before the command's own args."""
    home, rest, i = None, [], 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--home" and i + 1 < len(argv):
            home, i = argv[i + 1], i + 2
            continue
        if arg.startswith("--home="):
            home, i = arg.split("=", 1)[1], i + 1
            continue
        rest.append(arg)
        i += 1
    return home, rest


def main(argv: list[str] | None = None) -> int:
    # Everything a node writes (database, WAL, keys, logs, uploads) is for its account only.
    os.umask(0o077)
    home, args = _split_home(list(sys.argv[1:] if argv is None else argv))
    if home:
        os.environ["LIAISON_HOME"] = str(Path(home).resolve())
    if not args or args[0] in {"-h", "--help", "help"}:
        sys.stdout.write(USAGE)
        return 0
    name, rest = args[0], args[1:]
    if name == "screen":
        # Batch matching is framework-free: no node or database needed.
        from liaison.matching.screen import main as screen_main

        return screen_main(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django

    django.setup()
    from django.core.management import get_commands, load_command_class
    from django.core.management.base import CommandError

    from liaison.core.commands import Failure

    app = get_commands().get(name)
    if app is None:
        sys.stderr.write(f"liaison: unknown command {name!r}\n{USAGE}")
        return 2
    command = load_command_class(app, name)
    parser = command.create_parser("liaison", name)
    options = vars(parser.parse_args(rest))  # exits 2 with argparse's message on bad usage
    positional = options.pop("args", ())
    try:
        command.execute(*positional, **options)
    except CommandError as exc:
        sys.stderr.write(f"liaison {name}: {exc}\n")
        # A plain CommandError is bad input (2); Failure says it was something else (1).
        return 1 if isinstance(exc, Failure) else (exc.returncode if exc.returncode != 1 else 2)
    except KeyboardInterrupt:
        sys.stderr.write(f"liaison {name}: interrupted\n")
        return 130
    except Exception as exc:
        logging.getLogger("liaison.cli").exception("liaison %s failed", name)
        sys.stderr.write(f"liaison {name}: {type(exc).__name__}: {exc} (details in the log)\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
