"""Django admin: peers (with fingerprints and this node's own) and releases, read-only —
peering and releasing go through `liaison peer` / the release pages, which check and audit."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from liaison.core.admin import ReadOnlyAdmin
from liaison.exchange.models import Peer, Release


@admin.register(Peer)
class PeerAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "node_id",
        "country",
        "url",
        "fingerprint",
        "status",
        "last_contact",
        "last_error",
    )
    search_fields = ("name", "node_id", "fingerprint")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        from liaison.exchange.services.peers import this_node

        me = this_node()
        extra = {
            "title": _("Peers — this node %(id)s, fingerprint %(fp)s")
            % {"id": me.id, "fp": me.fingerprint}
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})


@admin.register(Release)
class ReleaseAdmin(ReadOnlyAdmin):
    list_display = (
        "kind",
        "record_uuid",
        "peer",
        "tlp",
        "handling",
        "state",
        "released_by",
        "released_at",
    )
    list_filter = ("state", "tlp", "peer")
