"""One search box finds the fugitive: a wanted notice issued in Vietnam and received on the
Lao node is found there in Vietnamese, unmarked Latin and Lao script, beside the persons of
the same name, each result with its kind and origin and the reasons in the reader's
language; every person and notice shown is audited as read."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from liaison.core import node
from liaison.core import services as core_services
from liaison.core.models import AuditEntry, Role
from liaison.screening import explain, services
from liaison.screening.models import SideKind

pytestmark = pytest.mark.django_db

VN_NODE = "vn-test0001"
LA_NODE = "la-test0001"


@pytest.fixture
def on_la(settings):  # type: ignore[no-untyped-def]
    """This node is the Lao one."""
    settings.NODE = {**settings.NODE, "id": LA_NODE, "country": "LA"}
    node.this_node.cache_clear()
    yield
    node.this_node.cache_clear()


@pytest.fixture
def fugitive(on_la, partner_notice):  # type: ignore[no-untyped-def]
    """A notice issued in Vietnam, as the Lao node files it (at the ministry)."""
    return partner_notice(
        "Nguyễn Văn Hùng",
        origin=VN_NODE,
        origin_country="VN",
        reference="VN-WN-2026-0001",
        latin_name="Nguyen Van Hung",
        birth_date="1980-03-04",
        nationality="VN",
        id_documents=[{"type": "passport", "number": "C1234567"}],
    )


@pytest.mark.parametrize("spelling", ["Nguyễn Văn Hùng", "Nguyen Van Hung", "ຫງວຽນ ວັນ ຮຸ່ງ"])
def test_a_vn_notice_received_on_la_is_found_in_any_spelling(
    fugitive, units, make_user, spelling
) -> None:  # type: ignore[no-untyped-def]
    # A border officer of a province, not the ministry that files the notice.
    officer = make_user(units.nghe_an, [Role.OFFICER])
    hits = services.search_persons(officer, spelling)
    notices = [h for h in hits if h.kind == SideKind.WANTED_NOTICE]
    assert [h.record.uuid for h in notices] == [fugitive.uuid], [
        (h.kind, h.record.full_name, h.score) for h in hits
    ]
    hit = notices[0]
    assert hit.score >= 0.85 and hit.received and hit.record.origin_country == "VN"
    assert hit.kind_label == "Wanted notice" and hit.reference == "VN-WN-2026-0001"
    assert hit.url == f"/wanted/{fugitive.uuid}/"
    assert {r.code for r in hit.reasons} & {"names_equal", "names_sound_alike"}


def test_notices_and_persons_are_ranked_together_and_audited(
    fugitive, local_person, partner_person, analyst
) -> None:  # type: ignore[no-untyped-def]
    own = local_person("Nguyễn Văn Hùng", birth_date="1980-03-04", nationality="VN")
    received = partner_person("Nguyen Van Hung", birth_date="1975")
    other = local_person("Nguyễn Văn Hưng", birth_date="1980-03-04")  # another tone mark
    before = AuditEntry.objects.count()
    hits = services.search_persons(analyst, "Nguyen Van Hung", birth_date="1980-03-04")
    found = {(h.kind, h.record.uuid) for h in hits}
    assert ("wanted-notices", fugitive.uuid) in found
    assert {("persons", own.uuid), ("persons", received.uuid)} <= found
    assert hits == sorted(hits, key=lambda h: -h.score)
    # Same name and birth date: the notice and the own person ahead of the received person.
    assert hits[-1].record.uuid in (received.uuid, other.uuid)
    assert {h.record.origin_country for h in hits} >= {"VN", "LA"}
    new = AuditEntry.objects.order_by("seq")[before:]
    reads = {(e.action, e.object_id) for e in new if e.action.endswith(".read")}
    expected = {
        ("wanted.read" if h.kind == SideKind.WANTED_NOTICE else "person.read", str(h.record.uuid))
        for h in hits
    }
    assert reads == expected


def test_the_identity_document_finds_the_notice(fugitive, analyst) -> None:  # type: ignore[no-untyped-def]
    hits = services.search_persons(analyst, "", id_number="c 123 4567")
    assert [h.record.uuid for h in hits] == [fugitive.uuid]
    assert "document_equal" in {r.code for r in hits[0].reasons}


def test_explanations_are_in_the_readers_language(fugitive, analyst) -> None:  # type: ignore[no-untyped-def]
    hit = services.search_persons(analyst, "ຫງວຽນ ວັນ ຮຸ່ງ")[0]
    with translation.override("en"):
        english = hit.explanation
    assert "names sound alike across scripts" in english
    for language in ("vi", "lo", "ru"):
        with translation.override(language):
            text = hit.explanation
        assert text and text != english, language
        assert "names" not in text and "spelling" not in text, (language, text)


def test_the_api_answers_with_kind_origin_and_reason_codes(fugitive, units, make_user) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(units.nghe_an, [Role.OFFICER])
    officer.language = "lo"
    officer.save()
    client = Client(HTTP_AUTHORIZATION=f"Bearer {core_services.create_token(officer)}")
    r = client.get("/api/v1/persons/search", {"q": "Nguyen Van Hung"})
    assert r.status_code == 200, r.content
    result = r.json()["results"][0]
    assert result["kind"] == "wanted-notices" and result["origin_country"] == "VN"
    assert result["received"] is True and result["reference"] == "VN-WN-2026-0001"
    assert result["id_number"] == "C1234567"
    codes = [reason["code"] for reason in result["reasons"]]
    assert codes[0] == "names_equal" and result["reasons"][0]["params"] == {"how": "folded"}
    with translation.override("lo"):
        expected = str(explain.TEXTS["names_equal_folded"])
    assert result["reasons"][0]["text"] == expected != "names equal after folding marks"
    assert result["explanation"].startswith(expected)


def test_the_page_shows_kind_origin_and_reasons_in_lao(fugitive, units, make_user, login) -> None:  # type: ignore[no-untyped-def]
    officer = make_user(units.nghe_an, [Role.OFFICER])
    officer.language = "lo"
    officer.save()
    html = login(officer).get("/screening/search/", {"q": "Nguyen Van Hung"}).content.decode()
    assert 'class="hit-wanted-notices"' in html and "VN-WN-2026-0001" in html
    assert f'href="/wanted/{fugitive.uuid}/"' in html
    with translation.override("lo"):
        assert str(explain.TEXTS["names_equal_folded"]) in html
        assert str(SideKind.WANTED_NOTICE.label) in html
    assert "names equal" not in html
