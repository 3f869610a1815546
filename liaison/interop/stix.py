"""The STIX 2.1 mapping: a released Liaison record (the body of its federation envelope, with
the markings and legal basis of its release) becomes STIX objects built with ``stix2``.

=====================  =====================================================================
Liaison                 STIX 2.1
=====================  =====================================================================
case                    ``incident`` (OASIS Incident Core extension + ``liaison drug case``)
person                  ``identity`` (individual; names original and romanised)
seizure                 ``drug-seizure`` (new SDO) + relationship to its case
wanted notice           ``wanted-notice`` (new SDO) + ``identity`` of the person sought
assistance request      ``assistance-request`` (new SDO)
hotline message         ``hotline-message`` (new SDO)
node, units             ``identity`` (organization)
TLP                     OASIS TLP 2.0 marking definitions
handling, legal basis   statement marking + ``liaison release`` property extension
version                 ``modified``
=====================  =====================================================================

Links (case involves person, seizure belongs to case, notice concerns person, request
concerns notice) are ``related-to`` relationships; what the link means is in their
``description`` and in the ``link`` property of the ``liaison release`` extension. (Strict
validation accepts only the relationship types the specification suggests for a pair of
types, and it suggests none between incidents, identities and new object types; OpenCTI
imports ``related-to`` between any two objects.)

Ids are ``<type>--<record uuid>``. Ids that Liaison derives (relationships, the node, units,
statements, the person a notice seeks, a record released again after a recall) are name-based
and carry the UUIDv4 version bits, as strict validation wants for domain objects.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import stix2
from django.utils import translation
from stix2.v21 import Identity, Incident, MarkingDefinition, Relationship

from liaison.core.models import Handling
from liaison.interop import definitions as d

#: Liaison record kind → type of the STIX object it becomes.
PRIMARY_TYPE = {
    "cases": "incident",
    "persons": "identity",
    "seizures": "drug-seizure",
    "wanted-notices": "wanted-notice",
    "requests": "assistance-request",
    "messages": "hotline-message",
}

RECALLED_NAME = "(recalled)"

#: Body fields that hold the uuid of another record a mapping refers to.
REFERENCES = ("case", "wanted_notice")


class NeverReleased(ValueError):
    """Something that must never be published (a TLP:RED record) reached the mapping."""


def derived_uuid(*parts: str) -> uuid.UUID:
    """A stable name-based id: UUIDv5 of the parts, with the version bits of a UUIDv4."""
    name = uuid.uuid5(d.NAMESPACE, "\x1f".join(parts))
    return uuid.UUID(bytes=name.bytes, version=4)


def primary_id(kind: str, record_uuid: str, generation: int = 0) -> str:
    stix_type = PRIMARY_TYPE[kind]
    if generation == 0:
        return f"{stix_type}--{record_uuid}"
    return f"{stix_type}--{derived_uuid('generation', record_uuid, str(generation))}"


def node_identity_id(node_id: str) -> str:
    return f"identity--{derived_uuid('node', node_id)}"


def unit_identity_id(country: str, code: str) -> str:
    return f"identity--{derived_uuid('unit', country, code)}"


def stamp(value: dt.datetime) -> str:
    """A STIX timestamp in UTC, to the millisecond."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def parse_time(text: str) -> dt.datetime:
    """An ISO 8601 / STIX timestamp; naive values are taken as UTC."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def to_dict(obj: Any) -> dict[str, Any]:
    return json.loads(obj.serialize())


@dataclass(frozen=True)
class Source:
    """One released record as the peer's feed holds it, with its release's legal basis."""

    kind: str
    uuid: str
    version: int
    origin_country: str
    tlp: str
    handling: str
    handling_note: str
    basis: str
    body: Mapping[str, Any]
    issued_at: dt.datetime


@dataclass
class Context:
    """What a mapping needs from the collection: this node's identity id, the current STIX id
    of a related record, drug names, and the record's generation."""

    node_identity: str
    ref: Callable[[str, str], str]
    drug_name: Callable[[str], str] = lambda code: ""
    generation: int = 0


