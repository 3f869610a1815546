"""``POST /federation/v1/receipts``: the caller's signed receipt for our feed."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from liaison.exchange.envelope import EnvelopeError
from liaison.exchange.federation.signing import authenticated, json_body, refused
from liaison.exchange.services.inbox import note_rejection
from liaison.exchange.services.receipts import accept_receipt
from liaison.exchange.services.signing import RequestRefused


@csrf_exempt
@require_POST
def receipts(request: HttpRequest) -> JsonResponse:
    try:
        peer, body = authenticated(request)
        data = json_body(peer, body, request)
        if not isinstance(data, dict) or not isinstance(data.get("receipt"), str):
            note_rejection(peer, "schema", 'receipts body must be {"receipt": JWS}')
            raise RequestRefused("schema", 'body must be {"receipt": "<compact JWS>"}', 400)
        try:
            result = accept_receipt(peer, data["receipt"])
        except EnvelopeError as exc:
            note_rejection(peer, exc.reason, f"receipt refused: {exc}")
            raise RequestRefused(exc.reason, f"receipt refused: {exc}", 400) from exc
    except RequestRefused as exc:
        return refused(exc.reason, str(exc), exc.status)
    return JsonResponse({"ok": True, **result})
