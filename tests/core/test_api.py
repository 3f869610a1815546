from __future__ import annotations

import pytest
from django.test import Client

from liaison.core import services

pytestmark = pytest.mark.django_db


def test_health_needs_no_token() -> None:
    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_openapi_schema_is_served() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Liaison API"
    assert "/api/v1/health" in schema["paths"]


def test_bearer_token_authenticates_and_bad_token_does_not(units, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user(units.nghe_an)
    token = services.create_token(user)
    assert services.user_for_token(token) == user
    assert services.user_for_token(token + "x") is None


def test_units_api_lists_only_the_callers_subtree(units, make_user) -> None:  # type: ignore[no-untyped-def]
    token = services.create_token(make_user(units.nghe_an))
    client = Client(headers={"Authorization": f"Bearer {token}"})
    codes = {u["code"] for u in client.get("/api/v1/units").json()["items"]}
    assert codes == {"VN-PA-40", "VN-PA-40-KS", "VN-BP-NC"}
    assert client.get(f"/api/v1/units/{units.ha_tinh.pk}").status_code == 404
    assert client.get(f"/api/v1/units/{units.ky_son.pk}").status_code == 200


def test_api_refuses_requests_without_a_token() -> None:
    assert Client().get("/api/v1/units").status_code == 401
