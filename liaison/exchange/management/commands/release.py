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
from liaison.exchange.services.release import bulk_release, refuse_onward


def recipient(value: str, defaults: dict[str, str]) -> dict[str, Any]:
    """``PEER[:TLP[:HANDLING[:BASIS]]]``: a peer with its own markings; what is left out
    comes from --tlp, --handling and --basis. The basis is last, so it may hold colons."""
    name, *rest = value.split(":", 3)
    given = dict(zip(("tlp", "handling", "basis"), rest, strict=False))
    out: dict[str, Any] = {"peer": name.strip()}
    for key in ("tlp", "handling", "basis"):
        out[key] = (given.get(key) or "").strip() or defaults[key]
        if not out[key]:
            raise BadInput(f"--to {value!r}: no {key} (give it here or with --{key})")
    return out


class Command(BaseCommand):
    help = (
        "Release records of one kind to one or more peers in bulk (as a supervisor), each "
        "record with its parts (a case's persons and seizures). Each --to is "
        "PEER[:TLP[:HANDLING[:BASIS]]], e.g. --to hanoi:AMBER:H1:'MoU of 9 Aug 2021' --to moscow; "
        "what a --to leaves out comes from --tlp, --handling and --basis."
    )
    requires_system_checks: list[str] = []  # fast start; `liaison serve` runs the checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="cases, persons, seizures, wanted-notices, …")
        parser.add_argument(
            "--since", help="only records changed on or after this date (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--uuid", action="append", default=[], help="only this record (repeatable)"
        )
        parser.add_argument(
            "--to",
            action="append",
            required=True,
            metavar="PEER[:TLP[:HANDLING[:BASIS]]]",
            help="a peer, optionally with its own markings and legal basis (repeatable)",
        )
        parser.add_argument(
            "--tlp", default="", help="default TLP: CLEAR, GREEN, AMBER, AMBER+STRICT"
        )
        parser.add_argument("--handling", default="", help="default handling code: H0 … H3")
        parser.add_argument("--note", default="", help="handling conditions (needed with H3)")
        parser.add_argument(
            "--basis", default="", help="default legal basis, e.g. 'MoU of 9 Aug 2021'"
        )
        parser.add_argument(
            "--without",
            action="append",
            default=[],
            metavar="KIND",
            help="leave this kind of part out, e.g. persons (repeatable)",
        )
        parser.add_argument("--as", dest="username", required=True, help="the releasing supervisor")

    def handle(self, *args: Any, **options: Any) -> None:
        available = kinds()
        spec = available.get(options["kind"])
        if spec is None:
            raise BadInput(
                f"unknown kind {options['kind']!r} (one of: {', '.join(sorted(available))})"
            )
        defaults = {k: options[k] for k in ("tlp", "handling", "basis")}
        recipients = [recipient(v, defaults) for v in options["to"]]
        for to in recipients:
            to["tlp"] = _tlp(to["tlp"])
            to["handling"] = to["handling"].upper()
            if to["handling"] not in Handling.values:
                raise BadInput(f"handling {to['handling']!r}: use one of H0, H1, H2, H3")
        without = [k.strip() for v in options["without"] for k in v.split(",") if k.strip()]
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise BadInput(f"--as {options['username']!r}: no such active user")
        if not (user.is_superuser or user.is_supervisor):
            raise BadInput(f"--as {user.username}: only a supervisor may release")
        for to in recipients:
            try:
                to["peer"] = get_peer(to["peer"])
            except ValidationError as exc:
                raise BadInput(f"--to {to['peer']!r}: no such peer") from exc
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
            received = spec.model.objects.filter(uuid__in=wanted).exclude(pk__in=records)  # type: ignore[attr-defined]
            for obj in received[:1]:
                try:
                    refuse_onward(obj)
                except PermissionDenied as exc:
                    raise BadInput(f"--uuid {obj.uuid}: {exc}") from exc
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

        for to in recipients:
            peer = to["peer"]
            try:
                with progress(f"releasing {spec.kind} to {peer.name}", total) as bar:
                    released, skipped = bulk_release(
                        user,
                        spec,
                        chunks(),
                        peer,
                        tlp=to["tlp"],
                        handling=to["handling"],
                        basis=to["basis"],
                        handling_note=options["note"],
                        without=without,
                        on_batch=bar.advance,
                    )
            except (ValidationError, PermissionDenied) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise BadInput(" ".join(messages)) from exc
            for line in skipped[:20]:
                self.stdout.write(f"skipped {line}")
            if len(skipped) > 20:
                self.stdout.write(f"… and {len(skipped) - 20} more skipped")
            parts = f", without {', '.join(without)}" if without else ""
            self.stdout.write(
                f"Released {released} {spec.kind} to {peer.name} "
                f"(TLP:{to['tlp']}, {to['handling']}, basis: {to['basis']}{parts})."
            )


def _tlp(value: str) -> str:
    tlp = value.upper().removeprefix("TLP:")
    if tlp == Tlp.RED:
        raise BadInput("TLP RED: a TLP:RED record never leaves this node")
    if tlp not in Tlp.values:
        raise BadInput(f"TLP {value!r}: use one of CLEAR, GREEN, AMBER, AMBER+STRICT")
    return tlp
