"""The TAXII 2.1 server (read-only): discovery at /taxii2/, one API root /taxii2/liaison/,
one collection per peer. A bearer token from ``liaison taxii token PEER`` sees only that
peer's collection: any other collection id is "not found", exactly as one that does not
exist. Every read, and every refused attempt by a valid token, is audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from liaison.core.middleware import client_address
from liaison.core.node import this_node
from liaison.interop import services, taxii
from liaison.interop.definitions import EXTENSIONS, SCHEMA_DIR
from liaison.interop.models import Collection, TaxiiReader

WRITES = ("POST", "PUT", "PATCH", "DELETE")


class TaxiiError(Exception):
    def __init__(
        self, status: int, title: str, description: str = "", headers: dict | None = None
    ) -> None:
        super().__init__(title)
        self.status, self.title, self.description = status, title, description
        self.headers = headers or {}


def taxii_response(
    data: dict[str, Any], status: int = 200, headers: dict | None = None
) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), status=status, content_type=taxii.MEDIA_TAXII
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: TaxiiError) -> HttpResponse:
    """The TAXII 2.1 error message resource."""
    body = {"title": error.title, "http_status": str(error.status)}
    if error.description:
        body["description"] = error.description
    return taxii_response(body, error.status, error.headers)


def _not_found_collection() -> TaxiiError:
    return TaxiiError(
        404, _("No such collection"), _("There is no collection with this id for this token.")
    )


def _accepts_taxii(request: HttpRequest) -> bool:
    header = request.headers.get("Accept", "")
    if not header.strip():
        return True
    for item in header.split(","):
        media, *params = (p.strip() for p in item.split(";"))
        options = dict(p.split("=", 1) for p in params if "=" in p)
        version = options.get("version", "").strip('"')
        if media in ("*/*", "application/*"):
            return True
        if media == "application/taxii+json" and version in ("", "2.1"):
            return True
    return False


def _reader(request: HttpRequest) -> TaxiiReader:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    reader = None
    if scheme.lower() == "bearer" and token.strip():
        reader = services.reader_for_token(token.strip())
    if reader is None:
        raise TaxiiError(
            401,
            _("Authentication required"),
            _("Send the bearer token made for your agency with `liaison taxii token`."),
            {"WWW-Authenticate": 'Bearer realm="liaison-taxii"'},
        )
    return reader


Handler = Callable[..., tuple[dict[str, Any], dict[str, str], dict[str, Any]]]


def _serve(
    request: HttpRequest,
    handler: Handler,
    *,
    collection_id: str | None = None,
    writable_path: bool = False,
    **kwargs: Any,
) -> HttpResponse:
    """Authenticate, find the reader's collection, check method and media type, run the
    handler and audit the read. Errors become TAXII error messages."""
    language = None if "HTTP_ACCEPT_LANGUAGE" in request.META else "en"
    with translation.override(language or translation.get_language()):
        reader: TaxiiReader | None = None
        collection: Collection | None = None
        try:
            reader = _reader(request)
            if collection_id is not None:
                collection = services.collection_of(reader.peer)
                if collection_id != str(collection.collection_id):
                    services.audit_read(
                        reader,
                        "taxii.denied",
                        source=client_address(request),
                        endpoint=request.path,
                        method=request.method,
                    )
                    raise _not_found_collection()
            if request.method in WRITES and writable_path:
                services.audit_read(
                    reader,
                    "taxii.denied",
                    source=client_address(request),
                    collection=collection,
                    endpoint=request.path,
                    method=request.method,
                )
                raise TaxiiError(
                    403,
                    _("This collection is read-only"),
                    _("Liaison serves what is released to your agency; it accepts no objects."),
                )
            if request.method not in ("GET", "HEAD"):
                raise TaxiiError(405, _("Method not allowed"), headers={"Allow": "GET, HEAD"})
            if not _accepts_taxii(request):
                raise TaxiiError(
                    406,
                    _("Not acceptable"),
                    _("This server answers with %(media)s.") % {"media": taxii.MEDIA_TAXII},
                )
            if collection is not None:
                collection = services.refresh(reader.peer)
            data, headers, detail = handler(request, reader, collection, **kwargs)
        except taxii.BadRequest as exc:
            return error_response(TaxiiError(400, _("Bad request"), str(exc)))
        except TaxiiError as exc:
            return error_response(exc)
        services.audit_read(
            reader,
            "taxii.read",
            source=client_address(request),
            collection=collection,
            endpoint=request.path,
            **detail,
        )
        return taxii_response(data, 200, headers)


def _root_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(f"/taxii2/{taxii.API_ROOT}/")


def _collection_resource(collection: Collection, reader: TaxiiReader) -> dict[str, Any]:
    node, peer = this_node(), reader.peer
    return {
        "id": str(collection.collection_id),
        "title": _("Released to %(peer)s") % {"peer": peer.name},
        "description": _(
            "Records %(node)s has released to %(peer)s: current versions, and recalled "
            "records as revoked objects."
        )
        % {"node": node.name or node.id, "peer": peer.name},
        "alias": f"released-to-{peer.name.lower()}",
        "can_read": True,
        "can_write": False,
        "media_types": [taxii.MEDIA_STIX],
    }


# --- handlers -----------------------------------------------------------------------------


def _discovery(request: HttpRequest, reader: TaxiiReader, _c: None) -> Any:
    node = this_node()
    root = _root_url(request)
    data = {
        "title": _("Liaison TAXII server"),
        "description": _("What %(node)s has released to your agency, as STIX 2.1.")
        % {"node": node.name or node.id},
        "default": root,
        "api_roots": [root],
    }
    return data, {}, {}


def _api_root(request: HttpRequest, reader: TaxiiReader, _c: None) -> Any:
    data = {
        "title": "Liaison",
        "description": _("Read-only: one collection with what is released to your agency."),
        "versions": [taxii.MEDIA_TAXII],
        "max_content_length": 0,
    }
    return data, {}, {}


def _collections(request: HttpRequest, reader: TaxiiReader, _c: None) -> Any:
    collection = services.collection_of(reader.peer)
    return {"collections": [_collection_resource(collection, reader)]}, {}, {}


def _collection(request: HttpRequest, reader: TaxiiReader, collection: Collection) -> Any:
    return _collection_resource(collection, reader), {}, {}


def _read_detail(rows: list[Any]) -> dict[str, Any]:
    records = sorted({str(r.record_uuid) for r in rows if r.record_uuid})
    return {"objects": len(rows), "records": records}


def _objects(request: HttpRequest, reader: TaxiiReader, collection: Collection) -> Any:
    filters = taxii.parse_filters(request.GET)
    rows, more = taxii.page(taxii.select(collection, filters), filters)
    return taxii.envelope(rows, more), taxii.date_headers(rows), _read_detail(rows)


def _object_rows(request: HttpRequest, collection: Collection, object_id: str) -> Any:
    if (
        not taxii.is_valid_id(object_id)
        or not collection.stix_objects.filter(stix_id=object_id).exists()
    ):
        raise TaxiiError(
            404, _("No such object"), _("This collection holds no object with this id.")
        )
    filters = taxii.parse_filters(request.GET)
    return taxii.page(taxii.select(collection, filters, object_id), filters)


def _object(
    request: HttpRequest, reader: TaxiiReader, collection: Collection, object_id: str
) -> Any:
    rows, more = _object_rows(request, collection, object_id)
    return taxii.envelope(rows, more), taxii.date_headers(rows), _read_detail(rows)


def _versions(
    request: HttpRequest, reader: TaxiiReader, collection: Collection, object_id: str
) -> Any:
    rows, more = _object_rows(request, collection, object_id)
    return taxii.versions(rows, more), taxii.date_headers(rows), {"objects": len(rows)}


def _manifest(request: HttpRequest, reader: TaxiiReader, collection: Collection) -> Any:
    filters = taxii.parse_filters(request.GET)
    rows, more = taxii.page(taxii.select(collection, filters), filters)
    return taxii.manifest(rows, more), taxii.date_headers(rows), {"objects": len(rows)}


def _status(request: HttpRequest, reader: TaxiiReader, _c: None, status_id: str) -> Any:
    raise TaxiiError(
        404,
        _("No such status"),
        _("This server accepts no objects, so it keeps no status resources."),
    )


def _nowhere(request: HttpRequest, reader: TaxiiReader, _c: None, rest: str = "") -> Any:
    raise TaxiiError(404, _("Not found"), _("There is no TAXII resource at this address."))


# --- views --------------------------------------------------------------------------------


@csrf_exempt
def discovery(request: HttpRequest) -> HttpResponse:
    return _serve(request, _discovery)


@csrf_exempt
def api_root(request: HttpRequest) -> HttpResponse:
    return _serve(request, _api_root)


@csrf_exempt
def status(request: HttpRequest, status_id: str) -> HttpResponse:
    return _serve(request, _status, status_id=status_id)


@csrf_exempt
def collections(request: HttpRequest) -> HttpResponse:
    return _serve(request, _collections)


@csrf_exempt
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    return _serve(request, _collection, collection_id=collection_id)


@csrf_exempt
def objects(request: HttpRequest, collection_id: str) -> HttpResponse:
    return _serve(request, _objects, collection_id=collection_id, writable_path=True)


@csrf_exempt
def object_by_id(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    return _serve(
        request, _object, collection_id=collection_id, writable_path=True, object_id=object_id
    )


@csrf_exempt
def object_versions(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    return _serve(request, _versions, collection_id=collection_id, object_id=object_id)


@csrf_exempt
def manifest(request: HttpRequest, collection_id: str) -> HttpResponse:
    return _serve(request, _manifest, collection_id=collection_id)


@csrf_exempt
def nowhere(request: HttpRequest, rest: str = "") -> HttpResponse:
    return _serve(request, _nowhere, rest=rest)


def schema(request: HttpRequest, name: str) -> HttpResponse:
    """The JSON schemas of Liaison's STIX extensions (public: they describe, never hold,
    records)."""
    if name not in {ext.schema_file for ext in EXTENSIONS}:
        raise Http404(name)
    return HttpResponse((SCHEMA_DIR / name).read_bytes(), content_type="application/schema+json")
