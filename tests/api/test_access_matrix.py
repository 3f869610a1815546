"""The authorisation matrix: every route of the URL map (web views and API operations) ×
role × unit level, answered with the class its rule allows.

The routes come from Django's resolver, so a new endpoint without a rule in ``RULES`` fails
``test_every_endpoint_has_a_rule``. Requests are GETs against fixture records: a case and a
person of a Nghệ An district (the callers' province) and of Hà Tĩnh (another province).
"""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from liaison.core.models import Province, Role
from liaison.crime import services as crime_services
from tests.conftest import TestClient

pytestmark = pytest.mark.django_db

ROLES = (Role.OFFICER, Role.ANALYST, Role.SUPERVISOR, Role.NODE_ADMIN)
LEVELS = ("ministry", "nghe_an", "ky_son")  # ministry, province, district


def routes() -> Iterator[str]:
    """Every route of the URL map, as its pattern text (API operations included: ninja
    registers each path of the API as a Django URL pattern)."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    seen: set[str] = set()
    for route in walk(get_resolver().url_patterns, "/"):
        if route not in seen:
            seen.add(route)
            yield route


@pytest.fixture
def world(units, make_user) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    own_case = crime_services.create_case(
        user=None,
        owner_unit=units.ky_son,
        case_ref="NA-1",
        detected_on=dt.date(2024, 5, 1),
        province=Province.objects.get(code="VN-22"),
    )
    other_case = crime_services.create_case(
        user=None,
        owner_unit=units.ha_tinh,
        case_ref="HT-1",
        detected_on=dt.date(2024, 5, 2),
        province=Province.objects.get(code="VN-23"),
    )
    own_person = crime_services.create_person(
        user=None, case=own_case, person_ref="P1", full_name="Trần Văn An"
    )
    other_person = crime_services.create_person(
        user=None, case=other_case, person_ref="P2", full_name="Lê Văn Bình"
    )
    users = {
        (role, level): make_user(getattr(units, level), [role])
        for role in ROLES
        for level in LEVELS
    }
    return {
        "units": units,
        "users": users,
        "own": {"case": own_case, "person": own_person},
        "other": {"case": other_case, "person": other_person},
    }


NOWHERE = "999999"
# What stands in for each route parameter; a record the callers may see ("own") or one of
# another province ("other"). Parameters of records not made here point at nothing (404).
REGEX_ROUTES = {
    "/admin/^(?P<app_label>auth|otp_totp|otp_static|core|crime|exchange|screening)/$": (
        "/admin/core/"
    ),
    "/admin/(?P<url>.*)$": "/admin/nowhere/",
    "/^taxii2/(?P<rest>.+)$": "/taxii2/nowhere/",
}


def fill(route: str, world: dict[str, Any], whose: str) -> str:
    if route in REGEX_ROUTES:
        return REGEX_ROUTES[route]
    records = world[whose]
    record = records["person"] if "persons" in route else records["case"]
    values = {
        "<slug:kind>": "cases",
        "<str:kind>": "cases",
        "<kind>": "cases",
        "<uuid:uuid>": str(record.uuid) if "kind>" in route else str(uuidlib.uuid4()),
        "<uuid:record_uuid>": str(record.uuid),
        "<uuid>": str(record.uuid)
        if "/cases/" in route or "/persons/" in route
        else str(uuidlib.uuid4()),
        "<unit_id>": str(world["units"].ky_son.pk),
        "<str:sha256>": "0" * 64,
        "<sha256>": "0" * 64,
        "<str:fmt>": "csv",
    }
    if route.startswith("/node/units/"):
        values["<int:pk>"] = str(world["units"].ky_son.pk)
    elif route.startswith("/node/users/"):
        values["<int:pk>"] = str(world["users"][(Role.OFFICER, "ky_son")].pk)
    url = route
    for param, value in values.items():
        url = url.replace(param, value)
    while "<" in url:
        start, end = url.index("<"), url.index(">")
        url = url[:start] + NOWHERE + url[end + 1 :]
    return url


# Classes of answer. SIGN_IN: a web page redirects to the sign-in page, the API answers 401.
OK, DENIED, MISSING, INPUT, METHOD, PEER, SIGN_IN, AWAY = (
    "ok",
    "denied",
    "missing",
    "input",
    "method",
    "peer",
    "sign-in",
    "away",
)
CLASSES = {
    OK: {200},
    DENIED: {403, 404},
    MISSING: {404},
    INPUT: {400, 422},
    METHOD: {405},
    PEER: {401, 403},
    AWAY: {302},
}
OFF, ANA, SUP, ADM = ROLES


@dataclass(frozen=True)
class Rule:
    """What each role gets from a GET of the route (the same at every unit level), and
    whether the route names a record, so that another province's one must be 404."""

    anonymous: str
    roles: dict[str, str]
    record: bool = False


