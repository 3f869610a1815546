"""The REST API at /api/v1/: one NinjaAPI, one router per app (each app's ``api.router``)."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer, django_auth

import liaison
from liaison.core import services
from liaison.core.models import TokenScope

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class BearerToken(HttpBearer):
    """Expired, revoked or unknown tokens get 401; a read token gets 403 on a write, and so
    does any token of a user who has not yet replaced a one-time password."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = services.token_for(token)
        if found is None:
            return None
        if found.scope != TokenScope.WRITE and request.method not in SAFE_METHODS:
            raise PermissionDenied(_("This token may only read."))
        if found.user.must_change_password:
            raise PermissionDenied(_("Change your one-time password first."))
        request.user = found.user
        return found.user


api = NinjaAPI(
    title="Liaison API",
    version="1",
    description="REST API of a Liaison node. Authenticate with `Authorization: Bearer <token>` "
    "(`liaison token create USERNAME`).",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


class Health(Schema):
    status: str
    version: str
    database: str


@api.get("/health", auth=None, response=Health, tags=["node"])
def health(request: HttpRequest) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "version": liaison.__version__, "database": connection.vendor}


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": errors}, status=422)


for _app in ("core", "screening", "crime", "exchange", "cooperation", "reports"):
    try:
        _module = importlib.import_module(f"liaison.{_app}.api")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"liaison.{_app}.api":
            raise
        continue
    api.add_router("/", _module.router)
