"""The person search box: one query across scripts, ranked with explanations, restricted to
what the user may see, every person shown audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from liaison.core.models import AuditEntry, Role
from liaison.screening import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(cases, local_person, partner_person):  # type: ignore[no-untyped-def]
    return {
        "lao": local_person("ສຸກສະຫວັນ ພົມມະຈັນ", birth_date="1985", nationality="LA"),
        "lao_latin": partner_person(
            "Souksavanh Phommachanh", birth_date="1985-03-02", nationality="LA"
        ),
        "soulixay": partner_person("ສຸລິໄຊ ແກ້ວມະນີ", latin_name="Soulixay Keomany"),
        "hung": local_person("Nguyễn Văn Hùng", birth_date="1980-03-04", nationality="VN"),
        "hung2": local_person("Nguyễn Văn Hưng", birth_date="1979", nationality="VN"),
        "ivanov": local_person("Иванов Сергей Петрович", nationality="RU"),
        "other": local_person("Trần Thị Lan", nationality="VN"),
        "hatinh_hung": local_person("Nguyễn Văn Hùng", case=cases.ht, birth_date="1980-03-04"),
    }


def names(hits):  # type: ignore[no-untyped-def]
    return [h.record.full_name for h in hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Souksavanh", {"ສຸກສະຫວັນ ພົມມະຈັນ", "Souksavanh Phommachanh"}),
        ("ສຸກສະຫວັນ", {"ສຸກສະຫວັນ ພົມມະຈັນ", "Souksavanh Phommachanh"}),
        ("Phommachanh Souksavanh", {"ສຸກສະຫວັນ ພົມມະຈັນ", "Souksavanh Phommachanh"}),
        ("Xu-li-xay", {"ສຸລິໄຊ ແກ້ວມະນີ"}),
        ("Иванов", {"Иванов Сергей Петрович"}),
        ("Ivanov Sergei", {"Иванов Сергей Петрович"}),
        ("Nguyen Van Hung", {"Nguyễn Văn Hùng", "Nguyễn Văn Hưng"}),
    ],
)
def test_one_box_finds_a_person_in_any_script(people, analyst, query, expected) -> None:  # type: ignore[no-untyped-def]
    hits = services.search_persons(analyst, query)
    assert set(names(hits)) == expected, [
        (h.record.full_name, h.score, h.explanation) for h in hits
    ]
    assert all(h.explanation for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_tone_marks_rank_and_birth_date_sharpens(people, analyst) -> None:  # type: ignore[no-untyped-def]
    hits = services.search_persons(analyst, "Nguyễn Văn Hùng", birth_date="1980-03-04")
    assert hits[0].record.full_name == "Nguyễn Văn Hùng" and hits[0].score > 0.9
    assert "Nguyễn Văn Hưng" not in names(hits)  # tone-mark conflict and another birth date
    by_id = services.search_persons(analyst, "", id_number="B-778899")
    assert by_id == []


def test_a_province_officer_never_sees_another_provinces_person(people, units, make_user) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(units.nghe_an, [Role.OFFICER])
    hits = services.search_persons(officer, "Nguyen Van Hung")
    assert {h.record.uuid for h in hits} == {people["hung"].uuid, people["hung2"].uuid}
    assert people["hatinh_hung"].uuid not in {h.record.uuid for h in hits}
    # Received partner persons are filed at the ministry: not visible to a province.
    assert services.search_persons(officer, "Souksavanh")[0].record.uuid == people["lao"].uuid
    assert len(services.search_persons(officer, "Souksavanh")) == 1
    ha_tinh = make_user(units.ha_tinh, [Role.OFFICER])
    assert [h.record.uuid for h in services.search_persons(ha_tinh, "Nguyen Van Hung")] == [
        people["hatinh_hung"].uuid
    ]


def test_every_person_shown_is_audited(people, analyst) -> None:  # type: ignore[no-untyped-def]
    before = AuditEntry.objects.filter(action="person.read").count()
    hits = services.search_persons(analyst, "Souksavanh", source="10.0.0.9")
    reads = AuditEntry.objects.filter(action="person.read").order_by("seq")[before:]
    assert {e.object_id for e in reads} == {str(h.record.uuid) for h in hits}
    assert all(e.username == analyst.username and e.detail["via"] == "web search" for e in reads)
    search = AuditEntry.objects.filter(action="person.search").last()
    assert search.detail["query"] == "Souksavanh" and search.detail["results"] == len(hits)


def test_bad_queries_are_refused_clearly(people, analyst) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as exc:
        services.search_persons(analyst, "  ")
    assert "q" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.search_persons(analyst, "Hung", birth_date="1990-13-45")
    assert "birth_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.search_persons(analyst, "Hung", nationality="XX")
    assert "nationality" in exc.value.message_dict
    assert services.search_persons(analyst, "☃☃☃") == []


def test_new_person_is_found_at_once(
    people, analyst, local_person, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    assert names(services.search_persons(analyst, "Vanna")) == []
    with django_capture_on_commit_callbacks(execute=True):
        local_person("ວັນນະ ຈັນທະວົງ")
    assert names(services.search_persons(analyst, "Vanna Chanthavong")) == ["ວັນນະ ຈັນທະວົງ"]
