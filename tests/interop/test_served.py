"""Real nodes on loopback (VN serving, LA its peer; a second peer KH known to VN only), read
with `taxii2-client` as a partner's MISP or OpenCTI would: discovery, the collection, every object page by page,
added_after, strict validation of everything served, other peers' tokens, and a recall."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from stix2validator import ValidationOptions, validate_instance
from taxii2client.v21 import Collection, Server, as_pages

from tests.processes import NodeProcess, node_env

pytestmark = [pytest.mark.federation, pytest.mark.timeout(900)]

OASIS_TLP_IDS = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
}
OASIS_RED = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
RELEASE = ["--tlp", "AMBER", "--handling", "H1", "--basis", "MoU of 9 Aug 2021", "--as", "admin"]


class Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: Any) -> Any:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def python(node: NodeProcess, code: str) -> Any:
    """Run Django code in the node; its last printed line is read as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup()\n" + code],
        env={**node_env(node.home), "DJANGO_SETTINGS_MODULE": "liaison.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def fingerprint(node: NodeProcess) -> str:
    return " ".join(node.liaison("key", "show").stdout.split()[2:])


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[dict[str, Any]]:  # type: ignore[no-untyped-def]
    base: Path = tmp_path_factory.mktemp("taxii")
    vn, la = (NodeProcess(base / c.lower(), c).init() for c in ("VN", "LA"))
    vn.liaison("seed", "--cases", "12", "--seed", "5")
    for node in (vn, la):
        node.start("--no-sync")
    try:
        vn.liaison("peer", "add", "LA", la.url, "--fingerprint", fingerprint(la))
        la.liaison("peer", "add", "VN", vn.url, "--fingerprint", fingerprint(vn))
        # A second partner of VN (its node is not run here): it only needs to be a peer.
        python(
            vn,
            (
                "from liaison.exchange import services\n"
                "services.add_peer('KH', 'http://127.0.0.1:9', {'node_id': 'kh-test00001', "
                "'country': 'KH', 'name': 'Test KH', 'public_key': 'A' * 43, 'rotations': []})\n"
                "print('true')"
            ),
        )
        cases = python(
            vn,
            (
                "from liaison.crime.models import DrugCase\n"
                "ids = list(DrugCase.objects.order_by('id').values_list('uuid', flat=True))\n"
                "DrugCase.objects.filter(uuid=ids[0]).update(tlp='RED')\n"
                "print(json.dumps([str(u) for u in ids]))"
            ),
        )
        released, red = cases[1:7], cases[0]
        parts = python(
            vn,
            (
                "from liaison.crime.models import Person, Seizure\n"
                f"ids = {released!r}\n"
                "print(json.dumps({'persons': [str(u) for u in Person.objects.filter("
                "case__uuid__in=ids).values_list('uuid', flat=True)], 'seizures': [str(u) for u in "
                "Seizure.objects.filter(case__uuid__in=ids).values_list('uuid', flat=True)]}))"
            ),
        )
        for kind, uuids in (
            ("cases", released),
            ("persons", parts["persons"]),
            ("seizures", parts["seizures"]),
        ):
            args = [a for u in uuids for a in ("--uuid", u)]
            vn.liaison("release", kind, *args, "--to", "LA", *RELEASE)
        bad = vn.liaison("release", "cases", "--uuid", red, "--to", "LA", *RELEASE, check=False)
        assert bad.returncode != 0 or "RED" in bad.stdout + bad.stderr
        yield {
            "vn": vn,
            "la": la,
            "released": released,
            "red": red,
            "unreleased": cases[7:],
            "persons": parts["persons"],
            "seizures": parts["seizures"],
            "la_token": vn.liaison("taxii", "token", "LA").stdout.strip(),
            "kh_token": vn.liaison("taxii", "token", "KH").stdout.strip(),
        }
    finally:
        for node in (vn, la):
            node.stop()


def strict(obj: dict[str, Any]) -> list[str]:
    return [str(e) for e in validate_instance(obj, ValidationOptions(strict=True)).errors]


def la_collection(served: dict[str, Any]) -> Collection:
    server = Server(f"{served['vn'].url}/taxii2/", auth=Bearer(served["la_token"]))
    [root] = server.api_roots
    [collection] = root.collections
    return collection


def test_taxii2_client_reads_exactly_what_is_released(served) -> None:  # type: ignore[no-untyped-def]
    server = Server(f"{served['vn'].url}/taxii2/", auth=Bearer(served["la_token"]))
    assert server.title and server.default.url.endswith("/taxii2/liaison/")
    [root] = server.api_roots
    assert root.versions == ["application/taxii+json;version=2.1"]
    [collection] = root.collections
    assert collection.can_read and not collection.can_write
    assert collection.media_types == ["application/stix+json;version=2.1"]
    pages = list(as_pages(collection.get_objects, per_request=7))
    assert len(pages) > 3 and all(len(p["objects"]) == 7 for p in pages[:-1])
    objects = [o for page in pages for o in page["objects"]]
    assert objects == collection.get_objects()["objects"]
    ids = [o["id"] for o in objects]
    assert len(ids) == len(set(ids))
    assert sorted(o["id"] for o in objects if o["type"] == "incident") == sorted(
        f"incident--{u}" for u in served["released"]
    )
    assert sorted(
        o["id"] for o in objects if o["type"] == "identity" and o["identity_class"] == "individual"
    ) == sorted(f"identity--{u}" for u in served["persons"])
    assert sorted(o["id"] for o in objects if o["type"] == "drug-seizure") == sorted(
        f"drug-seizure--{u}" for u in served["seizures"]
    )
    text = json.dumps(objects, ensure_ascii=False)
    for record in (served["red"], *served["unreleased"]):
        assert record not in text
    assert OASIS_RED not in text
    markings = {o["id"] for o in objects if o["type"] == "marking-definition" and "name" in o}
    assert markings == OASIS_TLP_IDS
    # Every object, and the whole as one bundle, passes strict validation.
    for obj in objects:
        assert strict(obj) == [], obj["id"]
    bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": objects}
    assert strict(bundle) == []
    # added_after: what was added after the 10th object is the rest, in order.
    manifest = collection.get_manifest()["objects"]
    assert [m["id"] for m in manifest] == ids
    after = collection.get_objects(added_after=manifest[9]["date_added"])["objects"]
    assert [o["id"] for o in after] == ids[10:]


def test_export_matches_the_collection(served, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bundle.json"
    served["vn"].liaison("export", "stix", "--peer", "LA", "--out", str(out))
    bundle = json.loads(out.read_text())
    assert bundle["objects"] == la_collection(served).get_objects()["objects"]
    assert strict(bundle) == []


def test_other_peer_token_and_bad_input_get_taxii_errors(served) -> None:  # type: ignore[no-untyped-def]
    collection = la_collection(served)
    as_kh = Collection(collection.url, auth=Bearer(served["kh_token"]))
    with pytest.raises(requests.HTTPError) as denied:
        as_kh.get_objects()
    unknown = requests.get(
        collection.url.replace(collection.id, str(uuid.uuid4())) + "objects/",
        headers={"Authorization": f"Bearer {served['kh_token']}"},
        timeout=30,
    )
    assert denied.value.response.status_code == unknown.status_code == 404
    assert denied.value.response.json() == unknown.json()
    assert unknown.headers["Content-Type"] == "application/taxii+json;version=2.1"
    auth = {"Authorization": f"Bearer {served['la_token']}"}
    for params in ({"added_after": "last week"}, {"limit": "100000"}):
        response = requests.get(
            collection.url + "objects/", params=params, headers=auth, timeout=30
        )
        assert response.status_code == 400 and response.json()["http_status"] == "400"
    write = requests.post(
        collection.url + "objects/",
        json={"objects": []},
        timeout=30,
        headers={**auth, "Content-Type": "application/taxii+json;version=2.1"},
    )
    assert write.status_code == 403 and write.json()["http_status"] == "403"


def test_recall_shows_as_revoked(served) -> None:  # type: ignore[no-untyped-def]
    recalled = served["released"][0]
    python(
        served["vn"],
        (
            "from liaison.exchange import services\n"
            "from liaison.exchange.models import Release\n"
            f"services.withdraw_release(None, Release.objects.get(record_uuid='{recalled}'))\n"
            "print('true')"
        ),
    )
    collection = la_collection(served)
    [incident] = collection.get_object(f"incident--{recalled}")["objects"]
    assert incident["revoked"] is True and strict(incident) == []
    still = collection.get_object(f"incident--{served['released'][1]}")["objects"]
    assert not still[0].get("revoked")
