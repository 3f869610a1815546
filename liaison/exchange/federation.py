"""The federation endpoints under /federation/v1/ (node-to-node; not for browsers).

Every call but ``identity`` must be a signed request from an active peer (see
:func:`liaison.exchange.services.verify_request`). Refusals answer with a JSON body
``{"error": reason, "detail": message}`` and are logged and counted on the peer's status.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from liaison.exchange import services
from liaison.exchange.envelope import EnvelopeError
from liaison.exchange.models import Peer
from liaison.exchange.services import MAX_REQUEST_BYTES, RequestRefused


def refused(reason: str, detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": reason, "detail": detail}, status=status)


def _body(request: HttpRequest) -> bytes:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_REQUEST_BYTES:
        raise RequestRefused("too_large", f"request body over {MAX_REQUEST_BYTES} bytes", 413)
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise RequestRefused(
            "too_large", f"request body over {MAX_REQUEST_BYTES} bytes", 413
        ) from exc
    if len(body) > MAX_REQUEST_BYTES:
        raise RequestRefused("too_large", f"request body over {MAX_REQUEST_BYTES} bytes", 413)
    return body


def _authenticated(request: HttpRequest) -> tuple[Peer, bytes]:
    try:
        body = _body(request)
    except RequestRefused as exc:
        sender = request.headers.get("X-Liaison-From", "")
        peer = Peer.objects.filter(node_id=sender).first() if sender else None
        services.note_rejection(peer, exc.reason, f"{request.method} {request.path}: {exc}",
                                claimed_node=sender)  # fmt: skip
        raise
    peer = services.verify_request(
        request.method or "GET", request.get_full_path(), request.headers, body
    )
    return peer, body


def _json_body(peer: Peer, body: bytes, request: HttpRequest) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        services.note_rejection(peer, "invalid_json", f"{request.path}: body is not JSON: {exc}")
        raise RequestRefused("invalid_json", f"request body is not valid JSON: {exc}", 400) from exc


@require_GET
def identity(request: HttpRequest) -> JsonResponse:
    return JsonResponse(services.identity_document(), json_dumps_params={"ensure_ascii": False})


@require_GET
def feed(request: HttpRequest) -> JsonResponse:
    try:
        peer, _body_bytes = _authenticated(request)
        try:
            after = int(request.GET.get("after", "0"))
            limit = int(request.GET.get("limit", str(services.FEED_DEFAULT_LIMIT)))
        except ValueError as exc:
            raise RequestRefused("schema", "after and limit must be integers", 400) from exc
    except RequestRefused as exc:
        return refused(exc.reason, str(exc), exc.status)
    return JsonResponse(services.feed_page(peer, after, limit))


@csrf_exempt
@require_POST
def ping(request: HttpRequest) -> JsonResponse:
    try:
        peer, _body_bytes = _authenticated(request)
    except RequestRefused as exc:
        return refused(exc.reason, str(exc), exc.status)
    services.ping_received(peer)
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def receipts(request: HttpRequest) -> JsonResponse:
    try:
        peer, body = _authenticated(request)
        data = _json_body(peer, body, request)
        if not isinstance(data, dict) or not isinstance(data.get("receipt"), str):
            services.note_rejection(peer, "schema", 'receipts body must be {"receipt": JWS}')
            raise RequestRefused("schema", 'body must be {"receipt": "<compact JWS>"}', 400)
        try:
            result = services.accept_receipt(peer, data["receipt"])
        except EnvelopeError as exc:
            services.note_rejection(peer, exc.reason, f"receipt refused: {exc}")
            raise RequestRefused(exc.reason, f"receipt refused: {exc}", 400) from exc
    except RequestRefused as exc:
        return refused(exc.reason, str(exc), exc.status)
    return JsonResponse({"ok": True, **result})
