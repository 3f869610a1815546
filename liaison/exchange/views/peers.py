"""Web page of peering: the partner nodes, their status and this node's fingerprint."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from liaison.core.middleware import request_user
from liaison.exchange.services.peers import this_node
from liaison.exchange.services.scope import peer_status_for


@login_required
def peer_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/peers/list.html",
        {"peers": peer_status_for(request_user(request)), "me": this_node()},
    )
