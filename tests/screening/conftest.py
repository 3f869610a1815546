"""Helpers for screening tests: local persons (through crime services), partner persons and
wanted notices "received" (stored as the federation stores them)."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from liaison.core.models import Province, Role
from liaison.core.signals import records_written
from liaison.crime import services as crime
from liaison.crime.models import DrugCase, Person

LA_NODE = "la-test0001"


@pytest.fixture
def cases(units) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """A local case in Kỳ Sơn (Nghệ An), one in Hà Tĩnh, and a case received from Laos."""
    na = crime.create_case(
        user=None,
        owner_unit=units.ky_son,
        case_ref="NA-1",
        detected_on=dt.date(2024, 5, 1),
        province=Province.objects.get(code="VN-22"),
    )
    ht = crime.create_case(
        user=None,
        owner_unit=units.ha_tinh,
        case_ref="HT-1",
        detected_on=dt.date(2024, 5, 2),
        province=Province.objects.get(code="VN-23"),
    )
    now = timezone.now()
    la = DrugCase.objects.create(
        uuid=uuidlib.uuid4(),
        origin=LA_NODE,
        origin_country="LA",
        version=1,
        created_at=now,
        updated_at=now,
        owner_unit=units.ministry,
        case_ref="XK-7",
        detected_on=dt.date(2024, 4, 1),
        province=Province.objects.get(code="LA-XI"),
    )
    return SimpleNamespace(na=na, ht=ht, la=la)


@pytest.fixture
def local_person(cases) -> Callable[..., Person]:  # type: ignore[no-untyped-def]
    counter = {"n": 0}

    def make(full_name: str, case: DrugCase | None = None, **data: Any) -> Person:
        counter["n"] += 1
        return crime.create_person(
            user=None,
            case=case or cases.na,
            person_ref=f"P{counter['n']}",
            full_name=full_name,
            **data,
        )

    return make


def partner_person_obj(case: DrugCase, full_name: str, n: int, **data: Any) -> Person:
    now = timezone.now()
    return Person(
        uuid=uuidlib.uuid4(),
        origin=LA_NODE,
        origin_country="LA",
        version=1,
        created_at=now,
        updated_at=now,
        owner_unit=case.owner_unit,
        case=case,
        person_ref=f"LA-P{n}",
        full_name=full_name,
        detected_on=case.detected_on,
        province=case.province,
        **data,
    )


@pytest.fixture
def partner_person(cases) -> Callable[..., Person]:  # type: ignore[no-untyped-def]
    """A received partner person, stored in bulk as the federation does (no post_save, a
    ``records_written`` signal in the same transaction)."""
    counter = {"n": 0}

    def make(full_name: str, **data: Any) -> Person:
        counter["n"] += 1
        obj = partner_person_obj(cases.la, full_name, counter["n"], **data)
        Person.objects.bulk_create([obj])
        stored = Person.objects.get(uuid=obj.uuid)
        records_written.send(sender=Person, kind=Person.record_kind, ids=[stored.pk])
        return stored

    return make


@pytest.fixture
def partner_notice(units) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """A wanted notice received from Laos (saved as cooperation's apply saves it)."""
    from liaison.cooperation.models import WantedNotice

    def make(full_name: str, **data: Any) -> WantedNotice:
        """``data`` adds to or replaces the fields (``origin`` … for another partner)."""
        now = timezone.now()
        fields: dict[str, Any] = {
            "uuid": uuidlib.uuid4(),
            "origin": LA_NODE,
            "origin_country": "LA",
            "version": 1,
            "created_at": now,
            "updated_at": now,
            "owner_unit": units.ministry,
            "reference": f"LA-WN-{uuidlib.uuid4().hex[:6]}",
            "notice_type": "red",
            "full_name": full_name,
            "offences": "trafficking",
            "warrant_reference": "W-1",
            "issuing_unit_name": "LA police",
            "issued_at": now,
        }
        notice = WantedNotice(**{**fields, **data})
        notice.save()
        return notice

    return make


@pytest.fixture
def analyst(units, make_user):  # type: ignore[no-untyped-def]
    return make_user(units.ministry, [Role.ANALYST])


@pytest.fixture
def province_analyst(units, make_user):  # type: ignore[no-untyped-def]
    return make_user(units.nghe_an, [Role.ANALYST])


@pytest.fixture
def officer(units, make_user):  # type: ignore[no-untyped-def]
    return make_user(units.nghe_an, [Role.OFFICER])
