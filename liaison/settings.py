"""Django settings for a Liaison node.

A node lives in its home folder (``--home`` / ``LIAISON_HOME``, default ``./.liaison``):
``node.json`` (identity and settings written by ``liaison init``), the Ed25519 key pair,
the SQLite database and the logs. ``LIAISON_DATABASE_URL`` selects PostgreSQL instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from liaison.core.countries import language_for, timezone_for

BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("LIAISON_HOME", ".liaison")).resolve()
NODE_FILE = HOME / "node.json"


def _node_settings() -> dict:
    try:
        return json.loads(NODE_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


NODE = _node_settings()


def _secret_key() -> str:
    try:
        return (HOME / "secret_key").read_text(encoding="ascii").strip()
    except OSError:
        # No node here yet (before `liaison init`): a throw-away key is enough.
        return "liaison-uninitialised-" + os.urandom(16).hex()


SECRET_KEY = os.environ.get("LIAISON_SECRET_KEY") or _secret_key()
DEBUG = os.environ.get("LIAISON_DEBUG") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("LIAISON_ALLOWED_HOSTS", "*").split(",") if h]
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("LIAISON_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "liaison.core",
    "liaison.crime",
    "liaison.exchange",
    "liaison.cooperation",
    "liaison.reports",
    "liaison.screening",
    "liaison.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "liaison.core.middleware.UserLanguageMiddleware",
    "liaison.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "liaison.urls"
WSGI_APPLICATION = "liaison.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liaison.core.context_processors.node",
                "liaison.web.context_processors.nav",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("LIAISON_DATABASE_URL") or NODE.get("database_url")
    if url:
        db: dict = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        db.setdefault("OPTIONS", {})["connect_timeout"] = 5
        # Several test processes may share one PostgreSQL server: keep their test databases apart.
        db["TEST"] = {"NAME": f"test_liaison_{os.getpid()}"}
        return db
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": HOME / "liaison.sqlite3",
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if os.environ.get("LIAISON_FAST_HASHER") == "1":
    # Tests only: Argon2 is deliberately slow.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"
LOGIN_FAILURE_LIMIT = 5
LOGIN_LOCKOUT_MINUTES = 15

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Lao is not among Django's own languages: describe it so the language switch can offer it.
LANG_INFO.setdefault("lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"})
LANGUAGES = [("vi", _("Vietnamese")), ("lo", _("Lao")), ("en", _("English"))]
# The node's national language (from its country, through CLDR) until a user or a browser
# asks for another; English where the country's language is not among LANGUAGES.
LANGUAGE_CODE = os.environ.get("LIAISON_LANGUAGE") or language_for(
    NODE.get("country"), [code for code, _name in LANGUAGES]
)
LANGUAGE_COOKIE_NAME = "liaison_language"
USE_I18N = True
USE_TZ = True
# The country's time zone (CLDR's territory zones); node.json or the environment may choose.
TIME_ZONE = (
    os.environ.get("LIAISON_TIME_ZONE")
    or NODE.get("time_zone")
    or timezone_for(NODE.get("country"))
)

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
# Browser libraries come from npm (package.json at the repository root, `make install`) and
# are served from node_modules as they are; the map's province boundaries are built from an
# npm package by scripts/build_boundaries.py into build/boundaries.
ASSETS_DIR = Path(os.environ.get("LIAISON_ASSETS") or BASE_DIR.parent).resolve()
_NPM_DIST = {"leaflet": "leaflet/dist", "cytoscape": "cytoscape/dist"}
STATICFILES_DIRS = [
    (f"vendor/{name}", ASSETS_DIR / "node_modules" / dist)
    for name, dist in _NPM_DIST.items()
    if (ASSETS_DIR / "node_modules" / dist).is_dir()
]
BOUNDARIES_DIR = ASSETS_DIR / "build" / "boundaries"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = HOME / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOG_DIR = HOME / "logs"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "level": "WARNING"},
        "file": {
            "class": "liaison.core.logs.NodeLogHandler",
            "formatter": "plain",
            "level": "INFO",
        },
    },
    "loggers": {
        "liaison": {"handlers": ["file", "console"], "level": "INFO", "propagate": False},
        # Tracebacks of failed commands go to the log only; the terminal gets one line.
        "liaison.cli": {"handlers": ["file"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["file"], "level": "WARNING", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
