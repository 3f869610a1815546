"""Root URLs. Each Liaison app with a ``urls.py`` is mounted at the root (its ``app_name``
is its namespace); federation endpoints live under /federation/ in the exchange app."""

import importlib

from django.contrib import admin
from django.urls import include, path

from liaison.api import api

# Styled, translated error pages (a recalled record says who recalled it and when).
handler403 = "liaison.web.errors.forbidden"
handler404 = "liaison.web.errors.not_found"
handler500 = "liaison.web.errors.server_error"

urlpatterns = [
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("liaison.core.urls")),
    path("", include("liaison.web.urls")),
]

for _app in ("crime", "exchange", "cooperation", "reports", "screening", "interop"):
    try:
        importlib.import_module(f"liaison.{_app}.urls")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"liaison.{_app}.urls":
            raise
        continue
    urlpatterns.append(path("", include(f"liaison.{_app}.urls")))
