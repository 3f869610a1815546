"""The REST API at /api/v1/: one NinjaAPI, one router per app (each app's ``api.router``)."""

from __future__ import annotations

import importlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError as InputError
from ninja.security import HttpBearer, django_auth

import liaison
from liaison.core import services
from liaison.core.input_errors import input_error_text
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


class Error(Schema):
    """Every error the API answers: a message, or (422) the fields that failed validation."""

    detail: str | list[Any] | dict[str, Any]


# Every operation may answer these; declared once here rather than on each endpoint.
STANDARD_ERRORS = {
    400: "Malformed request",
    401: "No valid token or session",
    403: "Not allowed for this user or token",
    404: "No such record, or not in the caller's scope",
    422: "Invalid input",
}


class LiaisonAPI(NinjaAPI):
    """Adds the standard error responses to every operation of the OpenAPI schema. Only the
    schema: ninja picks a bare return's status from the declared codes, so the operations'
    own response maps stay as the endpoints declare them."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = Error.model_json_schema(ref_template="#/components/schemas/{model}")
        error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for code, description in STANDARD_ERRORS.items():
                    if code == 401 and not operation.get("security"):
                        continue  # an open operation never asks for credentials
                    responses.setdefault(
                        str(code), {"description": description, "content": error_content}
                    )
        return schema


api = LiaisonAPI(
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


@api.exception_handler(InputError)
def input_error(request: HttpRequest, exc: InputError) -> HttpResponse:
    """422 for input the schema refuses, each error's text in the reader's language (the
    signed-in user's, else the browser's); ``loc`` and ``type`` stay for programs."""
    user = getattr(request, "user", None)
    language = getattr(user, "language", "") or translation.get_language()
    with translation.override(language):
        errors = [
            {k: v for k, v in e.items() if k not in ("ctx", "url")} | {"msg": input_error_text(e)}
            for e in exc.errors
        ]
    return api.create_response(request, {"detail": errors}, status=422)


for _app in ("core", "screening", "crime", "exchange", "cooperation", "reports"):
    try:
        _module = importlib.import_module(f"liaison.{_app}.api")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"liaison.{_app}.api":
            raise
        continue
    api.add_router("/", _module.router)