def everyone(answer: str, anonymous: str = SIGN_IN, record: bool = False) -> Rule:
    return Rule(anonymous, dict.fromkeys(ROLES, answer), record)


WEB = everyone(OK)
WEB_RECORD = everyone(OK, record=True)
# Analysts read but do not write: their forms send them back to the list.
WEB_WRITE = Rule(SIGN_IN, {OFF: OK, ANA: AWAY, SUP: OK, ADM: OK})
WEB_WRITE_RECORD = Rule(SIGN_IN, {OFF: OK, ANA: AWAY, SUP: OK, ADM: OK}, record=True)
WEB_MISSING = everyone(MISSING)
WEB_POST = everyone(METHOD)
NODE_ADMIN = Rule(SIGN_IN, {OFF: DENIED, ANA: DENIED, SUP: DENIED, ADM: OK})
SUPERVISORS = Rule(SIGN_IN, {OFF: DENIED, ANA: DENIED, SUP: OK, ADM: DENIED})
NODE_ADMIN_POST = Rule(SIGN_IN, {OFF: DENIED, ANA: DENIED, SUP: DENIED, ADM: METHOD})
SEARCH = Rule(SIGN_IN, {OFF: OK, ANA: OK, SUP: OK, ADM: DENIED})
ALERTS = Rule(SIGN_IN, {OFF: DENIED, ANA: OK, SUP: OK, ADM: DENIED})
ALERT = Rule(SIGN_IN, {OFF: DENIED, ANA: MISSING, SUP: MISSING, ADM: DENIED})
# Django's admin site: only staff, and no fixture user is staff.
ADMIN_SITE = everyone(AWAY, anonymous=AWAY)
PUBLIC = everyone(OK, anonymous=OK)
PEERS_ONLY = everyone(PEER, anonymous=PEER)
POST_ONLY = everyone(METHOD, anonymous=METHOD)
NOT_FOUND = everyone(MISSING, anonymous=MISSING)
API = everyone(OK)
API_RECORD = everyone(OK, record=True)
API_INPUT = everyone(INPUT)
API_MISSING = everyone(MISSING)

