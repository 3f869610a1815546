from __future__ import annotations

import pytest

from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.models import AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


def test_every_service_write_appends_a_chained_entry(units, make_user) -> None:  # type: ignore[no-untyped-def]
    before = AuditEntry.objects.count()
    make_user(units.nghe_an, username="officer1")
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.action for e in entries] == ["user.create"]
    assert entries[0].prev_hash == AuditEntry.objects.get(seq=entries[0].seq - 1).hash
    assert audit.verify() == (AuditEntry.objects.count(), None)


def test_entry_records_who_unit_and_source(units, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.ha_tinh)
    entry = audit.record(
        "case.read", actor=Actor.of(user, "10.1.2.3"), object_kind="x", object_id="1"
    )
    assert (entry.username, entry.unit, entry.source) == (
        user.username,
        units.ha_tinh.name,
        "10.1.2.3",
    )


def test_edit_is_detected(units) -> None:  # type: ignore[no-untyped-def]
    AuditEntry.objects.filter(seq=2).update(action="nothing.happened")
    count, problem = audit.verify()
    assert problem is not None and problem.seq == 2 and "changed" in problem.reason
    assert count == 1


def test_removal_in_the_middle_is_detected(units) -> None:  # type: ignore[no-untyped-def]
    AuditEntry.objects.filter(seq=3).delete()
    _, problem = audit.verify()
    assert problem is not None and problem.seq == 3 and "missing" in problem.reason


def test_removal_of_the_newest_entries_is_detected(units) -> None:  # type: ignore[no-untyped-def]
    last = AuditHead.objects.get().seq
    AuditEntry.objects.filter(seq=last).delete()
    _, problem = audit.verify()
    assert problem is not None and problem.seq == last


def test_rehashed_forgery_is_detected_by_the_next_entry(units) -> None:  # type: ignore[no-untyped-def]
    entry = AuditEntry.objects.get(seq=2)
    entry.username = "mallory"
    entry.hash = entry.compute_hash()
    entry.save()
    _, problem = audit.verify()
    assert problem is not None and problem.seq == 3


def test_record_many_appends_a_valid_chain_in_one_go(units) -> None:  # type: ignore[no-untyped-def]
    before = AuditHead.objects.get().seq
    entries = audit.record_many(
        "unit.read", [units.nghe_an, units.ha_tinh, units.ky_son], via="test"
    )
    assert [e.seq for e in entries] == [before + 1, before + 2, before + 3]
    assert {e.object_id for e in entries} == {
        str(units.nghe_an.pk),
        str(units.ha_tinh.pk),
        str(units.ky_son.pk),
    }
    assert audit.verify() == (before + 3, None)
    assert audit.record_many("unit.read", []) == []
