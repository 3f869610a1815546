"""The one list mechanism of the API (liaison.core.listing): keyset pages in a stable order."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client

from liaison.core import services
from liaison.core.listing import KeysetPagination, encode_cursor, keyset_page
from liaison.core.models import Unit, UnitKind
from tests.listing import walk

pytestmark = pytest.mark.django_db


def api(user) -> Client:  # type: ignore[no-untyped-def]
    return Client(HTTP_AUTHORIZATION=f"Bearer {services.create_token(user)}")


@pytest.fixture
def many_units(units):  # type: ignore[no-untyped-def]
    """Thirty border posts under Kỳ Sơn, with codes that do not sort like their ids."""
    for n in range(30):
        services.create_unit(
            name=f"Đồn {n}",
            name_en=f"Post {n}",
            kind=UnitKind.BORDER_POST,
            code=f"VN-BP-{(n * 7) % 30:02d}",
            parent=units.ky_son,
        )
    return units


def test_walking_units_one_per_page_gives_the_subtree_once_in_tree_order(
    many_units, make_user
) -> None:  # type: ignore[no-untyped-def]
    client = api(make_user(many_units.nghe_an))
    walked = walk(client, "/api/v1/units", limit=1)
    subtree = Unit.objects.filter(path__startswith=many_units.nghe_an.path).order_by("path", "id")
    assert [u["id"] for u in walked] == [u.pk for u in subtree]
    assert len(walked) == 33
    assert "VN-PA-42" not in {u["code"] for u in walked}  # Hà Tĩnh is another province
    posts = walk(client, "/api/v1/units", limit=4, kind="border_post")
    assert len(posts) == 31 and {u["kind"] for u in posts} == {"border_post"}


def test_me_and_unit_show_the_unit_as_the_list_does(many_units, make_user) -> None:  # type: ignore[no-untyped-def]
    client = api(make_user(many_units.ky_son))
    me = client.get("/api/v1/me").json()
    assert me["unit"]["code"] == "VN-PA-40-KS" and me["unit"]["province_code"] == "VN-22"
    one = client.get(f"/api/v1/units/{many_units.ky_son.pk}").json()
    assert one == me["unit"]
    assert one in walk(client, "/api/v1/units")


@pytest.mark.parametrize("order", [("kind", "-code", "id"), ("-kind", "code", "-id"), ("-id",)])
def test_keyset_pages_follow_any_mixed_order_to_the_end(many_units, order) -> None:  # type: ignore[no-untyped-def]
    expected = list(Unit.objects.order_by(*order))
    seen: list[Unit] = []
    cursor = None
    while True:
        page, cursor = keyset_page(Unit.objects.all(), order, cursor, 4)
        seen.extend(page)
        if cursor is None:
            break
    assert seen == expected


def test_an_order_must_end_with_id_and_have_no_null_key() -> None:
    with pytest.raises(ValueError, match="unique column id"):
        KeysetPagination(order=("path",))
    with pytest.raises(ValueError, match="may be null"):
        keyset_page(Unit.objects.all(), ("parent", "id"), None, 5)


def test_a_tampered_cursor_is_refused_with_422(many_units, make_user) -> None:  # type: ignore[no-untyped-def]
    client = api(make_user(many_units.ministry))
    good = encode_cursor(Unit, ("path", "id"), many_units.ky_son)
    values = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    values[-1] = "not an id"
    bad = base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
    response = client.get("/api/v1/units", {"cursor": bad})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "cursor"] and "cursor" in error["msg"]
    assert client.get("/api/v1/units", {"cursor": good}).status_code == 200
