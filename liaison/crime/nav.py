from django.utils.translation import gettext_lazy as _

NAV = [
    {"label": _("Cases"), "url": "crime:cases"},
    {"label": _("Persons"), "url": "crime:persons"},
    {"label": _("Hotspots"), "url": "crime:hotspots"},
    {"label": _("Rings"), "url": "crime:rings"},
]
