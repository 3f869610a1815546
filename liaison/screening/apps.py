from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "liaison.screening"
    label = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from django.core.checks import register

        from liaison.screening import checks, signals

        signals.connect()
        register(checks.search_keys_current)
