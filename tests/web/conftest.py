"""Records for the desk pages: two province police units with their own cases, persons who
share a phone across the two, a ring, hotspots, a patrol through a gate, a station project,
and a partner (LA) with records received through the exchange registry's apply path."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from liaison.cooperation import services as coop
from liaison.core.models import Province, Role
from liaison.crime import services as crime
from liaison.crime.models import Hotspot, Person, TraffickingRing

LA_NODE = "la-test0001"
SHARED_PHONE = "+84 912 345 678"
GATE = "Nậm Cắn – Nam Khan"


@pytest.fixture
def peer(db):  # type: ignore[no-untyped-def]
    from liaison.exchange.models import Peer

    return Peer.objects.create(
        name="LA",
        url="http://127.0.0.1:9",
        node_id=LA_NODE,
        country="LA",
        public_key="A" * 43,
        fingerprint="0000",
        added_at=timezone.now(),
    )


@pytest.fixture
def receive(peer) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """Apply a record as the federation would on arrival from LA (registry apply path)."""
    from liaison.exchange.models import Holding
    from liaison.exchange.registry import get_kind

    def apply(kind: str, body: dict[str, Any], *, uuid: str | None = None) -> Any:
        spec = get_kind(kind)
        assert spec is not None and spec.apply is not None
        now = timezone.now().isoformat()
        values = spec.field_values([{"created_at": now, "updated_at": now, **body}])[0]
        assert not isinstance(values, Exception), values
        fields, _many = values
        uuid = uuid or str(uuidlib.uuid4())
        envelope = SimpleNamespace(
            uuid=uuid,
            origin=LA_NODE,
            origin_country="LA",
            version=1,
            markings=SimpleNamespace(tlp="AMBER", handling="H0", handling_note=""),
        )
        spec.apply(envelope, fields, spec.model.objects.filter(uuid=uuid).first())
        # What the exchange keeps of every applied envelope (timelines show it).
        Holding.objects.create(
            peer=peer,
            origin=LA_NODE,
            kind=kind,
            record_uuid=uuid,
            version=1,
            issued_at=now[:26],
            op="upsert",
            tlp="AMBER",
            handling="H0",
            applied_at=timezone.now(),
        )
        return spec.model.objects.get(uuid=uuid)

    return apply


def _province(code: str) -> Province:
    return Province.objects.get(code=code)


@pytest.fixture
def desk(units, make_user) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    nghe_an = make_user(units.nghe_an, [Role.OFFICER, Role.SUPERVISOR], username="nghean")
    ha_tinh = make_user(units.ha_tinh, [Role.OFFICER], username="hatinh")
    analyst = make_user(units.ministry, [Role.ANALYST, Role.OFFICER], username="analyst")
    case_a = crime.create_case(
        user=nghe_an,
        case_ref="NA-2025-001",
        detected_on=dt.date(2025, 3, 10),
        province=_province("VN-22"),
        summary="Xe tải biển số 37C-123.45 chở 20.000 viên ma túy tổng hợp qua Nậm Cắn.",
    )
    p1 = crime.create_person(
        user=nghe_an,
        case=case_a,
        person_ref="1",
        full_name="Lầu Bá Chư",
        latin_name="Lau Ba Chu",
        sex="M",
        birth_date="1988-04",
        nationality="VN",
        id_number="040088001234",
        phones=SHARED_PHONE,
    )
    p2 = crime.create_person(
        user=nghe_an, case=case_a, person_ref="2", full_name="Vừ Thị Mai", nationality="VN"
    )
    crime.create_seizure(
        user=nghe_an,
        case=case_a,
        drug="methamphetamine_tablets",
        quantity=Decimal("20000"),
        unit="tablet",
    )
    case_b = crime.create_case(
        user=ha_tinh,
        case_ref="HT-2025-007",
        detected_on=dt.date(2025, 4, 2),
        province=_province("VN-23"),
    )
    p3 = crime.create_person(
        user=ha_tinh,
        case=case_b,
        person_ref="1",
        full_name="Hồ Văn Tám",
        nationality="VN",
        phones="0912345678",
    )
    ring = crime.create_record(
        TraffickingRing,
        user=nghe_an,
        ring_ref="R-1",
        name="Đường dây Kỳ Sơn",
        province=_province("VN-22"),
        identified_on=dt.date(2025, 1, 5),
        members=[p1, p2],
    )
    active = crime.create_record(
        Hotspot,
        user=nghe_an,
        hotspot_ref="H-1",
        name="Bản Huồi Tụ",
        kind="transit",
        province=_province("VN-22"),
        latitude=19.3,
        longitude=104.1,
        identified_on=dt.date(2024, 6, 1),
    )
    eradicated = crime.create_record(
        Hotspot,
        user=ha_tinh,
        hotspot_ref="H-9",
        name="Điểm Sơn Kim",
        kind="retail",
        province=_province("VN-23"),
        status="eradicated",
        identified_on=dt.date(2024, 2, 1),
        eradicated_on=dt.date(2025, 5, 1),
    )
    patrol = coop.plan_patrol(
        nghe_an,
        title="Tuần tra chung Nậm Cắn",
        starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 3, 3),
        gates=[GATE],
    )
    station = coop.create_project(
        nghe_an, title="Đồn công an Nậm Cắn", kind="station", province=_province("VN-22")
    )
    return SimpleNamespace(
        nghe_an=nghe_an,
        ha_tinh=ha_tinh,
        analyst=analyst,
        case_a=case_a,
        case_b=case_b,
        p1=p1,
        p2=p2,
        p3=p3,
        ring=ring,
        active=active,
        eradicated=eradicated,
        patrol=patrol,
        station=station,
    )


def person_reads(person: Person, via: str = "linkchart") -> int:
    from liaison.core.models import AuditEntry

    return AuditEntry.objects.filter(
        action="person.read", object_id=str(person.uuid), detail__via=via
    ).count()
