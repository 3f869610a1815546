"""Joint cases, patrols, agreements, meetings and capacity projects."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from liaison.cooperation import services
from liaison.cooperation.models import JointCase


def test_joint_case_entries_from_both_sides(supervisor, peer, receive) -> None:  # type: ignore[no-untyped-def]
    case = services.open_joint_case(supervisor, title="Chuyên án 126LT", summary="Đường dây heroin")
    services.add_entry(
        supervisor, case, "participant", person_name="Thiếu tá Lê Văn B", person_role="Trưởng ban"
    )
    mine = services.add_entry(
        supervisor,
        case,
        "task",
        text="Xác minh số điện thoại",
        assigned_to_country="LA",
        assigned_to="Khammouane police",
    )
    theirs = receive(
        "joint-case-entries",
        {
            "joint_case": str(case.uuid),
            "kind": "join",
            "at": timezone.now().isoformat(),
            "by_unit": "ປກສ ແຂວງ ຄຳມ່ວນ",
        },
    )
    seizure = str(uuid.uuid4())
    receive(
        "joint-case-entries",
        {
            "joint_case": str(case.uuid),
            "kind": "link",
            "link_kind": "seizures",
            "link_uuid": seizure,
            "at": timezone.now().isoformat(),
        },
    )
    entries = list(case.entries.all())
    assert len(entries) == 4 and {e.origin_country for e in entries} == {"VN", "LA"}
    services.update_entry(supervisor, mine, task_status="done")
    with pytest.raises(PermissionDenied):
        services.update_entry(supervisor, theirs, text="changed")
    with pytest.raises(ValidationError, match="does not join"):
        services.add_entry(supervisor, case, "join")


def test_joint_case_count(supervisor, receive) -> None:  # type: ignore[no-untyped-def]
    services.open_joint_case(supervisor, title="A", opened_on=dt.date(2022, 5, 1), share_now=False)
    services.open_joint_case(supervisor, title="B", opened_on=dt.date(2021, 5, 1), share_now=False)
    receive(
        "joint-cases",
        {"reference": "LA-JC-1", "title": "C", "partner_country": "VN", "opened_on": "2023-02-01"},
    )
    assert services.joint_case_count(dt.date(2022, 1, 1), dt.date(2024, 6, 30)) == 2
    assert JointCase.objects.count() == 3


def test_patrol_with_results(supervisor, receive, peer) -> None:  # type: ignore[no-untyped-def]
    from liaison.core.models import BorderGate

    gate = BorderGate.objects.order_by("name").first()
    patrol = services.plan_patrol(
        supervisor,
        title="Tuần tra song phương",
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 3, 3),
        gates=[gate.name],
        units=[supervisor.unit, {"country": "LA", "name": "ປກສ ເມືອງ ໜອງແຮດ"}],
        share_now=True,  # LA reports results only on a patrol released to it
    )
    assert patrol.units[0]["code"] == "VN-PA-40" and patrol.units[1]["country"] == "LA"
    with pytest.raises(ValidationError, match="Unknown border gate"):
        services.plan_patrol(
            supervisor,
            title="x",
            starts_on=dt.date(2026, 3, 1),
            ends_on=dt.date(2026, 3, 1),
            gates=["Nowhere"],
        )
    with pytest.raises(ValidationError, match="before the start"):
        services.plan_patrol(
            supervisor,
            title="x",
            starts_on=dt.date(2026, 3, 2),
            ends_on=dt.date(2026, 3, 1),
            area="x",
        )
    services.add_patrol_result(supervisor, patrol, arrests=2, seizures=[str(uuid.uuid4())])
    receive(
        "patrol-results",
        {
            "patrol": str(patrol.uuid),
            "arrests": 1,
            "at": timezone.now().isoformat(),
            "seizures": [],
            "persons": [str(uuid.uuid4())],
            "cases": [],
        },
    )
    assert services.patrol_totals(patrol) == {"arrests": 3, "seizures": 1, "persons": 1, "cases": 0}
    services.set_patrol_status(supervisor, patrol, "completed")
    with pytest.raises(ValidationError):
        services.set_patrol_status(supervisor, patrol, "underway")


def test_agreement_meeting_commitments_and_projects(supervisor) -> None:  # type: ignore[no-untyped-def]
    plan = services.create_agreement(
        supervisor,
        title="Kế hoạch hợp tác 2026",
        kind="annual_plan",
        signed_on=dt.date(2026, 1, 15),
        documents=[("plan.pdf", b"%PDF-1.7")],
    )
    services.add_action_item(
        supervisor,
        agreement=plan,
        text="Trao đổi danh sách đối tượng truy nã",
        owner="C04",
        due=dt.date(2099, 6, 30),
    )
    meeting = services.record_meeting(
        supervisor,
        title="Hội nghị giao ban",
        held_on=dt.date(2026, 3, 10),
        kind="conference",
        participants=["Đại tá A", {"name": "Col. Khamphan", "side": "LA"}],
        minutes="…",
        agreement=plan,
        commitments=[
            {
                "text": "Tuần tra chung quý II",
                "owner_country": "LA",
                "owner": "Houaphanh",
                "due": dt.date(2020, 1, 1),
            }
        ],
    )
    assert meeting.commitments.count() == 1
    status = services.implementation_status(plan)
    assert status["total"] == 2 and status["overdue"] == 1 and status["percent_done"] == 0
    item = meeting.commitments.get()
    services.update_action_item(supervisor, item, status="done", progress_note="Đã thực hiện")
    assert services.implementation_status(plan)["percent_done"] == 50
    project = services.create_project(supervisor, title="Trạm kiểm soát Nậm Cắn", kind="station")
    services.update_project(supervisor, project, status="handed_over")
    project.refresh_from_db()
    assert project.progress == 100 and project.handed_over_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.update_project(supervisor, project, progress=150)


def test_seed_command(units, make_user, capsys) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from liaison.cooperation.models import Agreement, CapacityProject
    from liaison.core.models import Role

    make_user(units.ministry, [Role.OFFICER, Role.SUPERVISOR], username="admin")
    call_command("cooperation_seed", "--joint-cases", "13")
    assert services.joint_case_count(dt.date(2022, 1, 1), timezone.localdate()) == 13
    assert Agreement.objects.count() == 2
    assert CapacityProject.objects.filter(status="handed_over").count() == 1
    call_command("cooperation_seed")
    assert "nothing added" in capsys.readouterr().out


def test_received_joint_case_is_filed_at_the_named_unit(supervisor, receive) -> None:  # type: ignore[no-untyped-def]
    case = receive(
        "joint-cases",
        {
            "reference": "LA-JC-2",
            "title": "ຄະດີຮ່ວມ",
            "partner_country": "VN",
            "partner_unit_code": "VN-PA-40",
            "opened_on": "2026-02-01",
        },
    )
    assert case.owner_unit == supervisor.unit
    assert services.visible(JointCase, supervisor).filter(pk=case.pk).exists()
    patrol = receive(
        "patrols",
        {
            "reference": "LA-JP-1",
            "kind": "patrol",
            "title": "ລາດຕະເວນ",
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-02",
            "status": "planned",
            "partner_country": "VN",
            "partner_unit_code": "nowhere",
        },
    )
    assert patrol.owner_unit.parent_id is None  # unknown unit: the ministry
