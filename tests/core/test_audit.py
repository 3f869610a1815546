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


# --- the signed head in the node home --------------------------------------------------


@pytest.fixture
def head_file(settings, tmp_path):  # type: ignore[no-untyped-def]
    """A head file of this test's own (the session's is shared by every test)."""
    settings.AUDIT_HEAD_FILE = tmp_path / "audit_head.json"
    return settings.AUDIT_HEAD_FILE


def _rewind(last: int) -> None:
    """What an intruder with only the database does: delete the entries after ``last``
    and set the head row back to match, in raw SQL."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq > %s", [last])
        cursor.execute("SELECT hash FROM core_auditentry WHERE seq = %s", [last])
        (last_hash,) = cursor.fetchone()
        cursor.execute("UPDATE core_audithead SET seq = %s, hash = %s", [last, last_hash])


def test_cut_at_the_end_with_the_head_row_rewound_is_detected(units, head_file) -> None:  # type: ignore[no-untyped-def]
    assert audit.anchor()
    last = AuditHead.objects.get().seq
    assert audit.verify() == (last, None)
    _rewind(last - 3)
    count, problem = audit.verify()
    assert count == last - 3
    assert problem is not None and problem.seq == last - 2
    assert f"signed head records entry {last}" in problem.reason


def test_entries_after_the_signed_head_are_accepted_and_then_signed(units, head_file) -> None:  # type: ignore[no-untyped-def]
    assert audit.anchor()
    audit.record("unit.read", units.nghe_an)
    assert audit.verify() == (AuditHead.objects.get().seq, None)
    assert audit.anchor()
    assert audit.signed_head().seq == AuditHead.objects.get().seq  # type: ignore[union-attr]
    assert not audit.anchor()  # nothing new: the file stays as it is


def test_reordered_entries_are_detected(units, head_file) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection

    assert audit.anchor()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET seq = 999999 WHERE seq = 4")
        cursor.execute("UPDATE core_auditentry SET seq = 4 WHERE seq = 5")
        cursor.execute("UPDATE core_auditentry SET seq = 5 WHERE seq = 999999")
    _, problem = audit.verify()
    assert problem is not None and problem.seq == 4


def test_forged_or_missing_head_file_is_reported(units, head_file) -> None:  # type: ignore[no-untyped-def]
    import json

    _, problem = audit.verify()
    assert problem is not None and "no signed chain head" in problem.reason
    assert audit.anchor()
    data = json.loads(head_file.read_text())
    data["head"]["seq"] -= 3
    head_file.write_text(json.dumps(data))
    _, problem = audit.verify()
    assert problem is not None and "signature does not check" in problem.reason


def test_head_file_is_private_and_never_moves_back(units, head_file) -> None:  # type: ignore[no-untyped-def]
    import stat

    from liaison.core import audit_head, node

    assert audit.anchor()
    assert stat.S_IMODE(head_file.stat().st_mode) == 0o600
    seq = audit.signed_head().seq  # type: ignore[union-attr]
    older = audit_head.SignedHead("vn-test0001", seq - 1, "0" * 64, seq - 1, "2026-01-01")
    assert not audit_head.advance(head_file, node.signing_key(), older)
    assert audit.signed_head().seq == seq  # type: ignore[union-attr]
