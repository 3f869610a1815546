"""Files of cooperation records: for a user (a partner's file is fetched from its origin on
first use) and, node to node, for a partner the record was released to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt

from liaison.cooperation.forms.common import error_banner
from liaison.cooperation.services.attachments import attachment_for, file_for_peer, file_of
from liaison.core.middleware import request_user as _user


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    att = attachment_for(_user(request), pk)
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type
    )


@login_required
def record_file(request: HttpRequest, kind: str, uuid: str, sha256: str) -> HttpResponseBase:
    """A file of a record; a partner record's file is fetched from its origin on first use."""
    try:
        att = file_of(_user(request), kind, uuid, sha256)
    except ValidationError as exc:
        messages.error(request, error_banner(None, exc))
        return redirect(request.META.get("HTTP_REFERER") or "cooperation:hotline")
    return FileResponse(
        att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type
    )


@csrf_exempt
def federation_file(request: HttpRequest, kind: str, uuid: str, sha256: str) -> HttpResponseBase:
    """Node-to-node: a partner fetches a file of a record released to it (signed request)."""
    from liaison.exchange import services as exchange
    from liaison.exchange.services import RequestRefused

    if request.method != "GET":
        return JsonResponse({"error": "method", "detail": "GET only"}, status=405)
    try:
        peer = exchange.verify_request("GET", request.get_full_path(), request.headers, b"")
    except RequestRefused as exc:
        return JsonResponse({"error": exc.reason, "detail": str(exc)}, status=exc.status)
    att = file_for_peer(peer, kind, uuid, sha256)
    if att is None:
        return JsonResponse(
            {"error": "not_found", "detail": "no such file released to you"}, status=404
        )
    return FileResponse(att.file.open("rb"), content_type=att.content_type)
