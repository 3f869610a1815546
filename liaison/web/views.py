"""The home dashboard. Each app may add a panel by exposing ``dashboard_panels(user)``."""

from __future__ import annotations

import importlib

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PANEL_APPS = ("crime", "exchange", "cooperation", "reports", "screening")


def _panels(request: HttpRequest) -> list[dict]:
    panels: list[dict] = []
    for app in PANEL_APPS:
        try:
            module = importlib.import_module(f"liaison.{app}.dashboard")
        except ModuleNotFoundError as exc:
            if exc.name != f"liaison.{app}.dashboard":
                raise
            continue
        panels.extend(module.dashboard_panels(request.user))
    return panels


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "web/dashboard.html", {"panels": _panels(request)})
