"""API tokens expire, can be revoked, and a read token cannot write."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from liaison.core import services
from liaison.core.models import ApiToken, AuditEntry

pytestmark = pytest.mark.django_db


def _api(token: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_expired_and_revoked_tokens_get_401(units, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.nghe_an)
    expiring, revoked = services.create_token(user, days=1), services.create_token(user)
    assert _api(expiring).get("/api/v1/units").status_code == 200
    ApiToken.objects.filter(digest=ApiToken.digest_of(expiring)).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _api(expiring).get("/api/v1/units").status_code == 401
    services.revoke_token(ApiToken.objects.get(digest=ApiToken.digest_of(revoked)))
    assert _api(revoked).get("/api/v1/units").status_code == 401
    assert AuditEntry.objects.filter(action="token.revoke").count() == 1


def test_read_token_reads_but_cannot_write(units, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.nghe_an)
    reader, writer = (
        _api(services.create_token(user, scope="read")),
        _api(services.create_token(user)),
    )
    assert reader.get("/api/v1/cases").status_code == 200
    body = {"case_ref": "NA-77", "detected_on": "2025-02-01", "province": "VN-22"}
    assert reader.post("/api/v1/cases", body, content_type="application/json").status_code == 403
    assert writer.post("/api/v1/cases", body, content_type="application/json").status_code != 403


def test_tokens_expire_after_90_days_unless_told(units, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.nghe_an)
    services.create_token(user, label="default")
    services.create_token(user, label="week", days=7)
    rows = {t.label: t for t in ApiToken.objects.all()}
    assert rows["default"].expires_at - rows["default"].created_at == pytest.approx(
        dt.timedelta(days=90), abs=dt.timedelta(seconds=5)
    )
    assert (rows["week"].expires_at - timezone.now()).days == 6
    from django.core.exceptions import ValidationError

    for bad in ({"days": 0}, {"days": 1000}, {"scope": "admin"}):
        with pytest.raises(ValidationError):
            services.create_token(user, **bad)  # type: ignore[arg-type]


def test_token_command_creates_lists_and_revokes(units, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.nghe_an, username="hoa")
    out = StringIO()
    call_command("token", "create", "hoa", "--expires", "7", "--scope", "read", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("lia_")
    row = ApiToken.objects.get(digest=ApiToken.digest_of(token))
    assert row.scope == "read" and row.user == user

    listing = StringIO()
    call_command("token", "list", stdout=listing)
    line = next(x for x in listing.getvalue().splitlines() if x.split()[0] == str(row.pk))
    assert "hoa" in line and "read" in line and "active" in line and token not in line

    call_command("token", "revoke", str(row.pk), stdout=StringIO())
    listing = StringIO()
    call_command("token", "list", stdout=listing)
    assert "revoked" in listing.getvalue()
    assert _api(token).get("/api/v1/units").status_code == 401
