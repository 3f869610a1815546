"""Dates that lie in the future are refused, with the field named, in services, the API and
the case form; a few minutes of clock skew are allowed for times."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from liaison.cooperation.models import PatrolResult
from liaison.core import services as core_services
from liaison.core.models import Province, Role
from liaison.core.models.records import CLOCK_SKEW, future_date_errors
from liaison.crime import services
from liaison.crime.models import DrugCase, Hotspot

pytestmark = pytest.mark.django_db


def _tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def test_service_refuses_a_case_detected_tomorrow(units) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        services.create_case(
            user=None,
            owner_unit=units.ky_son,
            case_ref="F-1",
            detected_on=_tomorrow(),
            province=Province.objects.get(code="VN-22"),
        )
    assert "detected_on" in caught.value.message_dict
    assert "future" in caught.value.message_dict["detected_on"][0]
    assert not DrugCase.objects.filter(case_ref="F-1").exists()


def test_hotspot_eradicated_in_the_future_is_refused(units) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        services.create_record(
            Hotspot,
            user=None,
            name="Bản Z",
            kind="den",
            province=Province.objects.get(code="VN-22"),
            identified_on=dt.date(2024, 1, 1),
            status="eradicated",
            eradicated_on=_tomorrow(),
        )
    assert list(caught.value.message_dict) == ["eradicated_on"]


def test_times_within_the_clock_skew_pass() -> None:
    class Fake:
        at = timezone.now() + CLOCK_SKEW / 2
        _meta = PatrolResult._meta

    assert future_date_errors(Fake(), ("at",)) == {}  # type: ignore[arg-type]
    Fake.at = timezone.now() + CLOCK_SKEW * 3
    assert "at" in future_date_errors(Fake(), ("at",))  # type: ignore[arg-type]


def test_api_refuses_2030_and_names_the_field(units, make_user) -> None:  # type: ignore[no-untyped-def]
    token = core_services.create_token(make_user(units.ky_son, [Role.OFFICER]))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    case_in = {"case_ref": "KS-F", "detected_on": "2030-01-01", "province": "VN:40"}
    response = client.post("/api/v1/cases", case_in, content_type="application/json")
    assert response.status_code in (400, 422), response.content
    assert b"detected_on" in response.content
    assert not DrugCase.objects.filter(case_ref="KS-F").exists()


def test_value_errors_in_the_reader_language() -> None:
    from django.utils import translation

    from liaison.crime.importer.report import Problem
    from liaison.crime.values import parse_date, parse_quantity

    with translation.override("vi"):
        with pytest.raises(ValueError, match="số lượng âm: -5"):
            parse_quantity("-5")
        with pytest.raises(ValueError, match="ngày trong tương lai"):
            parse_date(_tomorrow().isoformat())
        assert str(Problem("c.csv", 3, "quantity", "x")) == "c.csv dòng 3 trường quantity: x"
    with translation.override("lo"), pytest.raises(ValueError, match="ຈຳນວນຕິດລົບ"):
        parse_quantity("-5")
