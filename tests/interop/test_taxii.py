"""The TAXII 2.1 endpoints in process: tokens bound to a peer, resources and media types,
filters and pagination, the error messages, no leaks across peers, and the audit log."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from liaison.cli import main as liaison
from liaison.core.models import AuditEntry
from liaison.exchange import services as exchange
from liaison.exchange.models import Release
from liaison.interop import services
from liaison.interop.models import TaxiiReader
from liaison.interop.taxii import MEDIA_STIX, MEDIA_TAXII

from .conftest import parts

pytestmark = pytest.mark.django_db

ROOT = "/taxii2/liaison/"


class Reader:
    def __init__(self, client: Client, token: str) -> None:
        self.client, self.token = client, token

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(
            path, params, HTTP_AUTHORIZATION=f"Bearer {self.token}", HTTP_ACCEPT=MEDIA_TAXII
        )

    def call(self, method: str, path: str, **extra: Any) -> Any:
        return getattr(self.client, method)(
            path, HTTP_AUTHORIZATION=f"Bearer {self.token}", **extra
        )


@pytest.fixture
def la(peers, client) -> Reader:  # type: ignore[no-untyped-def]
    return Reader(client, services.create_reader(peers.la, label="LA MISP"))


@pytest.fixture
def ru(peers, client) -> Reader:  # type: ignore[no-untyped-def]
    return Reader(client, services.create_reader(peers.ru))


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == MEDIA_TAXII
    body = response.json()
    assert body["http_status"] == str(status) and body["title"]
    return body


def collection_url(reader: Reader) -> str:
    [collection] = reader.get(ROOT + "collections/").json()["collections"]
    return f"{ROOT}collections/{collection['id']}/"


def test_token_is_stored_as_a_hash_and_bound_to_its_peer(peers) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    call_command("taxii", "token", "LA", "--label", "MISP", stdout=out)
    token = out.getvalue().strip()
    reader = TaxiiReader.objects.get()
    assert token.startswith("taxii_") and reader.peer == peers.la
    assert reader.digest == TaxiiReader.digest_of(token) and token not in reader.digest
    assert services.reader_for_token(token) == reader
    assert liaison(["taxii", "token", "XX"]) == 2
    services.revoke_reader(reader)
    assert services.reader_for_token(token) is None


def test_taxii_command_lists_revokes_and_refreshes(peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    release(parts(make_case()), peers.la)
    token = services.create_reader(peers.la, label="OpenCTI")
    prefix = TaxiiReader.objects.get().prefix
    out = io.StringIO()
    call_command("taxii", "list", stdout=out)
    assert prefix in out.getvalue() and "OpenCTI" in out.getvalue() and token not in out.getvalue()
    out = io.StringIO()
    call_command("taxii", "refresh", "LA", stdout=out)
    count = services.collection_of(peers.la).stix_objects.count()
    assert out.getvalue().startswith(f"LA: {count} objects") and count > 12
    call_command("taxii", "revoke", prefix, stdout=io.StringIO())
    assert services.reader_for_token(token) is None
    assert liaison(["taxii", "revoke", "taxii_nothing"]) == 2


def test_discovery_api_root_and_collection(la, peers) -> None:  # type: ignore[no-untyped-def]
    discovery = la.get("/taxii2/")
    assert discovery.status_code == 200 and discovery["Content-Type"] == MEDIA_TAXII
    root = discovery.json()
    assert root["default"] == "http://testserver" + ROOT and root["api_roots"] == [root["default"]]
    api = la.get(ROOT).json()
    assert api["versions"] == [MEDIA_TAXII] and api["max_content_length"] == 0
    [collection] = la.get(ROOT + "collections/").json()["collections"]
    assert collection["id"] == str(services.collection_of(peers.la).collection_id)
    assert (collection["can_read"], collection["can_write"]) == (True, False)
    assert collection["media_types"] == [MEDIA_STIX]
    assert la.get(collection_url(la)).json() == collection


def test_objects_pagination_filters_and_manifest(la, peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    release(parts(make_case()), peers.la)
    url = collection_url(la)
    everything = la.get(url + "objects/").json()
    assert everything["more"] is False and "next" not in everything
    ids = [o["id"] for o in everything["objects"]]
    seen, params = [], {"limit": 4}
    while True:
        page = la.get(url + "objects/", **params)
        body = page.json()
        seen += [o["id"] for o in body["objects"]]
        assert len(body["objects"]) == 4 or not body["more"]
        assert page["X-TAXII-Date-Added-First"] <= page["X-TAXII-Date-Added-Last"]
        if not body["more"]:
            break
        params = {"limit": 4, "next": body["next"]}
    assert seen == ids
    # added_after with the last header of a page gives exactly the rest.
    first = la.get(url + "objects/", limit=5)
    rest = la.get(url + "objects/", added_after=first["X-TAXII-Date-Added-Last"]).json()
    assert [o["id"] for o in rest["objects"]] == ids[5:]
    incidents = la.get(url + "objects/", **{"match[type]": "incident,drug-seizure"}).json()
    assert {o["type"] for o in incidents["objects"]} == {"incident", "drug-seizure"}
    one = la.get(url + "objects/", **{"match[id]": ids[-1]}).json()
    assert [o["id"] for o in one["objects"]] == [ids[-1]]
    assert la.get(url + "objects/", **{"match[spec_version]": "2.0"}).json() == {"more": False}
    manifest = la.get(url + "manifest/").json()
    assert [m["id"] for m in manifest["objects"]] == ids
    assert {m["media_type"] for m in manifest["objects"]} == {MEDIA_STIX}
    obj = la.get(f"{url}objects/{ids[-1]}/").json()["objects"]
    assert [o["id"] for o in obj] == [ids[-1]]
    versions = la.get(f"{url}objects/{ids[-1]}/versions/").json()
    assert versions == {"more": False, "versions": [obj[0]["modified"]]}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"added_after": "yesterday"}, 400),
        ({"added_after": "2026-13-01T00:00:00Z"}, 400),
        ({"limit": "0"}, 400),
        ({"limit": "ten"}, 400),
        ({"limit": "1001"}, 400),
        ({"limit": "100000000000"}, 400),
        ({"next": "abc"}, 400),
        ({"match[id]": "not-an-id"}, 400),
        ({"match[version]": "latest"}, 400),
    ],
)
def test_bad_filters_get_400(la, params, status) -> None:  # type: ignore[no-untyped-def]
    error_of(la.get(collection_url(la) + "objects/", **params), status)


def test_errors_and_no_leaks_across_peers(la, ru, peers, make_case, release, client) -> None:  # type: ignore[no-untyped-def]
    release(parts(make_case()), peers.la)
    la_url = collection_url(la)
    # No token, a wrong token, a revoked token: 401 with the error message.
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Bearer taxii_nope"},
        {"HTTP_AUTHORIZATION": f"Basic {la.token}"},
    ):
        response = client.get(la_url + "objects/", **headers)
        error_of(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")
    # RU's token on LA's collection: exactly what an unknown collection gives.
    theirs = ru.get(la_url + "objects/")
    unknown = ru.get(f"{ROOT}collections/{uuid.uuid4()}/objects/")
    assert error_of(theirs, 404) == error_of(unknown, 404)
    assert theirs.content == unknown.content
    for suffix in ("", "manifest/", "objects/incident--00000000-0000-4000-8000-000000000000/"):
        assert ru.get(la_url + suffix).content == unknown.content
    assert error_of(ru.get(f"{ROOT}collections/not-a-uuid/"), 404)
    assert str(peers.la.node_id) not in theirs.content.decode()
    assert len(ru.get(ROOT + "collections/").json()["collections"]) == 1
    assert AuditEntry.objects.filter(action="taxii.denied", detail__peer="RU").exists()
    # Writes are refused with 403; other methods 405; other media types 406.
    error_of(la.call("post", la_url + "objects/", data="{}", content_type=MEDIA_TAXII), 403)
    obj_id = la.get(la_url + "objects/").json()["objects"][-1]["id"]
    error_of(la.call("delete", f"{la_url}objects/{obj_id}/"), 403)
    error_of(ru.call("post", la_url + "objects/", data="{}", content_type=MEDIA_TAXII), 404)
    error_of(la.call("put", "/taxii2/"), 405)
    error_of(la.call("get", "/taxii2/", HTTP_ACCEPT="application/xml"), 406)
    error_of(la.get(f"{la_url}objects/incident--{uuid.uuid4()}/"), 404)
    error_of(la.get("/taxii2/elsewhere/"), 404)
    error_of(la.get(ROOT + "status/abc/"), 404)


def test_every_read_is_audited(la, peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    made = make_case()
    release(parts(made), peers.la)
    before = AuditEntry.objects.filter(action="taxii.read").count()
    url = collection_url(la)
    la.get(url + "objects/", **{"match[type]": "identity"})
    entries = list(AuditEntry.objects.filter(action="taxii.read").order_by("seq"))
    assert len(entries) == before + 2  # the collections list, then the objects
    last = entries[-1]
    assert last.username.startswith("taxii:LA:") and last.detail["peer"] == "LA"
    assert {str(p.uuid) for p in made.persons} <= set(last.detail["records"])


def test_recall_reaches_the_reader_as_revoked(la, peers, make_case, release) -> None:  # type: ignore[no-untyped-def]
    made = make_case()
    release(parts(made), peers.la)
    url = collection_url(la)
    first = la.get(url + "objects/")
    exchange.withdraw_release(None, Release.objects.get(record_uuid=made.seizure.uuid))
    news = la.get(url + "objects/", added_after=first["X-TAXII-Date-Added-Last"]).json()
    revoked = {o["id"]: o for o in news["objects"]}
    assert revoked[f"drug-seizure--{made.seizure.uuid}"]["revoked"] is True
    assert all(o["revoked"] for o in revoked.values()) and len(revoked) == 2


def test_export_bundle_is_what_the_collection_holds(
    la, peers, make_case, release, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    release(parts(make_case()), peers.la)
    out = tmp_path / "la.json"
    assert liaison(["export", "stix", "--peer", "LA", "--out", str(out)]) == 0
    bundle = json.loads(out.read_text())
    assert bundle["type"] == "bundle"
    served = la.get(collection_url(la) + "objects/").json()["objects"]
    assert bundle["objects"] == served
    since = tmp_path / "since.json"
    assert (
        liaison(["export", "stix", "--peer", "LA", "--since", "2999-01-01", "--out", str(since)])
        == 0
    )
    recent = json.loads(since.read_text())["objects"]
    assert recent and all(o["type"] not in ("incident", "drug-seizure") for o in recent)
    assert liaison(["export", "stix", "--peer", "XX", "--out", str(out)]) == 2
    assert liaison(["export", "stix", "--peer", "LA", "--since", "soon", "--out", str(out)]) == 2
