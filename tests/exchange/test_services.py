"""Release, outbox, feed, applying, receipts and signed requests — in one process."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from liaison.core import node
from liaison.core.models import Tlp
from liaison.crime.models import DrugCase
from liaison.exchange import envelope as env
from liaison.exchange import services
from liaison.exchange.models import Holding, OutboxEntry, Peer, Rejection, Release, ReleaseState
from liaison.exchange.services import RequestRefused

from .conftest import THIS_NODE, FakePeer, case_body
from .nodes import signed_receipt

pytestmark = pytest.mark.django_db


def feed_envelopes(peer: Peer) -> list[env.Envelope]:
    me = services.this_node()
    keys = {services.signer().kid: env.public_key_from_b64(me.public_key)}
    page = services.feed_page(peer, 0, 1000)
    return [env.parse(item["jws"], keys, expected_origin=me.id) for item in page["items"]]


# --- peering ------------------------------------------------------------------------------


def test_fingerprint_mismatch_refused(fake_la: FakePeer) -> None:
    with pytest.raises(services.PeerError, match="fingerprint mismatch"):
        services.check_identity(fake_la.identity(), "0000 1111 2222")
    other = FakePeer()
    fp = node.fingerprint_of(env.raw_key(other.key.public_key()))
    with pytest.raises(services.PeerError):
        services.check_identity(fake_la.identity(), fp)
    good = node.fingerprint_of(env.raw_key(fake_la.key.public_key()))
    assert services.check_identity(fake_la.identity(), good.upper().replace(" ", ":"))


# --- release ------------------------------------------------------------------------------


def test_supervisor_release_puts_signed_envelope_in_feed(staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    [release] = services.release_to(
        staff.supervisor, case, [la_peer], tlp="AMBER", handling="H1", basis="MoU 9 Aug 2021"
    )
    assert release.state == ReleaseState.ACTIVE
    [e] = feed_envelopes(la_peer)
    assert (e.kind, e.uuid, e.version, e.op) == ("cases", str(case.uuid), 1, "upsert")
    assert e.markings.tlp == "AMBER" and e.markings.released_to == (la_peer.node_id,)
    assert e.body["case_ref"] == case.case_ref and e.body["province"] == "VN-22"


def test_officer_proposes_supervisor_approves(staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    with pytest.raises(PermissionDenied):
        services.release_to(staff.officer, case, [la_peer], tlp="GREEN", handling="H0", basis="MoU")
    release = services.propose_release(
        staff.officer, case, la_peer, tlp="GREEN", handling="H0", basis="MoU"
    )
    assert release.state == ReleaseState.PROPOSED
    assert not OutboxEntry.objects.exists()
    with pytest.raises(PermissionDenied):
        services.approve_release(staff.officer, release)
    services.approve_release(staff.province_supervisor, release)
    release.refresh_from_db()
    assert release.state == ReleaseState.ACTIVE and release.approved_by == staff.province_supervisor
    assert OutboxEntry.objects.count() == 1


def test_red_is_never_released(staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case(tlp=Tlp.RED)
    with pytest.raises(ValidationError, match="RED"):
        services.release_to(
            staff.supervisor, case, [la_peer], tlp="AMBER", handling="H0", basis="MoU"
        )
    with pytest.raises(ValidationError, match="RED"):
        services.propose_release(
            staff.officer, case, la_peer, tlp="AMBER", handling="H0", basis="MoU"
        )
    other = make_case()
    with pytest.raises(ValidationError, match="RED"):
        services.release_to(
            staff.supervisor, other, [la_peer], tlp="RED", handling="H0", basis="MoU"
        )
    assert not OutboxEntry.objects.exists() and not Release.objects.exists()


def test_record_turned_red_is_recalled(staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    from liaison.crime import services as crime

    case = make_case()
    services.release_to(staff.supervisor, case, [la_peer], tlp="AMBER", handling="H0", basis="MoU")
    crime.update_case(case, user=None, tlp=Tlp.RED)
    [e] = feed_envelopes(la_peer)
    assert e.op == "recall"
    assert Release.objects.get().state == ReleaseState.WITHDRAWN


def test_update_sends_new_version_and_supersedes(staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    from liaison.crime import services as crime

    case = make_case()
    services.release_to(staff.supervisor, case, [la_peer], tlp="AMBER", handling="H0", basis="MoU")
    crime.update_case(case, user=None, summary="Khởi tố 3 bị can")
    [e] = feed_envelopes(la_peer)
    assert e.version == 2 and e.body["summary"] == "Khởi tố 3 bị can"
    assert services.record_changed(case) == 0  # idempotent per version


def test_withdraw_sends_recall(staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    [release] = services.release_to(
        staff.supervisor, case, [la_peer], tlp="AMBER", handling="H0", basis="MoU"
    )
    services.withdraw_release(staff.supervisor, release)
    [e] = feed_envelopes(la_peer)
    assert e.op == "recall" and e.body == {}


def test_feed_only_shows_the_peers_own_entries(staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    kh = services.add_peer("KH", "http://127.0.0.1:8", FakePeer("kh-0001", "KH").identity())
    a, b = make_case(), make_case()
    services.release_to(staff.supervisor, a, [la_peer], tlp="AMBER", handling="H0", basis="MoU")
    services.release_to(staff.supervisor, b, [kh], tlp="AMBER", handling="H0", basis="MoU")
    for after in (0, -5, 1, 10**9):
        page = services.feed_page(la_peer, after, 10)
        uuids = {
            env.strict_json(env.b64url_decode(i["jws"].split(".")[1]))["uuid"]
            for i in page["items"]
        }
        assert str(b.uuid) not in uuids
    assert [e.uuid for e in feed_envelopes(kh)] == [str(b.uuid)]


def test_bulk_release_skips_red(staff, la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange.registry import get_kind

    cases = [make_case() for _ in range(5)] + [make_case(tlp=Tlp.RED)]
    n, skipped = services.bulk_release(
        staff.supervisor,
        get_kind("cases"),
        DrugCase.objects.all(),
        la_peer,
        tlp="GREEN",
        handling="H0",
        basis="MoU",
        batch=2,
    )
    assert n == 5 and len(skipped) == 1 and "RED" in skipped[0]
    assert OutboxEntry.objects.count() == 5
    assert str(cases[-1].uuid) not in {e.uuid for e in feed_envelopes(la_peer)}


# --- applying -----------------------------------------------------------------------------


def apply(peer: Peer, fake: FakePeer, *envelopes: env.Envelope, tokens: list[str] | None = None):  # type: ignore[no-untyped-def]
    peer.refresh_from_db()
    tokens = [fake.sign(e) for e in envelopes] + list(tokens or [])
    items = [(peer.pull_cursor + i + 1, t) for i, t in enumerate(tokens)]
    return services.apply_envelopes(peer, items, cursor=items[-1][0])


def test_apply_creates_read_only_copy_and_is_idempotent(la_peer, fake_la, units) -> None:  # type: ignore[no-untyped-def]
    e = fake_la.envelope()
    result = apply(la_peer, fake_la, e)
    assert result.applied == 1 and not result.rejected
    copy = DrugCase.objects.get(uuid=e.uuid)
    assert copy.origin == fake_la.node_id and copy.origin_country == "LA"
    assert copy.owner_unit == units.ministry and copy.tlp == "AMBER" and copy.handling == "H1"
    assert not copy.is_local
    again = apply(la_peer, fake_la, e, e)
    assert again.applied == 0 and not again.rejected
    assert DrugCase.objects.filter(uuid=e.uuid).count() == 1
    la_peer.refresh_from_db()
    assert la_peer.pull_cursor == 3


def test_apply_out_of_order_keeps_newest(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    u = str(uuid.uuid4())
    v1 = fake_la.envelope(uuid=u, version=1, body=case_body("LA-1", summary="v1"))
    v2 = fake_la.envelope(uuid=u, version=2, body=case_body("LA-1", summary="v2"))
    v3 = fake_la.envelope(uuid=u, version=3, body=case_body("LA-1", summary="v3"))
    apply(la_peer, fake_la, v2, v3, v1)
    assert DrugCase.objects.get(uuid=u).summary == "v3"
    result = apply(la_peer, fake_la, v1)
    assert [r for r, _ in result.rejected] == ["older_version"]
    assert DrugCase.objects.get(uuid=u).version == 3


def test_recall_deletes_copy_and_older_copies_never_return(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    u = str(uuid.uuid4())
    v1 = fake_la.envelope(uuid=u)
    apply(la_peer, fake_la, v1)
    recall = fake_la.envelope(uuid=u, op="recall", body={}, issued_at=env.utc_stamp())
    apply(la_peer, fake_la, recall)
    assert not DrugCase.objects.filter(uuid=u).exists()
    apply(la_peer, fake_la, v1)  # a late duplicate of the old copy
    assert not DrugCase.objects.filter(uuid=u).exists()
    time.sleep(0.001)
    again = fake_la.envelope(uuid=u, issued_at=env.utc_stamp())  # re-released later
    apply(la_peer, fake_la, again)
    assert DrugCase.objects.filter(uuid=u).exists()


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda f: FakePeer().sign(f.envelope()), "unknown_key"),
        (lambda f: f.sign(f.envelope())[:-4] + "AAAA", "bad_signature"),
        (lambda f: f.sign(f.envelope(origin="th-0001", origin_country="TH")), "foreign_origin"),
        (
            lambda f: f.signer.sign_json(
                {
                    **f.envelope().to_dict(),
                    "markings": {
                        "tlp": "RED",
                        "handling": "H0",
                        "handling_note": "",
                        "released_to": [],
                    },
                },
                env.TYP_ENVELOPE,
            ),
            "tlp_red",
        ),
        (lambda f: f.signer.sign_bytes(b"{not json", env.TYP_ENVELOPE), "invalid_json"),
        (
            lambda f: f.sign(f.envelope(markings=env.Markings("AMBER", "H0", "", ("kh-0001",)))),
            "not_addressed",
        ),
        (lambda f: f.sign(f.envelope(kind="spaceships")), "unknown_kind"),
        (lambda f: f.sign(f.envelope(body=case_body(province="XX-99"))), "missing_reference"),
        (lambda f: f.sign(f.envelope(body=case_body(detected_on="31 Feb"))), "schema"),
        (lambda f: f.signer.sign_json({"x": "a" * 300_000}, env.TYP_ENVELOPE), "too_large"),
    ],
)
def test_bad_envelopes_refused_with_reason(la_peer, fake_la, make_token, reason) -> None:  # type: ignore[no-untyped-def]
    before = DrugCase.objects.count()
    result = apply(la_peer, fake_la, tokens=[make_token(fake_la)])
    assert [r for r, _ in result.rejected] == [reason]
    assert DrugCase.objects.count() == before and not Holding.objects.exists()
    assert la_peer.rejection_counts() == {reason: 1}


def test_foreign_uuid_of_local_record_refused(la_peer, fake_la, make_case) -> None:  # type: ignore[no-untyped-def]
    local = make_case(summary="ours")
    result = apply(la_peer, fake_la, fake_la.envelope(uuid=str(local.uuid)))
    assert [r for r, _ in result.rejected] == ["foreign_origin"]
    local.refresh_from_db()
    assert local.summary == "ours" and local.is_local


def test_good_envelopes_applied_beside_bad_one(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    good = [fake_la.envelope() for _ in range(3)]
    result = apply(la_peer, fake_la, *good, tokens=[FakePeer().sign(fake_la.envelope())])
    assert result.applied == 3 and len(result.rejected) == 1


# --- receipts -----------------------------------------------------------------------------


def test_receipt_marks_delivery_and_recall_confirmation(staff, la_peer, fake_la, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    [release] = services.release_to(
        staff.supervisor, case, [la_peer], tlp="AMBER", handling="H0", basis="MoU"
    )
    services.accept_receipt(la_peer, fake_la.receipt(services.outbox_head(la_peer)))
    [status] = services.delivery_status(case.uuid)
    assert status["held_version"] == 1 and "holds version 1" in status["text"]
    services.withdraw_release(staff.supervisor, release)
    [status] = services.delivery_status(case.uuid)
    assert (
        status["op"] == "recall"
        and status["held_version"] == 1
        and "not yet confirmed" in status["text"]
    )
    services.accept_receipt(la_peer, fake_la.receipt(services.outbox_head(la_peer)))
    [status] = services.delivery_status(case.uuid)
    assert status["text"].startswith("recalled; confirmed by LA at")
    assert services.peer_status()[0]["backlog"] == 0


def test_receipt_beyond_feed_or_forged_refused(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(env.EnvelopeError, match="beyond"):
        services.accept_receipt(la_peer, fake_la.receipt(99))
    forged = signed_receipt(FakePeer().signer, fake_la.node_id, THIS_NODE, 0)
    with pytest.raises(env.EnvelopeError):
        services.accept_receipt(la_peer, forged)


def test_build_receipt_reports_refusals(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    apply(la_peer, fake_la, fake_la.envelope(), tokens=[FakePeer().sign(fake_la.envelope())])
    la_peer.refresh_from_db()
    token, ids = services.build_receipt(la_peer)  # type: ignore[misc]
    me = services.this_node()
    data = env.parse_statement(
        token, {services.signer().kid: env.public_key_from_b64(me.public_key)}, env.TYP_RECEIPT
    )
    assert data["through"] == 2 and data["rejected"][0]["reason"] == "unknown_key"
    services.receipt_sent(la_peer, 2, ids)
    assert services.build_receipt(la_peer) is None


# --- signed requests ----------------------------------------------------------------------


def test_signed_request_accepted_once(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    path, body = "/federation/v1/feed?after=0&limit=10", b""
    headers = fake_la.request_headers("GET", path, body)
    assert services.verify_request("GET", path, headers, body) == la_peer
    with pytest.raises(RequestRefused) as info:
        services.verify_request("GET", path, headers, body)
    assert info.value.reason == "replayed"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda h, f: (h, "/federation/v1/feed?after=0&limit=11", b""), "bad_signature"),
        (lambda h, f: (h, "/federation/v1/feed?after=0&limit=10", b"x"), "bad_signature"),
        (lambda h, f: ({**h, "X-Liaison-From": "xx-nobody"}, None, None), "unknown_peer"),
        (
            lambda h, f: (
                f.request_headers(
                    "GET", "/federation/v1/feed?after=0&limit=10", b"", ts=int(time.time()) - 3600
                ),
                None,
                None,
            ),
            "stale_request",
        ),
        (
            lambda h, f: (
                f.request_headers(
                    "GET", "/federation/v1/feed?after=0&limit=10", b"", to="la-other"
                ),
                None,
                None,
            ),
            "wrong_node",
        ),
        (
            lambda h, f: ({k: v for k, v in h.items() if k != "X-Liaison-From"}, None, None),
            "unsigned",
        ),
    ],
)
def test_bad_requests_refused(la_peer, fake_la, mutate, reason) -> None:  # type: ignore[no-untyped-def]
    path, body = "/federation/v1/feed?after=0&limit=10", b""
    headers, new_path, new_body = mutate(fake_la.request_headers("GET", path, body), fake_la)
    with pytest.raises(RequestRefused) as info:
        services.verify_request(
            "GET", new_path or path, headers, body if new_body is None else new_body
        )
    assert info.value.reason == reason
    assert Rejection.objects.filter(reason=reason).exists()


def test_removed_peer_refused(la_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    services.remove_peer(la_peer)
    path = "/federation/v1/feed?after=0&limit=10"
    with pytest.raises(RequestRefused) as info:
        services.verify_request("GET", path, fake_la.request_headers("GET", path, b""), b"")
    assert info.value.reason == "removed_peer"


def test_peer_status_shape(la_peer) -> None:  # type: ignore[no-untyped-def]
    [row] = services.peer_status()
    assert {"name", "url", "last_contact", "backlog", "last_error"} <= set(row)
    json.dumps(row)


def test_auto_release_for_cooperation_records(la_peer, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case(tlp="GREEN")
    assert services.auto_release(case, [la_peer], basis="hotline") == 1
    [e] = feed_envelopes(la_peer)
    assert e.markings.tlp == "GREEN"
    assert services.auto_release(make_case(tlp=Tlp.RED), [la_peer], basis="hotline") == 0
