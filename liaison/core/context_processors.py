from __future__ import annotations

from django.http import HttpRequest

from liaison.core.node import NodeNotInitialised, this_node


def node(request: HttpRequest) -> dict:
    try:
        identity = this_node()
    except NodeNotInitialised:
        identity = None
    return {"node": identity}
