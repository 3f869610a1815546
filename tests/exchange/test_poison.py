"""One bad envelope is refused on its own: it names the record, the field and the reason,
the rest of the page applies and the cursor moves on (issue 10 item 6, issue 11 item 8)."""

from __future__ import annotations

import uuid
from typing import Any

from liaison.crime.models import CultivationSite, Drug, DrugCase
from liaison.exchange import envelope as env
from liaison.exchange import services
from liaison.exchange.models import Holding, Peer
from tests.exchange.conftest import THIS_NODE, FakePeer, case_body


def apply(peer: Peer, fake: FakePeer, *envelopes: env.Envelope) -> Any:
    peer.refresh_from_db()
    items = [(peer.pull_cursor + i + 1, fake.sign(e)) for i, e in enumerate(envelopes)]
    return services.apply_envelopes(peer, items, cursor=items[-1][0])


def site(fake: FakePeer, **over: Any) -> env.Envelope:
    drug = Drug.objects.order_by("code").first()
    assert drug is not None
    body = {
        "site_ref": f"LA-S-{uuid.uuid4().hex[:6]}",
        "province": "LA-XI",
        "district": "",
        "commune": "",
        "crop": drug.code,
        "plants": 1200,
        "area_ha": "0.5000",
        "found_on": "2026-02-01",
        "destroyed_on": None,
        "latitude": None,
        "longitude": None,
        "created_at": "2026-02-01T00:00:00+00:00",
        "updated_at": "2026-02-01T00:00:00+00:00",
        **over,
    }
    return fake.envelope(kind="cultivation-sites", body=body)


def test_poison_envelope_refused_alone_and_the_page_applies(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    good = [fake_la.envelope(), site(fake_la), fake_la.envelope()]
    huge = site(fake_la, plants=10**30)
    result = apply(la_peer, fake_la, good[0], huge, good[1], good[2])
    assert result.applied == 3
    [(reason, detail)] = result.rejected
    assert reason == "schema"
    assert f"cultivation-sites {huge.uuid}" in detail and "plants" in detail
    assert not CultivationSite.objects.filter(uuid=huge.uuid).exists()
    assert CultivationSite.objects.filter(uuid=good[1].uuid).exists()
    assert DrugCase.objects.filter(uuid__in=[good[0].uuid, good[2].uuid]).count() == 2
    assert not Holding.objects.filter(record_uuid=huge.uuid).exists()
    la_peer.refresh_from_db()
    assert la_peer.pull_cursor == 4
    assert la_peer.rejections.get().record_uuid == huge.uuid


def test_received_records_pass_choices_and_ranges(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    bad = [
        fake_la.envelope(body=case_body(status="vanished")),
        site(fake_la, plants=-3),
        fake_la.envelope(body=case_body(transport_mode="teleport")),
    ]
    result = apply(la_peer, fake_la, *bad, fake_la.envelope())
    assert result.applied == 1
    assert len(result.rejected) == 3
    details = {e.uuid: d for e in bad for _r, d in result.rejected if e.uuid in d}
    assert "status" in details[bad[0].uuid] and "vanished" in details[bad[0].uuid]
    assert "plants" in details[bad[1].uuid]
    assert "transport_mode" in details[bad[2].uuid]
    assert not DrugCase.objects.filter(uuid=bad[0].uuid).exists()


def test_envelope_fields_tied_to_the_peer(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    unaddressed = fake_la.envelope(markings=env.Markings("AMBER", "H1", "", ()))
    thai = fake_la.envelope(origin_country="TH")
    result = apply(la_peer, fake_la, unaddressed, thai, fake_la.envelope())
    assert result.applied == 1
    reasons = dict(result.rejected)
    assert set(reasons) == {"not_addressed", "foreign_country"}
    assert "TH" in reasons["foreign_country"] and "LA" in reasons["foreign_country"]
    assert not DrugCase.objects.filter(uuid__in=[unaddressed.uuid, thai.uuid]).exists()
    assert THIS_NODE
