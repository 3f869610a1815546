from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from liaison.core.audit import Actor


class CooperationConfig(AppConfig):
    name = "liaison.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation")

    def ready(self) -> None:
        from liaison.cooperation.receiving import register_with_exchange

        register_with_exchange()

    def initial_data(self, actor: Actor) -> None:
        """`liaison init`: hotline channels to the partner's ministry and the provinces ours
        face."""
        from liaison.cooperation.services.hotline import ensure_default_channels

        ensure_default_channels(actor=actor)
