"""Whole records: a record goes out with the parts it is made of (a case with its persons
and seizures), as one unit, at the same or stricter markings.

A part is a record of another exchanged kind that cannot exist without its whole: its
foreign key to the whole is required and deletes with it (``on_delete=CASCADE``). Which
kinds those are is read from the models, so a new kind joins without code here."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from liaison.core.models import Handling, Record, Tlp
from liaison.exchange.registry import Kind, kinds

#: TLP from the widest audience to the narrowest; RED never leaves the node.
TLP_ORDER = (Tlp.CLEAR, Tlp.GREEN, Tlp.AMBER, Tlp.AMBER_STRICT, Tlp.RED)
#: Handling codes from the least to the most restrictive (H3's conditions are its note).
HANDLING_ORDER = (Handling.H0, Handling.H1, Handling.H2, Handling.H3)


@dataclass(frozen=True)
class Markings:
    tlp: str
    handling: str
    note: str = ""


def part_kinds(spec: Kind) -> list[tuple[Kind, str]]:
    """(kind, field name) of every exchanged kind whose records are parts of ``spec``'s."""
    out = []
    for other in kinds().values():
        for f in other.model._meta.concrete_fields:
            if (
                isinstance(f, models.ForeignKey)
                and not f.null
                and f.related_model is spec.model
                and f.remote_field.on_delete is models.CASCADE
            ):
                out.append((other, f.name))
    return sorted(out, key=lambda pair: pair[0].kind)


def check_without(spec: Kind, without: Collection[str]) -> None:
    """Every kind named in ``without`` must be a part of ``spec``."""
    known = {k.kind for k, _f in part_kinds(spec)}
    unknown = sorted(set(without) - known)
    if unknown:
        raise ValidationError(
            _("%(k)s records have no parts of kind %(p)s (their parts: %(known)s).")
            % {"k": spec.kind, "p": ", ".join(unknown), "known": ", ".join(sorted(known)) or "-"}
        )


def parts_of(
    spec: Kind, wholes: list[Record], without: Collection[str] = ()
) -> list[tuple[Kind, list[Record]]]:
    """The local parts of ``wholes`` that go along (TLP:RED parts never leave the node)."""
    out = []
    for part_spec, field in part_kinds(spec):
        if part_spec.kind in without or not wholes:
            continue
        parts = list(
            part_spec.model.objects.local()  # type: ignore[attr-defined]
            .exclude(tlp=Tlp.RED)
            .filter(**{f"{field}__in": wholes})
            .select_related(field)
            .order_by("id")
        )
        if parts:
            out.append((part_spec, parts))
    return out


def whole_uuid(part: Record, spec: Kind, part_spec: Kind) -> object:
    """The uuid of the whole ``part`` belongs to."""
    for other, field in part_kinds(spec):
        if other.kind == part_spec.kind:
            return getattr(part, field).uuid
    raise ValueError(part_spec.kind)


def stricter(release: Markings, record: Record) -> Markings:
    """The markings a part goes out under: the release's, or the part's own where stricter."""
    tlp = max(release.tlp, record.tlp, key=TLP_ORDER.index)
    if HANDLING_ORDER.index(record.handling) > HANDLING_ORDER.index(release.handling):
        return Markings(tlp, record.handling, record.handling_note)
    return Markings(tlp, release.handling, release.note)
