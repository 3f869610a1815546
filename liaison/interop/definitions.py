"""Fixed STIX objects every collection carries: the OASIS TLP 2.0 marking definitions, the
identity of the Liaison software, and the extension definitions of Liaison's own object types
and properties (their JSON schemas are in ``schemas/``, served under ``/taxii2/schemas/``).

Ids here never change: partners recognise the types and markings by them. A changed schema
gets a new ``version`` and ``modified``, never a new id.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stix2.properties import (
    BooleanProperty,
    DictionaryProperty,
    ListProperty,
    ReferenceProperty,
    StringProperty,
    TimestampProperty,
)
from stix2.v21 import CustomObject, ExtensionDefinition, Identity, MarkingDefinition

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"

#: Namespace of the name-based ids Liaison derives (relationships, units, statements).
NAMESPACE = uuid.UUID("99a7e720-0795-473c-95e8-b5373da71e77")

# --- TLP 2.0 (OASIS, cti-stix-common-objects/extension-definition-specifications/tlp-2.0) ----

TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_CREATED = "2022-10-01T00:00:00.000Z"
#: Liaison TLP → (OASIS marking-definition id, name, tlp_2_0 value). RED is deliberately
#: absent: a TLP:RED record never leaves its node, so no collection may ever need it.
TLP_MARKINGS: dict[str, tuple[str, str, str]] = {
    "CLEAR": ("marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR", "clear"),
    "GREEN": ("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN", "green"),
    "AMBER": ("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER", "amber"),
    "AMBER+STRICT": (
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "TLP:AMBER+STRICT",
        "amber+strict",
    ),
}
#: The OASIS TLP:RED id, only so that tests and checks can prove it never appears.
TLP_RED_ID = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"

#: OASIS Incident Core extension (cti-stix-common-objects, incident-core).
INCIDENT_CORE = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"


def tlp_marking(tlp: str) -> MarkingDefinition:
    marking_id, name, value = TLP_MARKINGS[tlp]
    return MarkingDefinition(
        id=marking_id,
        created=TLP2_CREATED,
        name=name,
        extensions={TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": value}},
    )


# --- the Liaison software and its extensions --------------------------------------------

LIAISON_IDENTITY = "identity--2b6d6387-fc0d-4ffb-aee8-ab8dd70e7d08"
DEFINED = "2026-06-01T00:00:00.000Z"


def liaison_identity() -> Identity:
    return Identity(
        id=LIAISON_IDENTITY,
        created=DEFINED,
        modified=DEFINED,
        name="Liaison",
        identity_class="system",
        description=(
            "Liaison, the federated information system for cross-border police cooperation "
            "against drug crime; author of the Liaison STIX extension definitions."
        ),
    )


@dataclass(frozen=True)
class Extension:
    id: str
    name: str
    schema_file: str
    kind: str  # new-sdo | property-extension
    description: str
    version: str = "1.0.0"

    def stix(self) -> ExtensionDefinition:
        return ExtensionDefinition(
            id=self.id,
            created_by_ref=LIAISON_IDENTITY,
            created=DEFINED,
            modified=DEFINED,
            name=self.name,
            description=self.description,
            schema=(
                f"JSON Schema liaison/interop/schemas/{self.schema_file} in the Liaison "
                f"source; every Liaison node serves it at /taxii2/schemas/{self.schema_file}"
            ),
            version=self.version,
            extension_types=[self.kind],
        )


RELEASE = Extension(
    "extension-definition--1a80569a-4d4e-461a-99a0-b85372d89e9c",
    "Liaison release",
    "liaison-release.json",
    "property-extension",
    "The conditions a Liaison record was released under: handling code (H0-H3) with its "
    "conditions, the legal basis of the release, the record kind and its Liaison version.",
)
PERSON = Extension(
    "extension-definition--a9602b11-7d35-45c8-b170-989ab14e01a0",
    "Liaison person",
    "liaison-person.json",
    "property-extension",
    "Details of a person identity: the name in its original script and romanised, sex, "
    "birth date (possibly partial), nationality, identity documents and phone numbers.",
)
DRUG_CASE = Extension(
    "extension-definition--bf0d64d2-d474-4161-94d5-3c0f63520e18",
    "Liaison drug case",
    "liaison-drug-case.json",
    "property-extension",
    "Details of a national drug case shown as an incident: reference, date detected, "
    "province (ISO 3166-2 or statistics code), status, route and mode of transport.",
)
SEIZURE = Extension(
    "extension-definition--3a153c92-a41f-4b8c-b8f7-cc6968b6ba2d",
    "Drug seizure",
    "drug-seizure.json",
    "new-sdo",
    "A drug seizure of a case: drug code, quantity exactly as reported and its unit.",
)
WANTED = Extension(
    "extension-definition--afb569d6-dad0-4e51-bc4a-e369c871bbb5",
    "Wanted notice",
    "wanted-notice.json",
    "new-sdo",
    "A wanted notice for a person who fled across the border (red-like: locate and arrest "
    "for handover; blue-like: locate and inform), with the warrant it rests on.",
)
REQUEST = Extension(
    "extension-definition--a73a648c-e2e7-42d4-9035-47be21ef68d7",
    "Assistance request",
    "assistance-request.json",
    "new-sdo",
    "A request for verification, information, arrest or handover, with the contents "
    "required by article 7(10) of the 1988 UN Convention.",
)
MESSAGE = Extension(
    "extension-definition--6db45bc6-7408-48d5-ab94-e986720a908f",
    "Hotline message",
    "hotline-message.json",
    "new-sdo",
    "A message on the cross-border hotline between two police units.",
)

EXTENSIONS = (RELEASE, PERSON, DRUG_CASE, SEIZURE, WANTED, REQUEST, MESSAGE)


# --- the new object types (registered with the stix2 library) ------------------------------


def _ref(*types: str) -> ReferenceProperty:
    return ReferenceProperty(valid_types=list(types), spec_version="2.1")


_ITEMS = ListProperty(DictionaryProperty(spec_version="2.1"))


def _new_type(stix_type: str, extension: Extension, properties: list[tuple[str, Any]]) -> Any:
    """Register a new object type with the stix2 library, declared by ``extension``."""
    cls = type(stix_type.title().replace("-", ""), (), {})
    return CustomObject(stix_type, properties, extension_name=extension.id)(cls)


DrugSeizure: Any = _new_type(
    "drug-seizure",
    SEIZURE,
    [
        ("name", StringProperty(required=True)),
        ("drug", StringProperty()),
        ("drug_name", StringProperty()),
        ("quantity", StringProperty()),
        ("unit", StringProperty()),
        ("detected_on", StringProperty()),
        ("province", StringProperty()),
        ("case_ref", _ref("incident")),
    ],
)


WantedNoticeObject: Any = _new_type(
    "wanted-notice",
    WANTED,
    [
        ("name", StringProperty(required=True)),
        ("reference", StringProperty()),
        ("notice_type", StringProperty()),
        ("offences", StringProperty()),
        ("description", StringProperty()),
        ("warrant_reference", StringProperty()),
        ("warrant_date", StringProperty()),
        ("issuing_unit_name", StringProperty()),
        ("believed_country", StringProperty()),
        ("believed_location", StringProperty()),
        ("issued", TimestampProperty()),
        ("withdrawn", TimestampProperty()),
        ("withdrawal_reason", StringProperty()),
        ("photos", _ITEMS),
        ("subject_ref", _ref("identity")),
    ],
)


REQUEST_TEXT = (
    "reference",
    "request_type",
    "from_unit_name",
    "to_unit_name",
    "requesting_authority",
    "investigation_subject",
    "investigating_authority",
    "facts_summary",
    "assistance_sought",
    "special_procedure",
    "purpose",
    "deadline",
    "person_description",
    "law_text",
    "penalty",
    "limitation",
    "warrant_reference",
    "evidence_summary",
    "judgment_reference",
    "sent_by",
)


AssistanceRequestObject: Any = _new_type(
    "assistance-request",
    REQUEST,
    [
        ("name", StringProperty(required=True)),
        *[(name, StringProperty()) for name in REQUEST_TEXT],
        ("confidential", BooleanProperty()),
        ("persons", _ITEMS),
        ("offences", _ITEMS),
        ("attachments", _ITEMS),
        ("sent", TimestampProperty()),
        ("closed", TimestampProperty()),
        ("from_ref", _ref("identity")),
        ("to_ref", _ref("identity")),
        ("wanted_notice_ref", _ref("wanted-notice")),
    ],
)


HotlineMessageObject: Any = _new_type(
    "hotline-message",
    MESSAGE,
    [
        ("name", StringProperty(required=True)),
        ("subject", StringProperty()),
        ("body", StringProperty()),
        ("priority", StringProperty()),
        ("template", StringProperty()),
        ("from_unit_name", StringProperty()),
        ("to_unit_name", StringProperty()),
        ("sent_by", StringProperty()),
        ("sent", TimestampProperty()),
        ("attachments", _ITEMS),
        ("from_ref", _ref("identity")),
        ("to_ref", _ref("identity")),
    ],
)


#: Each new object type and the extension definition that declares it.
NEW_TYPE_EXTENSIONS: dict[str, Extension] = {
    "drug-seizure": SEIZURE,
    "wanted-notice": WANTED,
    "assistance-request": REQUEST,
    "hotline-message": MESSAGE,
}


def fixed_objects() -> list[Any]:
    """What every collection holds whatever was released: the releasable TLP 2.0 markings,
    the Liaison identity and the extension definitions."""
    return [
        *(tlp_marking(t) for t in TLP_MARKINGS),
        liaison_identity(),
        *(ext.stix() for ext in EXTENSIONS),
    ]
