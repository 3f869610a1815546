"""REST API for cooperation: /api/v1/wanted-notices, requests, messages, joint-cases, patrols,
agreements, meetings (+ hotline channels and report). Lists are filtered and paged by the
one list mechanism (:mod:`liaison.core.listing`: ``{"items", "next"}``, a cursor per page);
access follows the unit tree (a record outside it is 404); every write goes through the
services, as the pages do.

One router per mechanism, mounted here (in this order) into the app's ``router``."""

from ninja import Router

from liaison.cooperation.api import (
    agreements,
    attachments,
    hotline,
    joint,
    patrols,
    requests,
    wanted,
)

router = Router(tags=["cooperation"])

for _module in (attachments, hotline, wanted, requests, joint, patrols, agreements):
    # Keep the operation ids the schema published when this API was one module
    # (``liaison_cooperation_api_<function>``): generated clients name their calls by them.
    for _path_view in _module.router.path_operations.values():
        for _operation in _path_view.operations:
            _operation.operation_id = f"liaison_cooperation_api_{_operation.view_func.__name__}"
    router.add_router("", _module.router)
