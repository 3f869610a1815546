"""Sharing from where you stand: the Release / Propose button and "Shared with" panel on
record pages, the release form (several peers each with its own markings, parts left out),
releasing records selected on a list, and withdrawing with a reason and a confirmation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from liaison.core.models import AuditEntry
from liaison.exchange import services
from liaison.exchange.models import OutboxEntry, Release, ReleaseState

from .conftest import case_body

pytestmark = pytest.mark.django_db


def _button(page: str) -> str | None:
    """The label of the page's share button, None when there is none."""
    found = re.search(r'id="share-release" href="([^"]+)">([^<]+)</a>', page)
    return found.group(2) if found else None


def _active(peer) -> dict[str, Release]:  # type: ignore[no-untyped-def]
    return {
        str(r.record_uuid): r for r in Release.objects.filter(peer=peer, state=ReleaseState.ACTIVE)
    }


def test_record_page_shows_release_for_supervisor_and_propose_for_officer(
    client, staff, la_peer, whole_case
) -> None:  # type: ignore[no-untyped-def]
    case, witness, _suspect, seizure = whole_case
    form_url = reverse("exchange:release_new", args=["cases", case.uuid])
    for user, label in ((staff.province_supervisor, "Release"), (staff.officer, "Propose release")):
        client.force_login(user)
        page = client.get(reverse("crime:detail", args=["cases", case.uuid])).content.decode()
        assert _button(page) == label
        assert f'href="{form_url}"' in page and "Not shared with any partner." in page
    # The same include on the parts' pages and on a cooperation record.
    for kind, obj in (("persons", witness), ("seizures", seizure)):
        page = client.get(reverse("crime:detail", args=[kind, obj.uuid])).content.decode()
        assert _button(page) == "Propose release"
    services.release_to(staff.supervisor, case, [la_peer], tlp="GREEN", handling="H0", basis="x")
    page = client.get(reverse("crime:detail", args=["cases", case.uuid])).content.decode()
    assert "version 1 on its way to LA" in page


def test_no_button_outside_the_users_area_or_on_a_received_record(
    client, units, make_user, staff, la_peer, fake_la, make_case
) -> None:  # type: ignore[no-untyped-def]
    theirs = make_case(unit=units.ha_tinh)
    client.force_login(staff.province_supervisor)  # Nghệ An
    assert client.get(reverse("crime:detail", args=["cases", theirs.uuid])).status_code == 404
    envelope = fake_la.envelope(body=case_body("LA-RECEIVED-7"))
    services.apply_envelopes(la_peer, [(1, fake_la.sign(envelope))], cursor=1)
    client.force_login(staff.supervisor)  # the ministry sees the partner's case
    page = client.get(reverse("crime:detail", args=["cases", envelope.uuid])).content.decode()
    assert "LA-RECEIVED-7" in page and _button(page) is None
    assert "only its origin may release it" in page


@pytest.fixture
def issue_notice(staff):  # type: ignore[no-untyped-def]
    """A wanted notice of Nghệ An, issued by its supervisor (sent to the peers, or not)."""
    from liaison.cooperation.services.wanted import issue_wanted_notice

    def issue(send: bool):  # type: ignore[no-untyped-def]
        return issue_wanted_notice(
            staff.province_supervisor,
            notice_type="red",
            full_name="Vừ Bá Lầu",
            offences="heroin",
            warrant_reference="W-1",
            send_to_partner=send,
        )

    return issue


def test_wanted_notice_page_has_the_button(client, staff, la_peer, issue_notice) -> None:  # type: ignore[no-untyped-def]
    notice = issue_notice(send=False)
    client.force_login(staff.province_supervisor)
    page = client.get(reverse("cooperation:wanted", args=[notice.uuid])).content.decode()
    assert _button(page) == "Release"
    assert reverse("exchange:release_new", args=["wanted-notices", notice.uuid]) in page


