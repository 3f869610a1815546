"""``liaison import cases|persons|seizures FILE [KIND FILE …] [--as USER]``;
``liaison import --clean-previews`` removes web import previews never confirmed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import BadInput, Failure
from liaison.core.models import User
from liaison.core.uploads import check_size, limit
from liaison.crime.importer import KINDS, ImportFailed, run_import
from liaison.crime.importer.previews import clean_previews


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # fast start; `liaison serve` runs the checks
    help = (
        "Import cases, persons or seizures from CSV (UTF-8) or XLSX in the interchange format. "
        "Several KIND FILE pairs may be given; they are imported together in one transaction. "
        "All or nothing; importing the same rows again adds nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", nargs="?", choices=KINDS, help="cases, persons or seizures")
        parser.add_argument("file", nargs="?", help="CSV or XLSX file")
        parser.add_argument("more", nargs="*", metavar="KIND FILE", help="further kind/file pairs")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USER",
            help="import as this user (records belong to their unit); default: the ministry unit",
        )
        parser.add_argument(
            "--check", action="store_true", help="check the files only, write nothing"
        )
        parser.add_argument(
            "--clean-previews",
            action="store_true",
            help="remove import previews older than IMPORT_PREVIEW_MAX_AGE seconds, then exit",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clean_previews"]:
            removed = clean_previews()
            self.stdout.write(f"{removed} abandoned import previews removed")
            return
        if not options["kind"] or not options["file"]:
            raise BadInput("give KIND FILE (or --clean-previews)")
        more = options["more"]
        if len(more) % 2:
            raise BadInput("give the further files as KIND FILE pairs")
        pairs = [(options["kind"], options["file"]), *zip(more[::2], more[1::2], strict=True)]
        files = []
        for kind, name in pairs:
            if kind not in KINDS:
                raise BadInput(f"unknown kind {kind!r} (one of {', '.join(KINDS)})")
            path = Path(name)
            try:
                check_size(name, path.stat().st_size, limit("IMPORT_MAX_FILE_BYTES", 20))
                files.append((kind, path.name, path.read_bytes()))
            except OSError as exc:
                raise BadInput(f"{name}: cannot read ({exc.strerror})") from exc
            except ValidationError as exc:
                raise BadInput(" ".join(exc.messages)) from exc
        user = None
        if options.get("as_user"):
            user = User.objects.filter(username=options["as_user"]).first()
            if user is None:
                raise BadInput(f"--as: no user {options['as_user']!r}")
        try:
            report = run_import(files, user=user, save=not options["check"], source="cli")
        except ImportFailed as exc:
            raise BadInput(exc.message()) from exc
        except Exception as exc:
            if isinstance(exc, BadInput):
                raise
            raise Failure(f"import failed: {exc}") from exc
        sys.stdout.write(report.summary() + "\n")
