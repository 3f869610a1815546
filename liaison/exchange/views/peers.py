"""Web page of peering: the partner nodes, their status and this node's fingerprint."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from liaison.exchange.services.peers import peer_status, this_node


@login_required
def peer_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/peers/list.html",
        {"peers": peer_status(), "me": this_node()},
    )
