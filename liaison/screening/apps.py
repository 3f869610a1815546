from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "liaison.screening"
    label = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from liaison.screening import signals

        signals.connect()
