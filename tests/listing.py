"""Walking a keyset-paginated API list (liaison.core.listing) page by page."""

from __future__ import annotations

from typing import Any

from django.test import Client


def walk(client: Client, url: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of the list at ``url`` with ``params``, following ``next`` to the end.
    Fails if a page is refused, or if an item comes twice."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        page = response.json()
        assert set(page) == {"items", "next"}
        items.extend(page["items"])
        cursor = page["next"]
        if cursor is None:
            break
        assert page["items"], "a page with a next cursor has items"
    keys = [item.get("uuid", item.get("id")) for item in items]
    assert len(keys) == len(set(keys)), "an item came on two pages"
    return items
