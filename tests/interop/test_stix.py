"""The STIX 2.1 mapping of what is released to a peer: exactly the released records, TLP 2.0
markings with the OASIS ids, stable ids, versions, recalls, and strict validation."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from django.db import IntegrityError, transaction
from stix2validator import ValidationOptions, validate_instance

from liaison.core.models import Tlp
from liaison.crime import services as crime
from liaison.exchange import envelope as env
from liaison.exchange import services as exchange
from liaison.exchange.models import OutboxEntry, Release, ReleaseState
from liaison.interop import definitions as d
from liaison.interop import services
from liaison.interop.models import CollectionObject

from .conftest import BASIS, parts

pytestmark = pytest.mark.django_db

OASIS_TLP = {
    "TLP:CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "TLP:GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "TLP:AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "TLP:AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
}
OASIS_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"


def objects(peer: Any) -> list[dict[str, Any]]:
    collection = services.refresh(peer)
    return [o.body for o in collection.stix_objects.order_by("seq")]


def by_type(objs: list[dict[str, Any]], stix_type: str) -> list[dict[str, Any]]:
    return [o for o in objs if o["type"] == stix_type]


def strict_errors(obj: dict[str, Any], schemas: bool = False) -> list[str]:
    options = ValidationOptions(strict=True, schema_dir=str(d.SCHEMA_DIR) if schemas else None)
    return [str(e) for e in validate_instance(obj, options).errors]


def bundle(objs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "bundle", "id": "bundle--6b1a0b3e-2f1c-4d43-9d1e-8f0e4a0c9a11", "objects": objs}


def test_collection_holds_exactly_what_is_released(peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    shared, kept, other, red = make_case(), make_case(), make_case(), make_case(tlp=Tlp.RED)
    release(parts(shared), peers.la)
    release(parts(other), peers.ru)
    objs = objects(peers.la)
    assert [o["id"] for o in by_type(objs, "incident")] == [f"incident--{shared.case.uuid}"]
    persons = {
        o["id"] for o in by_type(objs, "identity") if o.get("identity_class") == "individual"
    }
    assert persons == {f"identity--{p.uuid}" for p in shared.persons}
    assert [o["id"] for o in by_type(objs, "drug-seizure")] == [
        f"drug-seizure--{shared.seizure.uuid}"
    ]
    assert len(by_type(objs, "relationship")) == 3
    text = json.dumps(objs, ensure_ascii=False)
    for record in (*parts(kept), *parts(other), *parts(red)):
        assert str(record.uuid) not in text
    assert OASIS_RED not in text and "TLP:RED" not in text
    # RU's collection has RU's release and nothing of LA's.
    ru_text = json.dumps(objects(peers.ru))
    assert str(other.case.uuid) in ru_text and str(shared.case.uuid) not in ru_text


def test_tlp_markings_are_the_oasis_definitions(peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    made = make_case()
    release([made.case], peers.la, tlp="GREEN")
    objs = objects(peers.la)
    markings = {o["name"]: o for o in by_type(objs, "marking-definition") if "name" in o}
    assert {name: m["id"] for name, m in markings.items()} == OASIS_TLP
    for name, marking in markings.items():
        assert marking["created"] == "2022-10-01T00:00:00.000Z"
        assert marking["extensions"] == {
            "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {
                "extension_type": "property-extension",
                "tlp_2_0": name.removeprefix("TLP:").lower(),
            }
        }
    [incident] = by_type(objs, "incident")
    assert incident["object_marking_refs"][0] == OASIS_TLP["TLP:GREEN"]
    [statement] = [o for o in objs if o["id"] == incident["object_marking_refs"][1]]
    assert statement["definition_type"] == "statement"
    assert "H1" in statement["definition"]["statement"]
    assert BASIS in statement["definition"]["statement"]
    ext = incident["extensions"][d.RELEASE.id]
    assert (ext["handling"], ext["legal_basis"], ext["version"]) == ("H1", BASIS, 1)


def test_persons_cases_and_links(peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    made = make_case()
    release(parts(made), peers.la)
    objs = {o["id"]: o for o in objects(peers.la)}
    lao = objs[f"identity--{made.persons[1].uuid}"]
    assert lao["name"] == "ສົມພອນ ແກ້ວມະນີ" and lao["identity_class"] == "individual"
    assert lao["extensions"][d.PERSON.id]["names"] == [
        {"name": "ສົມພອນ ແກ້ວມະນີ", "form": "original"},
        {"name": "Somphone Keomany", "form": "romanised"},
    ]
    incident = objs[f"incident--{made.case.uuid}"]
    core = incident["extensions"][d.INCIDENT_CORE]
    assert (core["determination"], core["investigation_status"]) == ("suspected", "open")
    assert incident["extensions"][d.DRUG_CASE.id]["province"] == "VN-22"
    links = {
        (o["source_ref"], o["extensions"][d.RELEASE.id]["link"], o["target_ref"])
        for o in objs.values()
        if o["type"] == "relationship"
    }
    seizure = f"drug-seizure--{made.seizure.uuid}"
    assert links == {
        (incident["id"], "involves", f"identity--{made.persons[0].uuid}"),
        (incident["id"], "involves", lao["id"]),
        (seizure, "belongs-to", incident["id"]),
    }
    assert objs[seizure]["quantity"] == "20000" and objs[seizure]["unit"] == "tablet"
    assert objs[seizure]["case_ref"] == incident["id"]
    # Relationship ids are derived, hence the same in every collection and on every run.
    release(parts(made), peers.ru)
    assert {o["id"] for o in objects(peers.ru) if o["type"] == "relationship"} == {
        i for i, o in objs.items() if o["type"] == "relationship"
    }


def test_cooperation_records(peers, cooperation) -> None:  # type: ignore[no-untyped-def]
    objs = {o["id"]: o for o in objects(peers.la)}
    notice = objs[f"wanted-notice--{cooperation.notice.uuid}"]
    subject = objs[notice["subject_ref"]]
    assert subject["name"] == "Vi Thị Hoa" and subject["roles"] == ["wanted"]
    assert {n["form"] for n in subject["extensions"][d.PERSON.id]["names"]} == {
        "original",
        "romanised",
        "alias",
    }
    request = objs[f"assistance-request--{cooperation.request.uuid}"]
    assert request["wanted_notice_ref"] == notice["id"]
    assert objs[request["from_ref"]]["identity_class"] == "organization"
    message = objs[f"hotline-message--{cooperation.message.uuid}"]
    assert objs[message["to_ref"]]["name"] == "ປ້ອມນ້ຳກັນ"
    assert message["priority"] == "urgent"


def test_every_object_and_the_bundle_pass_strict_validation(
    peers, make_case, release, cooperation
) -> None:  # type: ignore[no-untyped-def]
    made = make_case()
    release(parts(made), peers.la)
    crime.update_case(made.case, user=None, summary="Đã khởi tố", status="prosecuted")
    exchange.withdraw_release(None, Release.objects.get(record_uuid=made.persons[1].uuid))
    objs = objects(peers.la)
    assert any(o.get("revoked") for o in objs)
    for obj in objs:
        assert strict_errors(obj) == [], obj["id"]
        assert strict_errors(obj, schemas=True) == [], obj["id"]
    assert strict_errors(bundle(objs)) == []
    # The property extensions follow their shipped schemas too.
    extension_schemas = {
        ext.id: json.loads((d.SCHEMA_DIR / ext.schema_file).read_text())
        for ext in d.EXTENSIONS
        if ext.kind == "property-extension"
    }
    for obj in objs:
        for ext_id, value in obj.get("extensions", {}).items():
            if ext_id in extension_schemas:
                jsonschema.validate(value, extension_schemas[ext_id])


def test_new_version_changes_modified_and_keeps_the_id(peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    made = make_case()
    release([made.case], peers.la)
    [before] = by_type(objects(peers.la), "incident")
    row_before = CollectionObject.objects.get(stix_id=before["id"])
    crime.update_case(made.case, user=None, summary="Đã khởi tố", status="prosecuted")
    [after] = by_type(objects(peers.la), "incident")
    row_after = CollectionObject.objects.get(stix_id=before["id"])
    assert after["id"] == before["id"] == f"incident--{made.case.uuid}"
    assert after["modified"] > before["modified"] and after["created"] == before["created"]
    assert after["extensions"][d.RELEASE.id]["version"] == 2
    assert after["extensions"][d.INCIDENT_CORE]["investigation_status"] == "closed"
    assert row_after.date_added > row_before.date_added and row_after.seq > row_before.seq
    # Nothing new released: reading again changes nothing.
    last = row_after.seq
    objects(peers.la)
    assert CollectionObject.objects.filter(collection__peer=peers.la, seq__gt=last).count() == 0


def test_recall_shows_as_revoked_without_content(peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    made = make_case()
    release(parts(made), peers.la)
    objects(peers.la)
    person = made.persons[0]
    exchange.withdraw_release(None, Release.objects.get(record_uuid=person.uuid))
    objs = {o["id"]: o for o in objects(peers.la)}
    identity = objs[f"identity--{person.uuid}"]
    assert identity["revoked"] is True and identity["name"] == "(recalled)"
    assert person.full_name not in json.dumps(objs, ensure_ascii=False)
    [link] = [
        o
        for o in objs.values()
        if o["type"] == "relationship" and o["target_ref"] == identity["id"]
    ]
    assert link["revoked"] is True
    # The other person is untouched.
    assert not objs[f"identity--{made.persons[1].uuid}"].get("revoked")


def test_recall_before_any_read_and_release_again(peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    made = make_case()
    release([made.case], peers.la)
    exchange.withdraw_release(None, Release.objects.get(record_uuid=made.case.uuid))
    [stub] = by_type(objects(peers.la), "incident")
    assert stub["id"] == f"incident--{made.case.uuid}" and stub["revoked"] is True
    assert strict_errors(stub) == []
    # Released again: STIX never un-revokes, so the record gets a fresh, derived id.
    release([made.case], peers.la)
    incidents = by_type(objects(peers.la), "incident")
    current = [o for o in incidents if not o.get("revoked")]
    assert len(incidents) == 2 and len(current) == 1
    assert current[0]["id"] != stub["id"] and current[0]["name"] == made.case.case_ref


def test_tlp_red_never_published(peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    made = make_case()
    # The case alone: the person below must never have been released.
    release([made.case], peers.la, without=["persons"])
    objects(peers.la)
    # Marking a released record RED recalls it from every peer.
    crime.update_case(made.case, user=None, tlp=Tlp.RED)
    assert Release.objects.get(record_uuid=made.case.uuid).state == ReleaseState.WITHDRAWN
    [incident] = by_type(objects(peers.la), "incident")
    assert incident["revoked"] is True and made.case.case_ref not in json.dumps(incident)
    # A RED envelope slipped into the feed by hand is refused, never mapped.
    red = made.persons[0]
    payload = {
        "kind": "persons",
        "uuid": str(red.uuid),
        "origin": "vn-test0001",
        "origin_country": "VN",
        "version": 1,
        "op": "upsert",
        "body": {"full_name": "X"},
        "markings": {
            "tlp": "RED",
            "handling": "H0",
            "handling_note": "",
            "released_to": [peers.la.node_id],
        },
        "issued_at": env.utc_stamp(),
    }
    OutboxEntry.objects.create(
        peer=peers.la,
        kind="persons",
        record_uuid=red.uuid,
        version=1,
        op="upsert",
        jws=exchange.signer().sign_json(payload, "x"),
        created_at=made.case.created_at,
    )
    text = json.dumps(objects(peers.la), ensure_ascii=False)
    assert str(red.uuid) not in text and OASIS_RED not in text
    # And the table itself refuses a RED row.
    collection = services.collection_of(peers.la)
    with pytest.raises(IntegrityError), transaction.atomic():
        CollectionObject.objects.create(
            collection=collection,
            seq=10**9,
            stix_id="x--1",
            stix_type="x",
            date_added=made.case.created_at,
            version="v",
            tlp="RED",
            body={},
        )
