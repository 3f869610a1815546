"""Signed requests at the federation endpoints: the body is read within its size limit, the
signature checked, and a refusal answered as ``{"error": reason, "detail": message}``."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse

from liaison.exchange.models import Peer
from liaison.exchange.services.inbox import note_rejection
from liaison.exchange.services.signing import MAX_REQUEST_BYTES, RequestRefused, verify_request


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


def authenticated(request: HttpRequest) -> tuple[Peer, bytes]:
    """The active peer that signed ``request``, and the request body; RequestRefused else."""
    try:
        body = _body(request)
    except RequestRefused as exc:
        sender = request.headers.get("X-Liaison-From", "")
        peer = Peer.objects.filter(node_id=sender).first() if sender else None
        note_rejection(
            peer, exc.reason, f"{request.method} {request.path}: {exc}", claimed_node=sender
        )
        raise
    peer = verify_request(request.method or "GET", request.get_full_path(), request.headers, body)
    return peer, body


def json_body(peer: Peer, body: bytes, request: HttpRequest) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        note_rejection(peer, "invalid_json", f"{request.path}: body is not JSON: {exc}")
        raise RequestRefused("invalid_json", f"request body is not valid JSON: {exc}", 400) from exc
