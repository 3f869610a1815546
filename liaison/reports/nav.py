from django.utils.translation import gettext_lazy as _

NAV = [{"label": _("Statistics"), "url": "reports:statistics"}]