RULES: dict[str, Rule] = {
    "/": WEB,
    "/login/": Rule(OK, dict.fromkeys(ROLES, AWAY)),
    "/logout/": POST_ONLY,
    "/language/": POST_ONLY,
    "/password/": WEB,
    "/sign-in/code/": Rule(AWAY, dict.fromkeys(ROLES, AWAY)),
    "/account/second-factor/": WEB,
    "/node/": NODE_ADMIN,
    "/node/units/": NODE_ADMIN,
    "/node/units/new/": NODE_ADMIN,
    "/node/units/<int:pk>/": NODE_ADMIN,
    "/node/users/": NODE_ADMIN,
    "/node/users/new/": NODE_ADMIN,
    "/node/users/<int:pk>/": NODE_ADMIN,
    "/node/users/<int:pk>/reset/": NODE_ADMIN_POST,
    "/node/users/<int:pk>/reset-second-factor/": NODE_ADMIN_POST,
    "/map/": WEB,
    "/map/provinces.geojson": WEB,
    "/map/layers.json": WEB,
    "/links/": WEB,
    "/links/expand.json": WEB_MISSING,
    "/links/start.json": WEB,
    "/timeline/<slug:kind>/<uuid:uuid>/": WEB_RECORD,
    "/crime/import/": WEB_WRITE,
    "/crime/cases/": WEB,
    "/crime/persons/": WEB,
    "/crime/seizures/": WEB,
    "/crime/rings/": WEB,
    "/crime/hotspots/": WEB,
    "/crime/cultivation-sites/": WEB,
    "/crime/precursor-incidents/": WEB,
    "/crime/<slug:kind>/": WEB,
    "/crime/<slug:kind>/new/": WEB_WRITE,
    "/crime/<slug:kind>/<uuid:uuid>/": WEB_RECORD,
    "/crime/<slug:kind>/<uuid:uuid>/edit/": WEB_WRITE_RECORD,
    "/federation/v1/identity": PUBLIC,
    "/federation/v1/feed": PEERS_ONLY,
    "/federation/v1/ping": POST_ONLY,
    "/federation/v1/receipts": POST_ONLY,
    "/federation/v1/cooperation/files/<str:kind>/<uuid:uuid>/<str:sha256>": PEERS_ONLY,
    "/exchange/peers/": WEB,
    "/exchange/releases/": WEB,
    "/exchange/releases/new/<str:kind>/<uuid:record_uuid>/": WEB_RECORD,
    "/exchange/releases/<int:pk>/approve/": WEB_POST,
    "/exchange/releases/<int:pk>/decline/": WEB_POST,
    "/exchange/releases/<int:pk>/withdraw/": WEB_MISSING,  # GET: the confirmation page
    "/exchange/releases/bulk/<str:kind>/": SUPERVISORS,
    "/exchange/records/<str:kind>/<uuid:record_uuid>/": WEB_RECORD,
    "/hotline/": WEB,
    "/hotline/channels/<int:pk>/": WEB_MISSING,
    "/hotline/messages/<uuid:uuid>/": WEB_MISSING,
    "/hotline/admin/": NODE_ADMIN,
    "/hotline/report/": WEB,
    "/wanted/": WEB,
    "/wanted/new/": WEB,
    "/wanted/<uuid:uuid>/": WEB_MISSING,
    "/requests/": WEB,
    "/requests/new/": WEB,
    "/requests/<uuid:uuid>/": WEB_MISSING,
    "/attachments/<int:pk>/": WEB_MISSING,
    "/files/<str:kind>/<uuid:uuid>/<str:sha256>/": WEB_MISSING,
    "/joint/": WEB,
    "/joint/cases/new/": WEB,
    "/joint/cases/<uuid:uuid>/": WEB_MISSING,
    "/joint/patrols/new/": WEB,
    "/joint/patrols/<uuid:uuid>/": WEB_MISSING,
    "/joint/agreements/new/": WEB,
    "/joint/agreements/<uuid:uuid>/": WEB_MISSING,
    "/joint/meetings/new/": WEB,
    "/joint/meetings/<uuid:uuid>/": WEB_MISSING,
    "/joint/projects/new/": WEB,
    "/joint/projects/<uuid:uuid>/": WEB_MISSING,
    "/statistics/": WEB,
    "/statistics/export.<str:fmt>": everyone(INPUT),
    "/screening/search/": SEARCH,
    "/screening/alerts/": ALERTS,
    "/screening/alerts/<int:alert_id>/": ALERT,
    "/api/v1/openapi.json": PUBLIC,
    "/api/v1/docs": PUBLIC,
    "/api/v1/health": PUBLIC,
    "/api/v1/": NOT_FOUND,
    "/api/v1/node": API,
    "/api/v1/me": API,
    "/api/v1/units": API,
    "/api/v1/units/<unit_id>": API,
    "/api/v1/persons/search": API_INPUT,
    "/api/v1/match-alerts": ALERTS,
    "/api/v1/match-alerts/<alert_id>": ALERT,
    "/api/v1/cases": API,
    "/api/v1/cases/<uuid>": API_RECORD,
    "/api/v1/persons": API,
    "/api/v1/persons/<uuid>": API_RECORD,
    "/api/v1/seizures": API,
    "/api/v1/seizures/<uuid>": API_MISSING,
    "/api/v1/hotspots": API,
    "/api/v1/hotspots/<uuid>": API_MISSING,
    "/api/v1/rings": API,
    "/api/v1/rings/<uuid>": API_MISSING,
    "/api/v1/cultivation-sites": API,
    "/api/v1/precursor-incidents": API,
    "/api/v1/drugs": API,
    "/api/v1/peers": API,
    "/api/v1/releases": API,
    "/api/v1/releases/<pk>/approve": POST_ONLY,
    "/api/v1/releases/<pk>/withdraw": POST_ONLY,
    "/api/v1/releases/status/<kind>/<uuid>": API_MISSING,
    "/api/v1/files/<kind>/<uuid>/<sha256>": API_MISSING,
    "/api/v1/hotline/channels": API,
    "/api/v1/hotline/report": API_INPUT,
    "/api/v1/messages": API,
    "/api/v1/messages/<uuid>": API_MISSING,
    "/api/v1/messages/<uuid>/read": POST_ONLY,
    "/api/v1/messages/<uuid>/acknowledge": POST_ONLY,
    "/api/v1/wanted-notices": API,
    "/api/v1/wanted-notices/abroad": API,
    "/api/v1/wanted-notices/<uuid>": API_MISSING,
    "/api/v1/wanted-notices/<uuid>/events": POST_ONLY,
    "/api/v1/wanted-notices/<uuid>/withdraw": POST_ONLY,
    "/api/v1/wanted-notices/<uuid>/delivery": API_MISSING,
    "/api/v1/requests": API,
    "/api/v1/requests/<uuid>": API_MISSING,
    "/api/v1/requests/<uuid>/responses": POST_ONLY,
    "/api/v1/requests/<uuid>/close": POST_ONLY,
    "/api/v1/joint-cases": API,
    "/api/v1/joint-cases/count": API_INPUT,
    "/api/v1/joint-cases/<uuid>": API_MISSING,
    "/api/v1/joint-cases/<uuid>/entries": POST_ONLY,
    "/api/v1/joint-cases/<uuid>/entries/<entry>": POST_ONLY,
    "/api/v1/patrols": API,
    "/api/v1/patrols/<uuid>": API_MISSING,
    "/api/v1/patrols/<uuid>/status": POST_ONLY,
    "/api/v1/patrols/<uuid>/results": POST_ONLY,
    "/api/v1/agreements": API,
    "/api/v1/agreements/<uuid>": API_MISSING,
    "/api/v1/agreements/<uuid>/action-items": POST_ONLY,
    "/api/v1/action-items/<uuid>": POST_ONLY,
    "/api/v1/meetings": API,
    "/api/v1/meetings/<uuid>": API_MISSING,
    "/api/v1/statistics": API_INPUT,
    "/taxii2/schemas/<str:name>": NOT_FOUND,
    "/^taxii2/(?P<rest>.+)$": PEERS_ONLY,
}
# Route families under one rule: the admin site, the TAXII server (its own basic auth).
PREFIX_RULES: dict[str, Rule] = {
    "/admin/login/": PUBLIC,
    "/admin/": ADMIN_SITE,
    "/taxii2/": PEERS_ONLY,
}


