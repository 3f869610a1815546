"""The search keys are kept by every write, in the writer's transaction: created, edited,
deleted, imported, received and recalled records are found (or not) at once, and a rebuild
gives the same keys as the incremental upkeep."""

from __future__ import annotations

import uuid as uuidlib

import pytest
from django.db import transaction

from liaison.crime import services as crime
from liaison.crime.importer import run_import
from liaison.crime.models import Person
from liaison.exchange import services as exchange
from liaison.exchange.envelope import Markings
from liaison.exchange.registry import get_kind
from liaison.screening import index, keys
from liaison.screening.models import SearchEntry, SearchKey, SearchName
from tests.exchange.conftest import FakePeer

pytestmark = pytest.mark.django_db


def found(side: str, name: str, threshold: float = 0.7, **query: str) -> set[str]:
    hits = index.get_index(side).query(name, threshold=threshold, **query)
    return {m.person_id for m in hits}


def entries_snapshot() -> list[tuple[object, ...]]:
    rows = SearchEntry.objects.values_list(
        "kind", "record_id", "local", "variant", "name__text", "birth_date", "id_number"
    )
    return sorted(rows)


def test_create_edit_delete_keep_the_keys(local_person) -> None:  # type: ignore[no-untyped-def]
    person = local_person("Nguyễn Văn Hùng", latin_name="Nguyen Van Hung", id_number="B778899")
    assert f"p{person.pk}.0" in found("local", "Nguyen Van Hung")
    assert {e[3] for e in entries_snapshot()} == {"0", "1"}
    crime.update_person(person, user=None, full_name="Иванов Сергей", latin_name="")
    assert found("local", "Nguyen Van Hung") == set()
    assert f"p{person.pk}.0" in found("local", "Ivanov Sergei")
    assert [e[4] for e in entries_snapshot()] == ["Иванов Сергей"]
    # The identity document alone finds it (normalised as the matcher normalises).
    assert f"p{person.pk}.0" in found("local", "", 0.0, id_number="b 778 899")
    person.delete()
    assert SearchEntry.objects.count() == 0
    assert found("local", "Ivanov Sergei") == set()


def test_a_failed_write_leaves_no_keys(local_person, cases) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), transaction.atomic():
        local_person("Thongsavanh Phommavong")
        raise RuntimeError("rolled back")
    assert SearchEntry.objects.count() == 0


def test_import_writes_keys_in_its_transaction(units, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cases = "case_ref,detected_on,province,district,commune,summary,joint_case_ref\n"
    cases += "NA-1,2024-03-05,VN-22,,,x,\nNA-2,2024-03-06,VN-22,,,y,\n"
    persons = "case_ref,person_ref,full_name,latin_name,sex,birth_date,nationality,id_number,role\n"
    persons += "NA-1,P1,Lầu Bá Chư,Lau Ba Chu,M,1988,VN,040088001234,defendant\n"
    persons += "NA-2,P1,ສົມສັກ ແກ້ວມະນີ,Somsak Keomany,M,1990-05,LA,,defendant\n"
    run_import([("cases", "c.csv", cases.encode()), ("persons", "p.csv", persons.encode())])
    somsak = Person.objects.get(latin_name="Somsak Keomany")
    assert f"p{somsak.pk}.0" in found("local", "Somsak Keomany")
    assert len(entries_snapshot()) == 4
    # Importing the same files again adds nothing, keys included.
    run_import([("cases", "c.csv", cases.encode()), ("persons", "p.csv", persons.encode())])
    assert len(entries_snapshot()) == 4


def test_received_updated_and_recalled_persons(units, local_person) -> None:  # type: ignore[no-untyped-def]
    fake = FakePeer()
    peer = exchange.add_peer("LA", "http://127.0.0.1:9", fake.identity())
    mine = local_person("Somphone Keomany")
    body = get_kind("persons").bodies([mine])[0]
    case = fake.envelope()
    person_uuid = str(uuidlib.uuid4())
    marks = Markings("AMBER", "H1", "", ("vn-test0001",))

    def send(*envelopes):  # type: ignore[no-untyped-def]
        peer.refresh_from_db()
        items = [(peer.pull_cursor + i + 1, fake.sign(e)) for i, e in enumerate(envelopes)]
        return exchange.apply_envelopes(peer, items, cursor=items[-1][0])

    def person(version: int, name: str, op: str = "upsert"):  # type: ignore[no-untyped-def]
        return fake.envelope(
            kind="persons",
            uuid=person_uuid,
            version=version,
            markings=marks,
            body={**body, "case": case.uuid, "full_name": name, "person_ref": "LA-1"}
            if op == "upsert"
            else {},
            op=op,
        )

    assert send(case, person(1, "ສົມພອນ ແກ້ວມະນີ")).applied == 2
    received = Person.objects.get(uuid=person_uuid)
    assert f"p{received.pk}.0" in found("partner", "Somphone Keomany")
    assert f"p{received.pk}.0" not in found("local", "Somphone Keomany")
    assert send(person(2, "Иванов Сергей")).applied == 1
    assert found("partner", "Somphone Keomany") == set()
    assert f"p{received.pk}.0" in found("partner", "Ivanov Sergei")
    assert send(person(3, "", op="recall")).applied == 1
    assert not Person.objects.filter(uuid=person_uuid).exists()
    assert found("partner", "Ivanov Sergei") == set()
    assert not SearchEntry.objects.filter(local=False).exists()


def test_notices_are_keyed_with_every_name_and_document(partner_notice) -> None:  # type: ignore[no-untyped-def]
    notice = partner_notice(
        "ຫງວຽນ ວັນ ຮຸ່ງ",
        latin_name="Nguyen Van Hung",
        other_names=["Hung Lao"],
        id_documents=[{"number": "C1234567"}, {"number": "N9988776"}],
    )
    variants = sorted(e[3] for e in entries_snapshot())
    assert variants == ["0", "1", "2", "d1"]
    assert f"n{notice.pk}.d1" in found("partner", "", 0.0, id_number="N9988776")
    notice.delete()
    assert SearchEntry.objects.count() == 0


def test_rebuild_gives_the_same_keys(local_person, partner_person, partner_notice) -> None:  # type: ignore[no-untyped-def]
    local_person("Nguyễn Văn Hùng", birth_date="1980-03-04")
    local_person("Nguyễn Văn Hùng", birth_date="1981")  # one name, keyed once
    partner_person("ສຸກສະຫວັນ ພົມມະຈັນ", latin_name="Souksavanh Phommachanh")
    partner_notice("Иванов Сергей", other_names=["Ivanov Sergei"])
    before = entries_snapshot()
    key_rows = sorted(SearchKey.objects.values_list("key", "name__text"))
    assert SearchName.objects.filter(text="Nguyễn Văn Hùng").count() == 1
    counts = keys.rebuild()
    assert counts == {"persons": 3, "wanted-notices": 1}
    assert entries_snapshot() == before
    assert sorted(SearchKey.objects.values_list("key", "name__text")) == key_rows
    assert keys.current()
