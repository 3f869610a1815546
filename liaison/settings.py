"""Django settings for a Liaison node.

A node lives in its home folder (``--home`` / ``LIAISON_HOME``, default ``./.liaison``):
``node.json`` (identity and settings written by ``liaison init``), the Ed25519 key pair,
the SQLite database and the logs. ``LIAISON_DATABASE_URL`` selects PostgreSQL instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

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
#: The address partners and users reach this node at (`liaison init --url`).
NODE_URL = urlsplit(NODE.get("url", ""))
#: Production mode: not in debug, and the node's URL is https. Then cookies are Secure, HSTS
#: is sent, plain http is redirected, and `manage.py check --deploy` has nothing to say.
HTTPS = NODE_URL.scheme == "https"
PRODUCTION = HTTPS and not DEBUG
# The node's own host name and loopback; LIAISON_ALLOWED_HOSTS adds others (a second name).
ALLOWED_HOSTS = [
    *([NODE_URL.hostname] if NODE_URL.hostname else []),
    "127.0.0.1",
    "localhost",
    "[::1]",
    *[h for h in os.environ.get("LIAISON_ALLOWED_HOSTS", "").split(",") if h],
]
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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "ninja",
    "liaison.core",
    "liaison.crime",
    "liaison.exchange",
    "liaison.cooperation",
    "liaison.reports",
    "liaison.screening",
    "liaison.interop",
    "liaison.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "liaison.core.gate.SessionTimeoutMiddleware",
    "liaison.core.middleware.UserLanguageMiddleware",
    "liaison.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "liaison.core.gate.SignInGateMiddleware",
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
#: Roles that must sign in with a second factor (TOTP). A demo node (`liaison demo_users`)
#: writes "second_factor": "optional" to node.json: its passwords are public anyway.
SECOND_FACTOR_ROLES = (
    [] if NODE.get("second_factor") == "optional" else ["supervisor", "node_admin"]
)
OTP_TOTP_ISSUER = f"Liaison {NODE.get('name', '')}".strip()
# Each wrong code doubles the wait before the next try (1, 2, 4 … seconds).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
#: A session ends after this long, however active (seconds).
SESSION_COOKIE_AGE = 8 * 3600
#: ... and after this long without a request (liaison.core.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_SECONDS = int(os.environ.get("LIAISON_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_HSTS_SECONDS = 365 * 86400
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = True
    # Monitoring on the node's own machine may still ask over plain http.
    SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
if os.environ.get("LIAISON_TLS_PROXY") == "1":
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and that alone reaches us).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload lists a whole domain in the browsers; that is the domain owner's decision.
    "security.W021",
]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script, no inline style, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Lao is not among Django's own languages: describe it so the language switch can offer it.
LANG_INFO.setdefault("lo", {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"})
LANGUAGES = [("vi", _("Vietnamese")), ("lo", _("Lao")), ("en", _("English")), ("ru", _("Russian"))]
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
# Upload limits, checked before a file is read (liaison/core/uploads.py). A file past
# UPLOAD_MAX_FILE_BYTES is dropped while it arrives; each form field has its own limit.
FILE_UPLOAD_HANDLERS = [
    "liaison.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
UPLOAD_MAX_REQUEST_BYTES = 120 * 1024 * 1024
UPLOAD_MAX_FILE_BYTES = 50 * 1024 * 1024
IMPORT_MAX_FILE_BYTES = 20 * 1024 * 1024
PHOTO_MAX_BYTES = 5 * 1024 * 1024
COOPERATION_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# The import reads XLSX as a stream, within these bounds (liaison/crime/importer/reading.py).
IMPORT_MAX_ROWS = 200_000
IMPORT_MAX_COLUMNS = 64
IMPORT_MAX_CELL_CHARS = 10_000
IMPORT_MAX_XML_BYTES = 200 * 1024 * 1024
#: Import previews not confirmed within this many seconds are removed.
IMPORT_PREVIEW_MAX_AGE = 3600

#: The audit chain's signed head, outside the database (liaison/core/audit_head.py).
AUDIT_HEAD_FILE = HOME / "audit_head.json"

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
