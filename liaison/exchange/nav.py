from django.utils.translation import gettext_lazy as _

NAV = [
    {"label": _("Partners"), "url": "exchange:peer_list"},
    {"label": _("Releases"), "url": "exchange:release_list"},
]