@dataclass
class Mapped:
    """The objects of one record (its primary object first), the shared ones it refers to
    (unit identities) and the texts of the statement markings it carries."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    shared: list[dict[str, Any]] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)


# --- markings --------------------------------------------------------------------------


@functools.cache
def _handling_label(code: str) -> str:
    with translation.override("en"):
        return str(Handling(code).label) if code in Handling.values else code


def statement_text(handling: str, note: str, basis: str) -> str:
    parts = [f"Liaison handling code {_handling_label(handling)}."]
    if note:
        parts.append(f"Conditions: {note}.")
    if basis:
        parts.append(f"Legal basis of the release: {basis}.")
    return " ".join(parts)


def statement_id(text: str) -> str:
    return f"marking-definition--{derived_uuid('statement', text)}"


def statement_marking(text: str, created: dt.datetime, node_identity: str) -> dict[str, Any]:
    return to_dict(
        MarkingDefinition(
            id=statement_id(text),
            created=stamp(created),
            created_by_ref=node_identity,
            definition_type="statement",
            definition={"statement": text},
        )
    )


def _release_ext(src: Source, link: str = "") -> dict[str, Any]:
    ext = {
        "extension_type": "property-extension",
        "record_kind": src.kind,
        "version": src.version,
        "origin_country": src.origin_country,
        "handling": src.handling,
        "handling_note": src.handling_note,
        "legal_basis": src.basis,
        "link": link,
    }
    return {k: v for k, v in ext.items() if v not in ("", None)}


class _Builder:
    """Common properties of every object made from one record."""

    def __init__(self, src: Source, ctx: Context) -> None:
        if src.tlp not in d.TLP_MARKINGS:
            raise NeverReleased(f"{src.kind}/{src.uuid} is TLP:{src.tlp}; it is never published")
        self.src, self.ctx = src, ctx
        body = src.body
        created = _time(body.get("created_at")) or src.issued_at
        modified = _time(body.get("updated_at")) or created
        self.created, self.modified = created, max(created, modified)
        text = statement_text(src.handling, src.handling_note, src.basis)
        self.statement = statement_id(text)
        self.mapped = Mapped(statements=[text])

    def common(self, link: str = "", extensions: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {
            "created_by_ref": self.ctx.node_identity,
            "created": stamp(self.created),
            "modified": stamp(self.modified),
            "object_marking_refs": [d.TLP_MARKINGS[self.src.tlp][0], self.statement],
            "extensions": {d.RELEASE.id: _release_ext(self.src, link), **(extensions or {})},
        }

    @property
    def id(self) -> str:
        return primary_id(self.src.kind, self.src.uuid, self.ctx.generation)

    def add(self, obj: Any) -> str:
        data = to_dict(obj)
        self.mapped.objects.append(data)
        return str(data["id"])

    def link(self, source_ref: str, target_ref: str, link: str, description: str) -> None:
        self.add(
            Relationship(
                id=f"relationship--{derived_uuid('link', source_ref, link, target_ref)}",
                relationship_type="related-to",
                source_ref=source_ref,
                target_ref=target_ref,
                description=description,
                **self.common(link),
            )
        )

    def unit(self, country: str, code: str, name: str) -> str | None:
        if not code or not name:
            return None
        identity = Identity(
            id=unit_identity_id(country, code),
            created_by_ref=self.ctx.node_identity,
            created=stamp(self.created),
            modified=stamp(self.created),
            name=name,
            identity_class="organization",
            sectors=["government"],
            description=f"Police unit {code} ({country})",
        )
        data = to_dict(identity)
        self.mapped.shared.append(data)
        return str(data["id"])


def _time(value: Any) -> dt.datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    """Drop empty values: STIX forbids empty lists and an absent value says more than ""."""
    return {k: v for k, v in values.items() if v not in (None, "", [], {})}


def _text(body: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return _clean({n: str(body[n]) for n in names if body.get(n) not in (None, "")})


def _quantity(value: Any) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value or "")
    text = format(number.normalize(), "f")
    return text


def _files(items: Any) -> list[dict[str, Any]]:
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            out.append(
                _clean(
                    {
                        "name": item.get("name"),
                        "content_type": item.get("type"),
                        "size": item.get("size"),
                        "sha256": item.get("sha256"),
                    }
                )
            )
    return [f for f in out if f]


def _names(full: str, latin: str, others: Any = ()) -> list[dict[str, str]]:
    names = [{"name": full, "form": "original"}] if full else []
    if latin and latin != full:
        names.append({"name": latin, "form": "romanised"})
    for other in others if isinstance(others, list) else []:
        if isinstance(other, str) and other.strip():
            names.append({"name": other.strip(), "form": "alias"})
    return names


def _person(
    b: _Builder,
    stix_id: str,
    body: Mapping[str, Any],
    extra: Mapping[str, Any],
    roles: list[str],
) -> str:
    full, latin = str(body.get("full_name") or ""), str(body.get("latin_name") or "")
    details = _clean(
        {
            "extension_type": "property-extension",
            "names": _names(full, latin, body.get("other_names")),
            **_text(body, "sex", "birth_date", "nationality"),
            **extra,
        }
    )
    return b.add(
        Identity(
            id=stix_id,
            name=full or latin or RECALLED_NAME,
            identity_class="individual",
            description=f"Romanised: {latin}" if latin and latin != full else None,
            roles=roles or None,
            **b.common(extensions={d.PERSON.id: details}),
        )
    )


# --- one function per kind --------------------------------------------------------------


def _case(b: _Builder, body: Mapping[str, Any]) -> None:
    status = str(body.get("status") or "open")
    core = {
        "extension_type": "property-extension",
        "determination": "suspected" if status in ("open", "investigating") else "blocked",
        "investigation_status": "open" if status in ("open", "investigating") else "closed",
        "incident_types": ["drug-trafficking"],
    }
    details = {
        "extension_type": "property-extension",
        **_text(body, "case_ref", "detected_on", "province", "district", "commune", "status"),
        **_text(body, "route", "transport_mode", "joint_case_ref"),
    }
    b.add(
        Incident(
            id=b.id,
            name=str(body.get("case_ref") or b.src.uuid),
            description=str(body.get("summary") or "") or None,
            **b.common(extensions={d.INCIDENT_CORE: core, d.DRUG_CASE.id: details}),
        )
    )


def _person_record(b: _Builder, body: Mapping[str, Any]) -> None:
    role = str(body.get("role") or "")
    extra = _text(body, "person_ref", "id_number", "phones")
    person = _person(b, b.id, body, extra, [role] if role else [])
    if body.get("case"):
        case = b.ctx.ref("cases", str(body["case"]))
        b.link(case, person, "involves", f"case involves person ({role or 'role unknown'})")


def _seizure(b: _Builder, body: Mapping[str, Any]) -> None:
    code = str(body.get("drug") or "")
    drug_name = b.ctx.drug_name(code) if code else ""
    quantity, unit = _quantity(body.get("quantity")), str(body.get("unit") or "")
    case = b.ctx.ref("cases", str(body["case"])) if body.get("case") else None
    seizure = b.add(
        d.DrugSeizure(
            id=b.id,
            name=" ".join(p for p in (quantity, unit, drug_name or code) if p),
            **_clean({"drug": code, "drug_name": drug_name, "quantity": quantity, "unit": unit}),
            **_text(body, "detected_on", "province"),
            **_clean({"case_ref": case}),
            **b.common(),
        )
    )
    if case:
        b.link(seizure, case, "belongs-to", "seizure belongs to case")


def _notice(b: _Builder, body: Mapping[str, Any]) -> None:
    subject_id = f"identity--{derived_uuid('subject', b.id)}"
    docs = [doc for doc in body.get("id_documents") or [] if isinstance(doc, dict)]
    subject = _person(
        b, subject_id, body, _clean({"id_documents": [_clean(x) for x in docs]}), ["wanted"]
    )
    name = " ".join(p for p in (str(body.get("reference") or ""), str(body.get("full_name") or "")))
    notice = b.add(
        d.WantedNoticeObject(
            id=b.id,
            name=name.strip() or b.src.uuid,
            **_text(body, "reference", "notice_type", "offences", "description"),
            **_text(body, "warrant_reference", "warrant_date", "issuing_unit_name"),
            **_text(body, "believed_country", "believed_location", "withdrawal_reason"),
            **_clean(
                {
                    "issued": _stamp_or_none(body.get("issued_at")),
                    "withdrawn": _stamp_or_none(body.get("withdrawn_at")),
                    "photos": _files(body.get("photos")),
                    "subject_ref": subject,
                }
            ),
            **b.common(),
        )
    )
    b.link(notice, subject, "concerns", "wanted notice concerns person")


def _request(b: _Builder, body: Mapping[str, Any]) -> None:
    src = b.src
    notice = None
    if body.get("wanted_notice"):
        notice = b.ctx.ref("wanted-notices", str(body["wanted_notice"]))
    persons = [_clean({k: str(v) for k, v in p.items()}) for p in body.get("persons") or []]
    offences = [
        _clean({k: str(v) for k, v in o.items() if k in ("offence", "acts")})
        for o in body.get("offences") or []
        if isinstance(o, dict)
    ]
    kind = str(body.get("request_type") or "")
    request = b.add(
        d.AssistanceRequestObject(
            id=b.id,
            name=" ".join(p for p in (str(body.get("reference") or ""), kind) if p) or src.uuid,
            **_text(body, *d.REQUEST_TEXT),
            **_clean(
                {
                    "confidential": bool(body.get("confidential")),
                    "persons": [p for p in persons if p],
                    "offences": [o for o in offences if o],
                    "attachments": _files(body.get("attachments")),
                    "sent": _stamp_or_none(body.get("sent_at")),
                    "closed": _stamp_or_none(body.get("closed_at")),
                    **_sender_and_recipient(b, body),
                    "wanted_notice_ref": notice,
                }
            ),
            **b.common(),
        )
    )
    if notice:
        b.link(request, notice, "concerns", "assistance request concerns wanted notice")


def _sender_and_recipient(b: _Builder, body: Mapping[str, Any]) -> dict[str, Any]:
    """The sending and receiving units of a message or request, as identity references."""
    return {
        "from_ref": b.unit(
            b.src.origin_country,
            str(body.get("from_unit_code") or ""),
            str(body.get("from_unit_name") or ""),
        ),
        "to_ref": b.unit(
            str(body.get("to_country") or ""),
            str(body.get("to_unit_code") or ""),
            str(body.get("to_unit_name") or ""),
        ),
    }


def _message(b: _Builder, body: Mapping[str, Any]) -> None:
    src = b.src
    b.add(
        d.HotlineMessageObject(
            id=b.id,
            name=str(body.get("subject") or "") or src.uuid,
            **_text(body, "subject", "body", "priority", "template", "sent_by"),
            **_text(body, "from_unit_name", "to_unit_name"),
            **_clean(
                {
                    "sent": _stamp_or_none(body.get("sent_at")),
                    "attachments": _files(body.get("attachments")),
                    **_sender_and_recipient(b, body),
                }
            ),
            **b.common(),
        )
    )


def _stamp_or_none(value: Any) -> str | None:
    when = _time(value)
    return stamp(when) if when else None


MAPPERS: dict[str, Callable[[_Builder, Mapping[str, Any]], None]] = {
    "cases": _case,
    "persons": _person_record,
    "seizures": _seizure,
    "wanted-notices": _notice,
    "requests": _request,
    "messages": _message,
}


def map_record(src: Source, ctx: Context) -> Mapped:
    """The STIX objects of one released record. Raises :class:`NeverReleased` for TLP:RED."""
    builder = _Builder(src, ctx)
    MAPPERS[src.kind](builder, src.body)
    return builder.mapped


# --- the node, revocation -----------------------------------------------------------------


def node_identity(node_id: str, name: str, country: str, url: str, when: dt.datetime) -> dict:
    return to_dict(
        Identity(
            id=node_identity_id(node_id),
            created=stamp(when),
            modified=stamp(when),
            name=name or node_id,
            identity_class="organization",
            sectors=["government-national"],
            description=f"Liaison node {node_id} ({country})",
            contact_information=url or None,
        )
    )


def revoked(obj: Mapping[str, Any], when: dt.datetime, *, tlp: str | None = None) -> dict:
    """The revoked version of ``obj``: what STIX requires and nothing of the content (a recall
    means the partner deletes its copy), with ``modified`` after the version it replaces."""
    out: dict[str, Any] = {
        k: obj[k] for k in ("type", "spec_version", "id", "created_by_ref", "created") if k in obj
    }
    out["modified"] = stamp(
        max(when, parse_time(str(obj["modified"])) + dt.timedelta(milliseconds=1))
    )
    out["revoked"] = True
    if obj["type"] == "relationship":
        for key in ("relationship_type", "source_ref", "target_ref"):
            out[key] = obj[key]
    else:
        out["name"] = RECALLED_NAME
    tlp_id = d.TLP_MARKINGS[tlp][0] if tlp in d.TLP_MARKINGS else None
    kept = [m for m in obj.get("object_marking_refs", []) if m in _TLP_IDS]
    out["object_marking_refs"] = [tlp_id] if tlp_id else kept
    if not out["object_marking_refs"]:
        del out["object_marking_refs"]
    new_sdo = {
        k: v for k, v in obj.get("extensions", {}).items() if v.get("extension_type") == "new-sdo"
    }
    if new_sdo:
        out["extensions"] = new_sdo
    return _checked(out)


def recalled_stub(
    kind: str, record_uuid: str, generation: int, tlp: str, when: dt.datetime, node: str
) -> dict[str, Any]:
    """A record recalled before it was ever published here: revoked at once."""
    stix_type = PRIMARY_TYPE[kind]
    obj: dict[str, Any] = {
        "type": stix_type,
        "spec_version": "2.1",
        "id": primary_id(kind, record_uuid, generation),
        "created_by_ref": node,
        "created": stamp(when),
        "modified": stamp(when),
    }
    declared_by = d.NEW_TYPE_EXTENSIONS.get(stix_type)
    if declared_by is not None:
        obj["extensions"] = {declared_by.id: {"extension_type": "new-sdo"}}
    return revoked(obj, when, tlp=tlp)


_TLP_IDS = frozenset(m[0] for m in d.TLP_MARKINGS.values())


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    """Let the stix2 library check an object built as a dict; return it as JSON data."""
    return to_dict(stix2.parse(data, allow_custom=False))
