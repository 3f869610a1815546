"""The main menu: the web app is the one layer that knows every domain app."""

from __future__ import annotations

import functools
import importlib

from django.http import HttpRequest

#: Apps whose ``nav.py`` lists main pages, in menu order.
NAV_APPS = ("crime", "cooperation", "web", "exchange", "reports", "screening")


@functools.cache
def _nav_items() -> list[dict]:
    """Each app may list its main pages in ``liaison/<app>/nav.py`` as
    ``NAV = [{"label": gettext_lazy(...), "url": "crime:case_list", "roles": [...]}]``."""
    items: list[dict] = []
    for app in NAV_APPS:
        try:
            module = importlib.import_module(f"liaison.{app}.nav")
        except ModuleNotFoundError as exc:
            if exc.name != f"liaison.{app}.nav":
                raise
            continue
        items.extend(module.NAV)
    return items


def nav(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    items = [
        item
        for item in _nav_items()
        if user is not None
        and user.is_authenticated
        and (
            not item.get("roles")
            or user.is_superuser
            or any(user.has_role(r) for r in item["roles"])  # type: ignore[union-attr]
        )
    ]
    return {"nav_items": items}
