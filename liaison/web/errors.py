"""Error pages (403, 404, 500) in the reader's language, saying what happened and offering
a way back. A record a partner recalled is not "not found": the page says who recalled it
and when, from the tombstone the exchange keeps (``Holding`` with op "recall")."""

from __future__ import annotations

import logging
import re
import uuid as uuid_module
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from liaison.core.countries import country_name
from liaison.exchange.models import Holding
from liaison.web.formatting import format_datetime

log = logging.getLogger("liaison.web")

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def recalled_record(path: str) -> dict[str, Any] | None:
    """The recall behind a 404 on ``path``, when the path names a recalled record."""
    ids = []
    for text in _UUID.findall(path):
        try:
            ids.append(uuid_module.UUID(text))
        except ValueError:
            continue
    if not ids:
        return None
    holding = (
        Holding.objects.filter(record_uuid__in=ids, op="recall")
        .select_related("peer")
        .order_by("-applied_at")
        .first()
    )
    if holding is None:
        return None
    return {
        "country": holding.peer.country,
        "country_name": country_name(holding.peer.country),
        "peer": holding.peer.name,
        "when": format_datetime(holding.applied_at),
    }


def _page(request: HttpRequest, status: int, context: dict[str, Any]) -> HttpResponse:
    referer = request.META.get("HTTP_REFERER", "")
    same_site = url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
    context = {"status": status, "back": referer if same_site else "", **context}
    body: str
    try:
        body = render_to_string("web/errors/error.html", context, request=request)
    except Exception:  # the page itself failed (a 500 with the database down): plain text
        log.exception("error page %s could not be rendered", status)
        body = f"<!DOCTYPE html><title>{status}</title><h1>{status}</h1><p>{escape(context['message'])}</p>"
    return HttpResponse(body, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request,
        403,
        {
            "heading": _("Not allowed"),
            "message": _(
                "Your role or your unit does not allow this. Ask your supervisor if you need it."
            ),
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    recall = None
    try:
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            recall = recalled_record(request.path)
    except Exception:  # a broken lookup must not turn a 404 into a 500
        log.exception("recall lookup failed for %s", request.path)
    if recall is not None:
        return _page(
            request,
            404,
            {
                "heading": _("Recalled by %(country)s") % {"country": recall["country"]},
                "message": _(
                    "This record was recalled by %(country_name)s (%(peer)s) on %(when)s: "
                    "its origin withdrew it, and this node deleted its copy."
                )
                % recall,
                "recall": recall,
            },
        )
    return _page(
        request,
        404,
        {
            "heading": _("Not found"),
            "message": _(
                "There is no such page or record, or it lies outside the area your unit works on."
            ),
        },
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        {
            "heading": _("Something went wrong"),
            "message": _(
                "The node could not complete this request. It has been written to the node's "
                "log; try again, and tell your node administrator if it happens again."
            ),
        },
    )
