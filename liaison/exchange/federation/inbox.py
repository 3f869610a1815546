"""``POST /federation/v1/ping``: the caller has new entries in its feed for us; pull soon."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from liaison.exchange.federation.signing import authenticated, refused
from liaison.exchange.services.inbox import ping_received
from liaison.exchange.services.signing import RequestRefused


@csrf_exempt
@require_POST
def ping(request: HttpRequest) -> JsonResponse:
    try:
        peer, _body_bytes = authenticated(request)
    except RequestRefused as exc:
        return refused(exc.reason, str(exc), exc.status)
    ping_received(peer)
    return JsonResponse({"ok": True})
