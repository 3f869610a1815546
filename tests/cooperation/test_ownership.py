"""Only the owner changes a record: a partner's contribution is the partner's own record,
linked to ours, and moves our lifecycle only as docs/cooperation.md says (issue 10 item 5)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from liaison.cooperation import services
from liaison.cooperation.models import WantedEvent, WantedNotice
from liaison.core.models import AuditEntry
from liaison.core.node import this_node
from liaison.exchange import envelope as env
from liaison.exchange.registry import ApplyRefused


@pytest.fixture
def notice(supervisor, peer):  # type: ignore[no-untyped-def]
    return services.issue_wanted_notice(
        supervisor,
        notice_type="red",
        full_name="Vừ Bá Lầu",
        offences="Mua bán trái phép chất ma túy (Điều 251 BLHS)",
        warrant_reference="LB-12/2026",
    )


def event(notice: WantedNotice, status: str) -> dict[str, str]:
    return {"notice": str(notice.uuid), "status": status, "at": timezone.now().isoformat()}


def test_partner_cannot_withdraw_our_notice(notice, receive) -> None:  # type: ignore[no-untyped-def]
    version = notice.version
    with pytest.raises(ApplyRefused) as refused:
        receive("wanted-notice-events", event(notice, "withdrawn"))
    assert refused.value.reason == "not_owner"
    assert "status" in str(refused.value) and "withdrawn" in str(refused.value)
    notice.refresh_from_db()
    assert notice.status == "issued" and notice.version == version
    assert not WantedEvent.objects.filter(notice=notice).exists()


def test_partner_located_is_audited_and_bumps_nothing(notice, receive) -> None:  # type: ignore[no-untyped-def]
    version = notice.version
    located = receive("wanted-notice-events", event(notice, "located"))
    notice.refresh_from_db()
    assert notice.status == "located" and notice.version == version
    assert located.origin != notice.origin
    entry = AuditEntry.objects.get(action="cooperation.contribution_applied")
    assert entry.object_id == str(notice.uuid)
    assert entry.detail["status_to"] == "located" and entry.detail["sender"] == located.origin


def test_contribution_to_a_record_not_released_to_the_sender(supervisor, receive) -> None:  # type: ignore[no-untyped-def]
    private = services.issue_wanted_notice(
        supervisor,
        notice_type="blue",
        full_name="A",
        offences="B",
        warrant_reference="C",
        send_to_partner=False,
    )
    with pytest.raises(ApplyRefused) as refused:
        receive("wanted-notice-events", event(private, "located"))
    assert refused.value.reason == "not_released"
    private.refresh_from_db()
    assert private.status == "issued"


def test_owner_withdraws_its_own_notice_here(units, partner_notice, receive) -> None:  # type: ignore[no-untyped-def]
    theirs = partner_notice("LA-WN-1")
    receive("wanted-notice-events", event(theirs, "withdrawn"))
    theirs.refresh_from_db()
    assert theirs.status == "withdrawn"
    with pytest.raises(ApplyRefused, match="withdrawn"):
        receive("wanted-notice-events", event(theirs, "located"), origin="th-test0001")


def test_partners_recall_keeps_our_contributions(
    units, peer, partner_notice, receive, supervisor
) -> None:  # type: ignore[no-untyped-def]
    from liaison.exchange import services as exchange
    from tests.exchange.conftest import FakePeer

    la = FakePeer(peer.node_id, "LA")
    theirs = partner_notice("LA-WN-2", believed_country="VN")
    ours = services.add_wanted_event(supervisor, theirs, "located", place="Nậm Cắn")
    their_step = receive("wanted-notice-events", event(theirs, "arrested"))
    recall = la.make_envelope(
        env.Markings("AMBER", "H0", "", (this_node().id,)),
        {},
        {"kind": "wanted-notices", "uuid": str(theirs.uuid), "op": "recall", "version": 2},
    )
    peer.public_key = la.public_key
    peer.save()
    result = exchange.apply_envelopes(peer, [(1, la.sign(recall))], cursor=1)
    assert result.applied == 1, result.rejected
    assert not WantedNotice.objects.filter(uuid=theirs.uuid).exists()
    ours.refresh_from_db()  # ours stays, detached, saying why
    assert ours.notice is None and ours.parent_recalled_by == "LA"
    assert ours.parent_recalled.startswith("parent recalled by LA on ")
    assert not WantedEvent.objects.filter(uuid=their_step.uuid).exists()  # LA's went with it
