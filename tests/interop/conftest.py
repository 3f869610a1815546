"""Fixtures for the STIX/TAXII tests: two peers (LA, RU), a supervisor, and national records
released to LA through the real release services (so the peer's feed holds them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.core.models import Province, Role
from liaison.exchange import envelope as env
from liaison.exchange import services as exchange

BASIS = "MoU of 9 Aug 2021"


def peer_identity(node_id: str, country: str) -> dict[str, Any]:
    key = Ed25519PrivateKey.generate()
    public = env.b64url_encode(env.raw_key(key.public_key()))
    return {
        "node_id": node_id,
        "country": country,
        "name": f"Test {country}",
        "public_key": public,
        "rotations": [],
    }


@pytest.fixture
def peers(db, units) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    la = exchange.add_peer("LA", "http://127.0.0.1:9", peer_identity("la-peer0001", "LA"))
    ru = exchange.add_peer("RU", "http://127.0.0.1:9", peer_identity("ru-peer0001", "RU"))
    return SimpleNamespace(la=la, ru=ru)


@pytest.fixture
def supervisor(units, make_user):  # type: ignore[no-untyped-def]
    return make_user(units.ministry, [Role.SUPERVISOR, Role.OFFICER], username="sup")


@pytest.fixture
def make_case(units, supervisor):  # type: ignore[no-untyped-def]
    """A case with two persons (Vietnamese and Lao script) and a seizure."""
    from liaison.crime import services as crime

    counter = {"n": 0}

    def make(**over: Any) -> SimpleNamespace:
        counter["n"] += 1
        data = dict(
            case_ref=f"NA-2026-{counter['n']:04d}",
            detected_on=dt.date(2026, 2, 1),
            province=Province.objects.get(code="VN-22"),
            summary="Bắt quả tang vận chuyển 20.000 viên ma túy tổng hợp",
        )
        data.update(over)
        case = crime.create_case(user=supervisor, owner_unit=units.nghe_an, **data)
        vn = crime.create_person(
            user=supervisor,
            case=case,
            person_ref="P1",
            full_name="Lò Văn Thắng",
            latin_name="Lo Van Thang",
            sex="M",
            birth_date="1986-04",
            nationality="VN",
            id_number="040086001234",
            role="defendant",
            tlp=case.tlp,
        )
        la = crime.create_person(
            user=supervisor,
            case=case,
            person_ref="P2",
            full_name="ສົມພອນ ແກ້ວມະນີ",
            latin_name="Somphone Keomany",
            birth_date="1984",
            nationality="LA",
            role="suspect",
            tlp=case.tlp,
        )
        seizure = crime.create_seizure(
            user=supervisor,
            case=case,
            drug="methamphetamine_tablets",
            quantity=Decimal("20000"),
            unit="tablet",
            tlp=case.tlp,
        )
        return SimpleNamespace(case=case, persons=[vn, la], seizure=seizure)

    return make


@pytest.fixture
def release(supervisor):  # type: ignore[no-untyped-def]
    def go(
        records: Any,
        peer: Any,
        tlp: str = "AMBER",
        handling: str = "H1",
        basis: str = BASIS,
        without: Any = (),
    ) -> None:
        for obj in records:
            exchange.release_to(
                supervisor, obj, [peer], tlp=tlp, handling=handling, basis=basis, without=without
            )

    return go


def parts(made: SimpleNamespace) -> list[Any]:
    return [made.case, *made.persons, made.seizure]


@pytest.fixture
def cooperation(units, make_user, peers) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """A wanted notice, an assistance request about it and a hotline message, each sent to
    LA by the cooperation services (which release them to LA as they are sent)."""
    from liaison.cooperation import services as coop

    national = make_user(
        units.ministry, [Role.OFFICER, Role.SUPERVISOR, Role.NODE_ADMIN], username="national"
    )
    notice = coop.issue_wanted_notice(
        national,
        notice_type="red",
        full_name="Vi Thị Hoa",
        latin_name="Vi Thi Hoa",
        other_names=["Hoa Vi"],
        sex="F",
        birth_date="1991",
        nationality="VN",
        id_documents=[{"type": "passport", "number": "C1234567", "country": "VN"}],
        offences="Vận chuyển trái phép chất ma túy (Điều 250 BLHS)",
        warrant_reference="LC-12/2026",
        believed_country="LA",
        believed_location="Xaisomboun",
    )
    request = coop.send_request(
        national,
        request_type="verification",
        to_country="LA",
        wanted_notice=notice,
        persons=[{"full_name": "Vi Thị Hoa", "nationality": "VN", "birth_date": "1991"}],
        requesting_authority="Cục Cảnh sát điều tra tội phạm về ma túy",
        investigation_subject="Vận chuyển ma túy qua biên giới",
        investigating_authority="Công an tỉnh Nghệ An",
        facts_summary="Đối tượng bỏ trốn sang Lào",
        assistance_sought="Xác minh nơi cư trú",
        purpose="Truy bắt",
    )
    channel = coop.create_channel(
        national,
        local_unit=units.nam_can,
        level="commune",
        partner_unit_code="LA-BP-NK",
        partner_unit_name="ປ້ອມນ້ຳກັນ",
        partner_country_code="LA",
    )
    message = coop.send_message(
        national,
        channel,
        subject="Kiểm tra xe tải biển số 29C-12345",
        body="Đề nghị phối hợp kiểm tra",
        priority="urgent",
    )
    return SimpleNamespace(notice=notice, request=request, message=message, user=national)
