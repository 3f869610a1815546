from django.utils.translation import gettext_lazy as _

from liaison.core.models import Role

NAV = [
    {
        "label": _("Person search"),
        "url": "screening:search",
        "roles": [Role.OFFICER, Role.ANALYST, Role.SUPERVISOR],
    },
    {
        "label": _("Match alerts"),
        "url": "screening:alerts",
        "roles": [Role.ANALYST, Role.SUPERVISOR],
    },
]
