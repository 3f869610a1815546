import datetime as dt
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
application = get_wsgi_application()


def _warm_up() -> None:
    """Do in the worker's start what its first request would otherwise do: import every
    URLconf (the API, its schemas, the matcher), fill the matcher's tables and load the
    gazetteer's index."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            resolver.reverse_dict  # noqa: B018
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Search")

    from liaison.screening.search import warm_up

    warm_up()

    # The gazetteer's in-process index, which the statistics read their provinces from.
    from liaison.core.gazetteer import provinces_of
    from liaison.core.node import this_node

    provinces_of(this_node().country, dt.date.min, dt.date.max)


_warm_up()
