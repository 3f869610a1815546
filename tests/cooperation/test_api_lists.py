"""Keyset pagination of the cooperation lists (liaison.core.listing): walking the pages of
each mechanism's list gives every record the user may see once, in the list's order, and
never a record of another province."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest

from liaison.cooperation import services
from liaison.cooperation.models import (
    Agreement,
    AssistanceRequest,
    Channel,
    JointCase,
    Meeting,
    Message,
    Patrol,
    WantedNotice,
)
from liaison.cooperation.services.joint import update_joint_case
from liaison.core.models import AuditEntry, Role
from tests.cooperation.test_requests import BASE, PERSON

PER_PROVINCE = 5
DAY = dt.date(2026, 3, 1)


def _records(user: Any, channel: Channel) -> list[Any]:
    """PER_PROVINCE records of every mechanism, written by ``user``. Dates repeat (1, 1, 2, 2
    and 3 March), so the id must keep records of the same day apart."""
    made: list[Any] = []
    for i in range(PER_PROVINCE):
        day = DAY + dt.timedelta(days=i // 2)
        made += [
            services.send_message(user, channel, subject=f"S{i}", body="B"),
            services.issue_wanted_notice(
                user,
                notice_type="blue",
                full_name=f"Người {i}",
                offences="x",
                warrant_reference="w",
                send_to_partner=False,
            ),
            services.send_request(
                user,
                request_type="information",
                **BASE,
                persons=[PERSON] if i % 2 else [],
            ),
            services.open_joint_case(user, title=f"JC {i}", opened_on=day, share_now=False),
            services.plan_patrol(
                user, title=f"P {i}", starts_on=day, ends_on=day + dt.timedelta(days=1), area="A"
            ),
            services.create_agreement(user, title=f"MoU {i}"),
            services.record_meeting(user, title=f"M {i}", held_on=day),
        ]
    update_joint_case(user, made[-4], closed_on=day)
    return made


@pytest.fixture
def provinces(units, make_user, partner_notice, partner_request):  # type: ignore[no-untyped-def]
    """The same records in Nghệ An and in Hà Tĩnh (one joint case of each closed), two
    notices received from the partner (which every user sees) and a request received for
    Nghệ An."""
    services.ensure_default_channels()
    roles = [Role.OFFICER, Role.SUPERVISOR]
    nghe_an = make_user(units.nghe_an, roles)
    ha_tinh = make_user(units.ha_tinh, roles)
    mine = _records(nghe_an, Channel.objects.filter(local_unit=units.nghe_an).first())
    theirs = _records(ha_tinh, Channel.objects.filter(local_unit=units.ha_tinh).first())
    partner = [
        partner_notice("LA-WN-1", full_name="A"),
        partner_notice("LA-WN-2", full_name="B"),
        partner_request("LA-RQ-1"),
    ]
    return SimpleNamespace(
        nghe_an=nghe_an, ha_tinh=ha_tinh, mine=mine, theirs=theirs, partner=partner
    )


LISTS = [
    ("/messages", Message, ("-sent_at", "-id")),
    ("/wanted-notices", WantedNotice, ("-issued_at", "-id")),
    ("/requests", AssistanceRequest, ("-sent_at", "-id")),
    ("/joint-cases", JointCase, ("-opened_on", "-id")),
    ("/patrols", Patrol, ("-starts_on", "-id")),
    ("/agreements", Agreement, ("-id",)),
    ("/meetings", Meeting, ("-held_on", "-id")),
]


def _uuids(model: Any, records: list[Any], order: tuple[str, ...]) -> list[str]:
    pks = [r.pk for r in records if isinstance(r, model)]
    rows = model.objects.filter(pk__in=pks).order_by(*order)
    return [str(u) for u in rows.values_list("uuid", flat=True)]


@pytest.mark.parametrize(("path", "model", "order"), LISTS)
def test_walking_pages_gives_each_visible_record_once_and_none_of_another_province(
    provinces, api_as, path, model, order
) -> None:  # type: ignore[no-untyped-def]
    seen = provinces.mine + provinces.partner
    walked = api_as(provinces.nghe_an).walk(path, limit=2)
    assert [r["uuid"] for r in walked] == _uuids(model, seen, order)
    assert len(walked) >= PER_PROVINCE
    others = set(_uuids(model, provinces.theirs, order))
    assert len(others) == PER_PROVINCE and not others & {r["uuid"] for r in walked}
    # The other province, walking the same list, sees its records and not ours.
    theirs = api_as(provinces.ha_tinh).walk(path, limit=3)
    assert {r["uuid"] for r in theirs} & others == others
    assert not {r["uuid"] for r in theirs} & set(_uuids(model, provinces.mine, order))


def _on(field: str, low: dt.date, high: dt.date) -> Any:
    return lambda r: low <= getattr(r, field) <= high


@pytest.mark.parametrize(
    ("path", "params", "keep"),
    [
        ("/wanted-notices", {"direction": "partner"}, lambda r: not r.is_local),
        ("/wanted-notices", {"direction": "local", "q": "người"}, lambda r: r.is_local),
        ("/wanted-notices", {"direction": "ours"}, lambda r: r.is_local),
        ("/requests", {"direction": "received"}, lambda r: not r.is_local),
        ("/requests", {"direction": "sent", "q": "12.000"}, lambda r: r.is_local),
        (
            "/joint-cases",
            {"opened_from": "2026-03-02", "open_only": "true"},
            lambda r: r.opened_on >= dt.date(2026, 3, 2) and r.closed_on is None,
        ),
        ("/patrols", {"date_to": "2026-03-01", "status": ""}, _on("starts_on", DAY, DAY)),
        (
            "/meetings",
            {"date_from": "2026-03-02", "date_to": "2026-03-02"},
            _on("held_on", DAY + dt.timedelta(days=1), DAY + dt.timedelta(days=1)),
        ),
    ],
)
def test_filters_apply_on_every_page(provinces, api_as, path, params, keep) -> None:  # type: ignore[no-untyped-def]
    model, order = next((m, o) for p, m, o in LISTS if p == path)
    candidates = [r for r in provinces.mine + provinces.partner if isinstance(r, model)]
    records = [r for r in candidates if keep(r)]
    assert records and len(records) < len(candidates)
    walked = api_as(provinces.nghe_an).walk(path, limit=1, **params)
    assert [r["uuid"] for r in walked] == _uuids(model, records, order)


def test_each_notice_and_each_request_naming_a_person_is_audited_per_page(
    provinces, api_as
) -> None:  # type: ignore[no-untyped-def]
    api = api_as(provinces.nghe_an)
    before = AuditEntry.objects.filter(action="wanted.read").count()
    notices = api.walk("/wanted-notices", limit=2)
    reads = AuditEntry.objects.filter(action="wanted.read")
    assert reads.count() == before + len(notices) == before + PER_PROVINCE + 2
    assert set(reads.values_list("object_id", flat=True)) == {n["uuid"] for n in notices}
    requests = api.walk("/requests", limit=2)
    with_persons = {r["uuid"] for r in requests if r["persons"]}
    assert len(requests) == PER_PROVINCE + 1 and 0 < len(with_persons) < PER_PROVINCE
    reads = AuditEntry.objects.filter(action="request.read")
    assert sorted(reads.values_list("object_id", flat=True)) == sorted(with_persons)
    assert set(reads.values_list("username", flat=True)) == {provinces.nghe_an.username}
