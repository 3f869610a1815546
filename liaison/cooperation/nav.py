from django.utils.translation import gettext_lazy as _

NAV = [
    {"label": _("Hotline"), "url": "cooperation:hotline"},
    {"label": _("Wanted persons"), "url": "cooperation:wanted_list"},
    {"label": _("Requests"), "url": "cooperation:request_list"},
    {"label": _("Joint work"), "url": "cooperation:joint_list"},
]
