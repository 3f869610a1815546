"""``GET /federation/v1/feed?after=N&limit=M``: the next envelopes released to the caller."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from liaison.exchange.federation.signing import authenticated, refused
from liaison.exchange.services.outbox import FEED_DEFAULT_LIMIT, feed_page
from liaison.exchange.services.signing import RequestRefused


@require_GET
def feed(request: HttpRequest) -> JsonResponse:
    try:
        peer, _body_bytes = authenticated(request)
        try:
            after = int(request.GET.get("after", "0"))
            limit = int(request.GET.get("limit", str(FEED_DEFAULT_LIMIT)))
        except ValueError as exc:
            raise RequestRefused("schema", "after and limit must be integers", 400) from exc
    except RequestRefused as exc:
        return refused(exc.reason, str(exc), exc.status)
    return JsonResponse(feed_page(peer, after, limit))
