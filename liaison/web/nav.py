from django.utils.translation import gettext_lazy as _

NAV = [
    {"label": _("Map"), "url": "web:map"},
    {"label": _("Link chart"), "url": "web:linkchart"},
]
