"""Fixtures shared by the whole suite: gazetteer, a unit tree, users and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.test import Client

from liaison.core import services
from liaison.core.models import Province, Role, Unit, UnitKind, User


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the gazetteer once into the test database, as `liaison init` does."""
    from liaison.core.gazetteer import load_gazetteer

    with django_db_blocker.unblock():
        load_gazetteer()


def _province(code: str) -> Province | None:
    return Province.objects.filter(code=code).first()


@pytest.fixture
def units(db) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """Ministry → drug police department → Nghệ An and Hà Tĩnh province police → …"""
    make = services.create_unit
    ministry = make(
        name="Bộ Công an",
        name_en="Ministry of Public Security",
        kind=UnitKind.MINISTRY,
        code="VN-MPS",
        parent=None,
    )
    department = make(
        name="Cục Cảnh sát điều tra tội phạm về ma túy",
        name_en="Drug Crime Police Department",
        kind=UnitKind.DEPARTMENT,
        code="VN-C04",
        parent=ministry,
    )
    nghe_an = make(
        name="Công an tỉnh Nghệ An",
        name_en="Nghe An Province Police",
        kind=UnitKind.PROVINCE_POLICE,
        code="VN-PA-40",
        parent=ministry,
        province=_province("VN-22"),
    )
    ha_tinh = make(
        name="Công an tỉnh Hà Tĩnh",
        name_en="Ha Tinh Province Police",
        kind=UnitKind.PROVINCE_POLICE,
        code="VN-PA-42",
        parent=ministry,
        province=_province("VN-23"),
    )
    ky_son = make(
        name="Công an huyện Kỳ Sơn",
        name_en="Ky Son District Police",
        kind=UnitKind.DISTRICT_POLICE,
        code="VN-PA-40-KS",
        parent=nghe_an,
        province=_province("VN-22"),
    )
    nam_can = make(
        name="Đồn Biên phòng Nậm Cắn",
        name_en="Nam Can Border Post",
        kind=UnitKind.BORDER_POST,
        code="VN-BP-NC",
        parent=ky_son,
        province=_province("VN-22"),
    )
    return SimpleNamespace(
        ministry=ministry,
        department=department,
        nghe_an=nghe_an,
        ha_tinh=ha_tinh,
        ky_son=ky_son,
        nam_can=nam_can,
    )


@pytest.fixture
def make_user(db) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    counter = {"n": 0}

    def make(
        unit: Unit,
        roles: list[str] | None = None,
        username: str | None = None,
        password: str = "Correct-Horse-42",
    ) -> User:
        counter["n"] += 1
        user, _ = services.create_user(
            username=username or f"user{counter['n']}",
            unit=unit,
            roles=roles if roles is not None else [Role.OFFICER],
            password=password,
        )
        return user

    return make


def verify_second_factor(client: Client, user: User) -> None:
    """What entering a right authenticator code leaves in the session (sign-in itself is
    tested in tests/core/test_second_factor.py)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class TestClient(Client):
    """Django's test client; ``force_login`` also does the second factor where the user's
    roles need one, as entering a right code would."""

    def force_login(self, user: User, backend: str | None = None) -> None:  # type: ignore[override]
        from liaison.core import second_factor

        super().force_login(user, backend)
        if second_factor.is_required(user):
            verify_second_factor(self, user)


@pytest.fixture
def client() -> Client:
    return TestClient()


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def as_user(user: User) -> Client:
        client.force_login(user)
        return client

    return as_user
