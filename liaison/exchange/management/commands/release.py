from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandParser

from liaison.core.commands import BadInput
from liaison.core.models import Handling, Tlp, User
from liaison.core.progress import progress
from liaison.exchange.registry import kinds
from liaison.exchange.services.peers import get_peer
from liaison.exchange.services.release import bulk_release


class Command(BaseCommand):
    help = "Release records of one kind to a peer in bulk (as a supervisor)."
    requires_system_checks: list[str] = []  # fast start; `liaison serve` runs the checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="cases, persons, seizures, wanted-notices, …")
        parser.add_argument(
            "--since", help="only records changed on or after this date (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--uuid", action="append", default=[], help="only this record (repeatable)"
        )
        parser.add_argument("--to", required=True, help="peer name")
        parser.add_argument("--tlp", required=True, help="CLEAR, GREEN, AMBER, AMBER+STRICT")
        parser.add_argument("--handling", required=True, help="H0, H1, H2 or H3")
        parser.add_argument("--note", default="", help="handling conditions (needed with H3)")
        parser.add_argument("--basis", required=True, help="legal basis, e.g. 'MoU of 9 Aug 2021'")
        parser.add_argument("--as", dest="username", required=True, help="the releasing supervisor")

    def handle(self, *args: Any, **options: Any) -> None:
        available = kinds()
        spec = available.get(options["kind"])
        if spec is None:
            raise BadInput(
                f"unknown kind {options['kind']!r} (one of: {', '.join(sorted(available))})"
            )
        tlp = options["tlp"].upper().removeprefix("TLP:")
        if tlp == Tlp.RED:
            raise BadInput("--tlp RED: a TLP:RED record never leaves this node")
        if tlp not in Tlp.values:
            raise BadInput(
                f"--tlp {options['tlp']!r}: use one of CLEAR, GREEN, AMBER, AMBER+STRICT"
            )
        handling = options["handling"].upper()
        if handling not in Handling.values:
            raise BadInput(f"--handling {options['handling']!r}: use one of H0, H1, H2, H3")
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise BadInput(f"--as {options['username']!r}: no such active user")
        if not (user.is_superuser or user.is_supervisor):
            raise BadInput(f"--as {user.username}: only a supervisor may release")
        try:
            peer = get_peer(options["to"])
        except ValidationError as exc:
            raise BadInput(f"--to {options['to']!r}: no such peer") from exc
        records = spec.model.objects.local()  # type: ignore[attr-defined]
        if options["since"]:
            try:
                since = dt.date.fromisoformat(options["since"])
            except ValueError as exc:
                raise BadInput(f"--since {options['since']!r}: use YYYY-MM-DD") from exc
            records = records.filter(updated_at__date__gte=since)
        if options["uuid"]:
            try:
                wanted = [uuidlib.UUID(u) for u in options["uuid"]]
            except ValueError as exc:
                raise BadInput(f"--uuid: {exc}") from exc
            records = records.filter(uuid__in=wanted)
            found = set(records.values_list("uuid", flat=True))
            missing = [str(u) for u in wanted if u not in found]
            if missing:
                raise BadInput(f"--uuid {missing[0]}: no local {spec.kind} record with this id")
        # Ids first, then whole chunks: a cursor left open across the writes would pin an old
        # SQLite snapshot and make the writes fail with "database is locked".
        pks = list(records.order_by("id").values_list("pk", flat=True))
        total = len(pks)

        def chunks() -> Any:
            for i in range(0, total, 2000):
                yield from spec.model.objects.filter(pk__in=pks[i : i + 2000]).order_by("id")  # type: ignore[attr-defined]

        try:
            with progress(f"releasing {spec.kind} to {peer.name}", total) as bar:
                released, skipped = bulk_release(
                    user,
                    spec,
                    chunks(),
                    peer,
                    tlp=tlp,
                    handling=handling,
                    basis=options["basis"],
                    handling_note=options["note"],
                    on_batch=bar.advance,
                )
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise BadInput(" ".join(messages)) from exc
        for line in skipped[:20]:
            self.stdout.write(f"skipped {line}")
        if len(skipped) > 20:
            self.stdout.write(f"… and {len(skipped) - 20} more skipped")
        self.stdout.write(
            f"Released {released} {spec.kind} to {peer.name} (TLP:{tlp}, {handling})."
        )
