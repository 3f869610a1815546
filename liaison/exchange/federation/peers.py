"""``GET /federation/v1/identity``: who this node is, unauthenticated (peering reads it)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from liaison.exchange.services.peers import identity_document


@require_GET
def identity(request: HttpRequest) -> JsonResponse:
    return JsonResponse(identity_document(), json_dumps_params={"ensure_ascii": False})
