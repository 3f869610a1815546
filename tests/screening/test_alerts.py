"""Alerts are raised at once (after commit) when a record arrives, across scripts, once per
pair, never for a tone-mark conflict; bulk arrivals are matched by batch."""

from __future__ import annotations

import pytest

from liaison.core import audit
from liaison.core.audit import Actor
from liaison.core.models import AuditEntry
from liaison.crime.models import Person
from liaison.screening import services
from liaison.screening.models import MatchAlert, SearchEntry
from tests.screening.conftest import partner_person_obj

pytestmark = pytest.mark.django_db


def test_new_local_person_in_lao_script_raises_one_alert_with_the_explanation(
    local_person, partner_person, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    received = partner_person("Souksavanh Phommachanh", birth_date="1985", nationality="LA")
    partner_person("Khamphone Keomany", birth_date="1979", nationality="LA")
    with django_capture_on_commit_callbacks(execute=True):
        mine = local_person("ສຸກສະຫວັນ ພົມມະຈັນ", birth_date="1985-03-02", nationality="LA")
    alert = MatchAlert.objects.get()
    assert (alert.subject_kind, alert.subject_uuid, alert.subject_local) == (
        "persons",
        mine.uuid,
        True,
    )
    assert (alert.candidate_kind, alert.candidate_uuid, alert.candidate_local) == (
        "persons",
        received.uuid,
        False,
    )
    assert alert.status == "open" and alert.score >= 0.8
    assert "romanisation" in alert.explanation and "Souksavanh" in alert.explanation
    assert "birth date compatible" in alert.explanation
    assert alert.candidate_snapshot["name"] == "Souksavanh Phommachanh"
    entry = AuditEntry.objects.filter(action="match.alert").get()
    assert entry.detail["candidate"] == f"persons/{received.uuid}"
    # Matching the same person again raises nothing new.
    assert services.match_person(mine) == []
    assert MatchAlert.objects.count() == 1


def test_tone_mark_conflict_does_not_alert(
    local_person, partner_person, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    partner_person("Nguyễn Văn Hưng", birth_date="1980-03-04", nationality="VN")
    with django_capture_on_commit_callbacks(execute=True):
        local_person("Nguyễn Văn Hùng", birth_date="1980-03-04", nationality="VN")
    assert MatchAlert.objects.count() == 0
    # ... while the same name without marks on one side is a candidate.
    partner_person("Nguyen Van Hung", birth_date="1980-03-04", nationality="VN")
    with django_capture_on_commit_callbacks(execute=True):
        local_person("Nguyễn Văn Hùng", birth_date="1980-03-04", nationality="VN")
    assert [a.candidate_snapshot["name"] for a in MatchAlert.objects.all()] == ["Nguyen Van Hung"]


def test_received_wanted_notice_is_matched_against_local_persons_at_once(
    local_person, partner_notice, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    person = local_person("Nguyễn Văn Hùng", latin_name="Nguyen Van Hung", birth_date="1980-03-04")
    local_person("Trần Thị Lan", birth_date="1990")
    with django_capture_on_commit_callbacks(execute=True):
        notice = partner_notice(
            "ຫງວຽນ ວັນ ຮຸ່ງ",
            latin_name="Hung Nguyen Van",
            birth_date="1980-04-03",
            nationality="VN",
            id_documents=[{"type": "passport", "number": "C1234567"}],
        )
    alert = MatchAlert.objects.get()
    assert alert.subject_kind == "wanted-notices" and alert.subject_uuid == notice.uuid
    assert alert.candidate_uuid == person.uuid
    assert "day/month swapped" in alert.explanation
    # The notice is a candidate for persons added later, too.
    with django_capture_on_commit_callbacks(execute=True):
        later = local_person("Hùng Nguyễn Văn", birth_date="1980-03-04", id_number="C1234567")
    alert2 = MatchAlert.objects.get(subject_uuid=later.uuid)
    assert alert2.candidate_kind == "wanted-notices"
    assert "identity document number equal" in alert2.explanation


def test_received_persons_in_bulk_are_matched_after_the_federation_batch(
    cases, local_person, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    mine = local_person("Иванов Иван Петрович", birth_date="1975-06-01", nationality="RU")
    objs = [
        partner_person_obj(cases.la, "Ivan Ivanov", 1, birth_date="1975-06-01", nationality="RU"),
        partner_person_obj(cases.la, "Somsak Sisouvanh", 2),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        Person.objects.bulk_create(objs)  # as exchange applies a batch: no post_save
        audit.record(
            "exchange.apply",
            actor=Actor.system("exchange"),
            object_kind="peer",
            object_id="la-test0001",
            applied=2,
        )
    alert = MatchAlert.objects.get()
    assert alert.subject_uuid == objs[0].uuid and alert.candidate_uuid == mine.uuid
    assert "icao9303" in alert.explanation or "romanisation" in alert.explanation
    # The cursor moved: the next batch does not match them again.
    assert services.match_pending_received() == 0


def test_match_all_after_bulk_import_is_idempotent(cases, partner_person) -> None:  # type: ignore[no-untyped-def]
    from liaison.crime.services import stamp_new

    partner_person("Bounmy Inthavong", birth_date="1988", nationality="LA")
    partner_person("Chanthala Douangmala", birth_date="1992", nationality="LA")
    rows = []
    for i, name in enumerate(["ບຸນມີ ອິນທະວົງ", "Phạm Văn Đức", "ຈັນທະລາ ດວງມາລາ"]):
        p = Person(
            case=cases.na,
            person_ref=f"B{i}",
            full_name=name,
            birth_date="",
            detected_on=cases.na.detected_on,
            province=cases.na.province,
        )
        stamp_new(p, cases.na.owner_unit)
        rows.append(p)
    Person.objects.bulk_create(rows)
    assert MatchAlert.objects.count() == 0
    result = services.match_all()
    assert result.records == 5 and result.alerts == 2
    assert sorted(a.subject_snapshot["name"] for a in MatchAlert.objects.all()) == [
        "ຈັນທະລາ ດວງມາລາ",
        "ບຸນມີ ອິນທະວົງ",
    ]
    again = services.match_all()
    assert again.alerts == 0 and MatchAlert.objects.count() == 2
    assert services.match_all(only_new=True).records == 0


def test_a_pair_is_alerted_once_whichever_side_arrives_first(local_person, partner_person) -> None:  # type: ignore[no-untyped-def]
    mine = local_person("Thongsavanh Phommavong", birth_date="1970")
    other = partner_person("ທອງສະຫວັນ ພົມມະວົງ", birth_date="1970")
    assert len(services.match_person(other)) == 1
    assert services.match_person(mine) == []
    assert MatchAlert.objects.count() == 1


def test_keys_written_in_bulk_are_searched_at_once(cases, local_person, partner_person) -> None:  # type: ignore[no-untyped-def]
    mine = local_person("Sengthong Keomany", birth_date="1983")
    assert services.match_person(mine) == []
    partner_person("ແສງທອງ ແກ້ວມະນີ", birth_date="1983")  # bulk: records_written, no post_save
    assert len(services.find_matches(mine)) == 1
    assert SearchEntry.objects.filter(local=False, kind="persons").count() == 1


def test_nothing_is_merged(local_person, partner_person) -> None:  # type: ignore[no-untyped-def]
    mine = local_person("Oudone Souliya", birth_date="1991-01-01")
    other = partner_person("ອຸດອນ ສຸລິຍະ", birth_date="1991-01-01")
    before = sorted(Person.objects.values_list("uuid", "full_name", "version"))
    services.match_person(mine)
    assert MatchAlert.objects.count() == 1
    assert sorted(Person.objects.values_list("uuid", "full_name", "version")) == before
    assert other.full_name == "ອຸດອນ ສຸລິຍະ"
