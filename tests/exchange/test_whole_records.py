"""Whole records (a case goes out with its persons and seizures), several partners at once,
and H2 (a received record is never released onward) — in one process."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from liaison.core.commands import BadInput
from liaison.crime.models import DrugCase
from liaison.exchange import services
from liaison.exchange.models import OutboxEntry, Release, ReleaseState
from liaison.exchange.services.release import Recipient

from .conftest import case_body

pytestmark = pytest.mark.django_db


def open_releases(peer) -> dict[str, Release]:  # type: ignore[no-untyped-def]
    return {
        str(r.record_uuid): r for r in Release.objects.filter(peer=peer, state=ReleaseState.ACTIVE)
    }


def test_case_goes_out_with_its_parts_at_same_or_stricter_markings(
    staff, la_peer, whole_case
) -> None:  # type: ignore[no-untyped-def]
    case, witness, suspect, seizure = whole_case
    [release] = services.release_to(
        staff.supervisor, case, [la_peer], tlp="GREEN", handling="H0", basis="MoU 9 Aug 2021"
    )
    held = open_releases(la_peer)
    assert set(held) == {str(case.uuid), str(witness.uuid), str(suspect.uuid), str(seizure.uuid)}
    assert held[str(witness.uuid)].part_of == case.uuid
    assert (held[str(witness.uuid)].tlp, held[str(witness.uuid)].handling) == ("GREEN", "H0")
    # The suspect's own markings are stricter than the release's: they win.
    assert (held[str(suspect.uuid)].tlp, held[str(suspect.uuid)].handling) == (
        "AMBER+STRICT",
        "H1",
    )
    # The case's envelope comes before its parts' (the receiver resolves the parts' case).
    kinds = list(OutboxEntry.objects.filter(peer=la_peer).order_by("id").values_list("kind"))
    assert kinds[0] == ("cases",)
    assert release.part_of is None


def test_recall_takes_parts_back_unless_released_on_their_own(staff, la_peer, whole_case) -> None:  # type: ignore[no-untyped-def]
    case, witness, suspect, seizure = whole_case
    [release] = services.release_to(
        staff.supervisor, case, [la_peer], tlp="AMBER", handling="H0", basis="MoU"
    )
    # The seizure is also released on its own: it stays when the case is recalled.
    services.release_to(
        staff.supervisor, seizure, [la_peer], tlp="AMBER", handling="H0", basis="MoU"
    )
    services.withdraw_release(staff.supervisor, release)
    assert set(open_releases(la_peer)) == {str(seizure.uuid)}
    recalls = set(
        OutboxEntry.objects.filter(peer=la_peer, op="recall").values_list("record_uuid", flat=True)
    )
    assert recalls == {case.uuid, witness.uuid, suspect.uuid}


def test_without_leaves_a_part_out(staff, la_peer, whole_case) -> None:  # type: ignore[no-untyped-def]
    case, witness, suspect, seizure = whole_case
    services.release_to(
        staff.supervisor,
        case,
        [la_peer],
        tlp="AMBER",
        handling="H0",
        basis="MoU",
        without=["persons"],
    )
    assert set(open_releases(la_peer)) == {str(case.uuid), str(seizure.uuid)}
    with pytest.raises(ValidationError, match="no parts of kind"):
        services.release_to(
            staff.supervisor,
            case,
            [la_peer],
            tlp="AMBER",
            handling="H0",
            basis="MoU",
            without=["hotspots"],
        )


def test_release_command_several_peers_each_with_markings_and_without(
    staff, la_peer, ru_peer, whole_case
) -> None:  # type: ignore[no-untyped-def]
    case, witness, suspect, seizure = whole_case
    out = StringIO()
    call_command(
        "release",
        "cases",
        "--uuid",
        str(case.uuid),
        "--to",
        "LA:AMBER:H1:MoU of 9 Aug 2021: art. 5",
        "--to",
        "RU",
        "--tlp",
        "GREEN",
        "--handling",
        "H0",
        "--basis",
        "Agreement of 2019",
        "--without",
        "persons",
        "--as",
        "sup",
        stdout=out,
    )
    la = open_releases(la_peer)
    ru = open_releases(ru_peer)
    assert set(la) == set(ru) == {str(case.uuid), str(seizure.uuid)}
    assert (la[str(case.uuid)].tlp, la[str(case.uuid)].handling) == ("AMBER", "H1")
    assert la[str(case.uuid)].basis == "MoU of 9 Aug 2021: art. 5"
    assert (ru[str(case.uuid)].tlp, ru[str(case.uuid)].basis) == ("GREEN", "Agreement of 2019")
    assert "Released 1 cases to LA" in out.getvalue()
    assert "Released 1 cases to RU" in out.getvalue()


def test_h2_a_received_record_is_never_released_onward(staff, la_peer, ru_peer, fake_la) -> None:  # type: ignore[no-untyped-def]
    e = fake_la.envelope(body=case_body("LA-RECEIVED-1"))
    services.apply_envelopes(la_peer, [(1, fake_la.sign(e))], cursor=1)
    received = DrugCase.objects.get(uuid=e.uuid)
    assert not received.is_local
    with pytest.raises(PermissionDenied, match="never releases onward"):
        services.release_to(staff.supervisor, received, [Recipient(ru_peer, "AMBER", "H0", "MoU")])
    with pytest.raises(PermissionDenied, match="never releases onward"):
        services.propose_release(
            staff.supervisor, received, ru_peer, tlp="AMBER", handling="H0", basis="MoU"
        )
    with pytest.raises(BadInput, match="never releases onward"):
        call_command(
            "release",
            "cases",
            "--uuid",
            str(received.uuid),
            "--to",
            "RU:AMBER:H0:MoU",
            "--as",
            "sup",
            stdout=StringIO(),
        )
    assert not Release.objects.filter(peer=ru_peer).exists()
