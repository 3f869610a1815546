"""Error pages: styled, in the reader's language, with a way back; a record its origin
recalled says so instead of a bare "not found"."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_not_found_is_styled_and_translated(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.nghe_an)
    client.cookies["liaison_language"] = "vi"
    response = client.get("/crime/cases/00000000-0000-4000-8000-000000000000/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="error-page"' in html and "/static/web/liaison.css" in html
    assert "Không tìm thấy" in html and "Về bảng điều khiển" in html
    client.cookies["liaison_language"] = "lo"
    html = client.get("/no/such/page/").content.decode()
    assert "ບໍ່ພົບ" in html and "ໄປແຜງຄວບຄຸມ" in html


def test_a_record_outside_the_scope_is_a_plain_not_found(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.ha_tinh)
    client.cookies["liaison_language"] = "en"
    response = client.get(f"/crime/cases/{desk.case_a.uuid}/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_forbidden_is_styled_and_translated(desk, login) -> None:  # type: ignore[no-untyped-def]
    client = login(desk.ha_tinh)
    client.cookies["liaison_language"] = "vi"
    response = client.get("/node/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không được phép" in html and 'data-status="403"' in html


def test_a_recalled_record_says_who_recalled_it_and_when(desk, login, peer) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange.models import Holding

    recalled = "6f1c1f3e-3a51-4e43-9a9b-0d3c2f9a7b11"
    Holding.objects.create(
        peer=peer,
        origin=peer.node_id,
        kind="cases",
        record_uuid=recalled,
        version=3,
        issued_at="2026-11-30T08:00:00.000000Z",
        op="recall",
        tlp="AMBER",
        handling="H0",
        applied_at=timezone.make_aware(timezone.datetime(2026, 11, 30, 8, 0, 5)),
    )
    client = login(desk.nghe_an)
    client.cookies["liaison_language"] = "en"
    response = client.get(f"/crime/cases/{recalled}/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Recalled by LA" in html
    assert "recalled by Laos (LA) on Nov 30, 2026" in html
    client.cookies["liaison_language"] = "vi"
    html = client.get(f"/crime/cases/{recalled}/").content.decode()
    assert "Đã bị LA thu hồi" in html and "30 thg 11, 2026" in html
    # Nobody signed in learns nothing about the record.
    assert "Recalled" not in Client().get(f"/crime/cases/{recalled}/").content.decode()


def test_server_error_page(rf, settings) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    from liaison.web.errors import server_error

    with translation.override("vi"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in response.content.decode()