def test_form_releases_to_several_peers_each_with_its_markings(
    client, staff, la_peer, ru_peer, whole_case
) -> None:  # type: ignore[no-untyped-def]
    case, witness, suspect, seizure = whole_case
    client.force_login(staff.province_supervisor)
    url = reverse("exchange:release_new", args=["cases", case.uuid])
    page = client.get(url).content.decode()
    assert 'value="RED"' not in page
    # Every part is offered, checked; reading the form names the persons, so it is audited.
    for part in (witness, suspect, seizure):
        assert f'name="parts" value="{part.uuid}" checked' in page
    assert AuditEntry.objects.filter(action="release.read", object_id=str(witness.uuid)).exists()
    form = {
        "peers": [la_peer.pk, ru_peer.pk],
        "tlp": "GREEN",
        "handling": "H0",
        "basis": "Agreement of 2019",
        f"tlp_{la_peer.pk}": "AMBER",
        f"handling_{la_peer.pk}": "H1",
        f"basis_{la_peer.pk}": "MoU of 9 Aug 2021",
        "parts_shown": "1",
        "parts": [str(suspect.uuid), str(seizure.uuid)],  # the witness is left out
    }
    assert client.post(url, form).status_code == 302
    la, ru = _active(la_peer), _active(ru_peer)
    assert set(la) == set(ru) == {str(case.uuid), str(suspect.uuid), str(seizure.uuid)}
    assert (la[str(case.uuid)].tlp, la[str(case.uuid)].handling) == ("AMBER", "H1")
    assert la[str(case.uuid)].basis == "MoU of 9 Aug 2021"
    assert (ru[str(case.uuid)].tlp, ru[str(case.uuid)].handling) == ("GREEN", "H0")
    assert ru[str(case.uuid)].basis == "Agreement of 2019"
    # Each peer's parts go at that peer's markings (or the part's own where stricter).
    assert la[str(seizure.uuid)].handling == "H1" and ru[str(seizure.uuid)].handling == "H0"
    assert la[str(seizure.uuid)].basis == "MoU of 9 Aug 2021"
    assert not OutboxEntry.objects.filter(record_uuid=witness.uuid).exists()


def test_a_peer_without_legal_basis_is_named_and_nothing_released(
    client, staff, la_peer, ru_peer, make_case
) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    client.force_login(staff.province_supervisor)
    url = reverse("exchange:release_new", args=["cases", case.uuid])
    form = {
        "peers": [la_peer.pk, ru_peer.pk],
        "tlp": "GREEN",
        "handling": "H0",
        f"basis_{la_peer.pk}": "MoU of 9 Aug 2021",
    }
    page = client.post(url, form).content.decode()
    assert "Give the legal basis of the release to RU." in page
    assert not Release.objects.exists()
    page = client.post(url, {**form, f"tlp_{ru_peer.pk}": "RED"}).content.decode()
    assert not Release.objects.exists()


def test_officer_proposal_keeps_the_part_left_out_when_approved(
    client, staff, la_peer, whole_case
) -> None:  # type: ignore[no-untyped-def]
    case, witness, suspect, seizure = whole_case
    client.force_login(staff.officer)
    url = reverse("exchange:release_new", args=["cases", case.uuid])
    form = {
        "peers": [la_peer.pk],
        "tlp": "AMBER",
        "handling": "H0",
        "basis": "MoU",
        "parts_shown": "1",
        "parts": [str(suspect.uuid), str(seizure.uuid)],
    }
    assert client.post(url, form).status_code == 302
    proposal = Release.objects.get(state=ReleaseState.PROPOSED)
    assert proposal.left_out == [str(witness.uuid)]
    services.approve_release(staff.province_supervisor, proposal)
    assert set(_active(la_peer)) == {str(case.uuid), str(suspect.uuid), str(seizure.uuid)}


def test_list_has_checkboxes_and_bulk_release_goes_to_every_chosen_peer(
    client, staff, la_peer, ru_peer, make_case
) -> None:  # type: ignore[no-untyped-def]
    first, second = make_case(), make_case()
    red = make_case(tlp="RED")
    client.force_login(staff.province_supervisor)
    page = client.get(reverse("crime:list", args=["cases"])).content.decode()
    assert f'name="record" value="{first.uuid}" form="bulk-release"' in page
    assert f'value="{red.uuid}"' not in page  # a RED record is never offered
    bulk = reverse("exchange:release_bulk", args=["cases"])
    assert f'action="{bulk}"' in page
    page = client.get(bulk, {"record": [str(first.uuid), str(second.uuid)]}).content.decode()
    assert first.case_ref in page and second.case_ref in page
    form = {
        "records": [str(first.uuid), str(second.uuid)],
        "peers": [la_peer.pk, ru_peer.pk],
        "tlp": "GREEN",
        "handling": "H0",
        "basis": "Agreement of 2019",
        f"tlp_{ru_peer.pk}": "AMBER",
    }
    answer = client.post(bulk, form, follow=True)
    assert "Released 2 records to" in answer.content.decode()
    la, ru = _active(la_peer), _active(ru_peer)
    assert set(la) == set(ru) == {str(first.uuid), str(second.uuid)}
    assert la[str(first.uuid)].tlp == "GREEN" and ru[str(first.uuid)].tlp == "AMBER"
    assert AuditEntry.objects.filter(action="release.selected").count() == 1


