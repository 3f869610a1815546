"""Django admin: peers (with fingerprints and this node's own) and releases, read-only —
peering and releasing go through `liaison peer` / the release pages, which check and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from liaison.exchange.models import Peer, Release


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Peer)
class PeerAdmin(ReadOnly):
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
        from liaison.exchange.services import this_node

        me = this_node()
        extra = {
            "title": _("Peers — this node %(id)s, fingerprint %(fp)s")
            % {"id": me.id, "fp": me.fingerprint}
        }
        return super().changelist_view(request, {**(extra_context or {}), **extra})


@admin.register(Release)
class ReleaseAdmin(ReadOnly):
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
