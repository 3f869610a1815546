from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from liaison.core.countries import register_partner_source


class ExchangeConfig(AppConfig):
    name = "liaison.exchange"
    label = "exchange"
    verbose_name = _("Federation")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from liaison.exchange import signals

        # Every save of a local, released record sends its new version to the peers it is
        # released to (services may also call services.record_changed themselves).
        post_save.connect(signals.record_saved, dispatch_uid="exchange.record_saved")
        post_delete.connect(signals.record_deleted, dispatch_uid="exchange.record_deleted")
        # The countries of our peers are the countries this node works with.
        register_partner_source(peer_countries)

    def status_report(self) -> dict[str, Any]:
        """`liaison status`: each peer's address, last contact, backlog and last error."""
        from liaison.exchange.services import peer_status

        return {"peers": peer_status()}


def peer_countries() -> list[str]:
    from liaison.exchange.models import Peer, PeerStatus

    rows = Peer.objects.filter(status=PeerStatus.ACTIVE).values_list("country", flat=True)
    return sorted(set(rows))