def test_bulk_release_names_each_refusal_and_releases_nothing(
    client, staff, la_peer, make_case
) -> None:  # type: ignore[no-untyped-def]
    good = make_case()
    red = make_case(tlp="RED")
    client.force_login(staff.province_supervisor)
    bulk = reverse("exchange:release_bulk", args=["cases"])
    form = {
        "records": [str(good.uuid), str(red.uuid)],
        "peers": [la_peer.pk],
        "tlp": "GREEN",
        "handling": "H0",
        "basis": "x",
    }
    page = client.post(bulk + f"?record={good.uuid}&record={red.uuid}", form)
    text = page.content.decode()
    assert page.status_code == 200
    assert f"{red.case_ref}: A TLP:RED record never leaves this node" in text
    assert not Release.objects.exists() and not OutboxEntry.objects.exists()
    client.force_login(staff.officer)
    assert client.post(bulk, form).status_code == 403


def test_withdraw_needs_a_reason_and_a_confirmation(client, staff, la_peer, whole_case) -> None:  # type: ignore[no-untyped-def]
    case = whole_case[0]
    [release] = services.release_to(
        staff.province_supervisor, case, [la_peer], tlp="AMBER", handling="H0", basis="MoU"
    )
    client.force_login(staff.province_supervisor)
    url = reverse("exchange:release_withdraw", args=[release.pk])
    page = client.get(url).content.decode()
    assert "parts that went with it are recalled too" in page and 'name="reason"' in page
    # No reason: refused, nothing changes. A reason but no confirmation: nothing changes.
    for form in ({"confirm": "yes"}, {"reason": "  ", "confirm": "yes"}, {"reason": "closed"}):
        assert client.post(url, form).status_code == 200
        release.refresh_from_db()
        assert release.state == ReleaseState.ACTIVE
    assert not OutboxEntry.objects.filter(op="recall").exists()
    assert client.post(url, {"reason": "Case closed by court", "confirm": "yes"}).status_code == 302
    release.refresh_from_db()
    assert (
        release.state == ReleaseState.WITHDRAWN
        and release.withdrawn_by == staff.province_supervisor
    )
    entry = AuditEntry.objects.get(action="release.withdraw", object_id=str(case.uuid))
    assert entry.detail["reason"] == "Case closed by court"
    assert OutboxEntry.objects.filter(op="recall", record_uuid=case.uuid).exists()


def test_wanted_notice_withdrawal_asks_for_confirmation(
    client, staff, la_peer, issue_notice
) -> None:  # type: ignore[no-untyped-def]
    from liaison.cooperation.models.wanted import WantedNotice

    notice = issue_notice(send=True)
    client.force_login(staff.province_supervisor)
    url = reverse("cooperation:wanted", args=[notice.uuid])
    page = client.post(url, {"withdraw": "1", "reason": ""}).content.decode()
    assert "This field is required." in page and 'id="withdraw-confirm"' not in page
    page = client.post(url, {"withdraw": "1", "reason": "Died"}).content.decode()
    assert 'id="withdraw-confirm"' in page and "The partners holding it (LA)" in page
    assert not WantedNotice.objects.get(pk=notice.pk).withdrawn_at
    answer = client.post(url, {"withdraw": "1", "reason": "Died", "confirm": "yes"})
    assert answer.status_code == 302
    notice.refresh_from_db()
    assert notice.withdrawn_at and notice.withdrawal_reason == "Died"
    entry = AuditEntry.objects.get(action="wanted.withdraw", object_id=str(notice.uuid))
    assert entry.detail["reason"] == "Died"


def test_person_and_wanted_lists_offer_selection_to_supervisors_only(
    client, staff, la_peer, whole_case, issue_notice
) -> None:  # type: ignore[no-untyped-def]
    witness = whole_case[1]
    notice = issue_notice(send=False)
    lists = (
        (reverse("crime:list", args=["persons"]), witness, "persons"),
        (reverse("cooperation:wanted_list"), notice, "wanted-notices"),
    )
    client.force_login(staff.province_supervisor)
    for url, obj, kind in lists:
        page = client.get(url).content.decode()
        assert f'name="record" value="{obj.uuid}" form="bulk-release"' in page
        assert reverse("exchange:release_bulk", args=[kind]) in page
    client.force_login(staff.officer)
    for url, obj, _kind in lists:
        page = client.get(url).content.decode()
        assert str(obj.uuid) in page and 'name="record"' not in page