def rule_for(route: str) -> Rule | None:
    if route in RULES:
        return RULES[route]
    for prefix, rule in PREFIX_RULES.items():
        if route.startswith(prefix):
            return rule
    return None


def test_every_endpoint_has_a_rule() -> None:
    missing = [route for route in routes() if rule_for(route) is None]
    assert not missing, f"routes without an access rule in RULES: {missing}"
    stale = [route for route in RULES if route not in set(routes())]
    assert not stale, f"rules for routes that no longer exist: {stale}"


def _class_of(response: Any, answer: str, api: bool) -> bool:
    if answer == SIGN_IN:
        if api:
            return response.status_code == 401
        return response.status_code == 302 and response["Location"].startswith("/login/")
    return response.status_code in CLASSES[answer]


def test_every_role_at_every_level_gets_what_its_rule_allows(world) -> None:  # type: ignore[no-untyped-def]
    clients: dict[Any, Client] = {None: Client()}
    for key, user in world["users"].items():
        clients[key] = TestClient()
        clients[key].force_login(user)
    wrong: list[str] = []
    for route in routes():
        rule = rule_for(route)
        assert rule is not None, route
        url, api = fill(route, world, "own"), route.startswith("/api/")
        other = fill(route, world, "other") if rule.record else None
        response = clients[None].get(url)
        if not _class_of(response, rule.anonymous, api):
            wrong.append(f"anonymous GET {url}: {response.status_code}, not {rule.anonymous}")
        for role, level in world["users"]:
            answer = rule.roles[role]
            response = clients[(role, level)].get(url)
            if not _class_of(response, answer, api):
                wrong.append(f"{role}@{level} GET {url}: {response.status_code}, not {answer}")
            if other is not None and answer == OK:
                # the ministry sees every province; a province or district sees its own only
                expected = OK if level == "ministry" else MISSING
                response = clients[(role, level)].get(other)
                if not _class_of(response, expected, api):
                    wrong.append(
                        f"{role}@{level} GET {other} (Hà Tĩnh): {response.status_code}, "
                        f"not {expected}"
                    )
    assert not wrong, f"{len(wrong)} answers outside their rule:\n" + "\n".join(wrong)
