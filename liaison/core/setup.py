"""Bring a new node into being: identity, keys, database, gazetteer, first units and admin."""

from __future__ import annotations

import json
import os
import secrets
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils.translation import gettext as _

from liaison.core import countries, node, services
from liaison.core.audit import Actor
from liaison.core.models import Province, Role, Unit, UnitKind

NATIONAL_UNITS_FILE = Path(__file__).resolve().parent / "data" / "national_units.json"


@cache
def _units_file() -> dict[str, Any]:
    with open(NATIONAL_UNITS_FILE, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def national_units() -> dict[str, dict[str, Any]]:
    """Per country listed in the data file: its ministry, drug police department and province
    police name pattern, in its own language with English names."""
    return {code: facts for code, facts in _units_file().items() if countries.is_country(code)}


def units_for(country: str) -> dict[str, Any]:
    """The first units of a node of ``country``: its own entry in the data file, else the
    file's ``_default`` (English names with the country's English name filled in), which an
    admin renames under *Units*."""
    listed = national_units().get(country)
    if listed is not None:
        return listed
    name = countries.country_name(country, "en")
    template = _units_file()["_default"]
    units: dict[str, Any] = {}
    for level in ("ministry", "department"):
        english = str(template[level]["name_en"]).format(country=name)
        units[level] = {"name": english, "name_en": english}
    return units


class SetupError(Exception):
    """Bad input to `liaison init`; nothing was left behind."""


@dataclass(frozen=True)
class NewNode:
    identity: node.NodeIdentity
    admin_password: str
    home: Path


def check_database() -> None:
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SetupError(_("cannot reach the database: %(e)s") % {"e": first_line}) from exc
    if "core_auditentry" in connection.introspection.table_names():
        raise SetupError(_("the database already holds a Liaison node"))


def _province_name(province: Province, country: str) -> str:
    """The province police's name in the country's own language (``province.name`` is the
    province's name in its original script); English where the data has no pattern."""
    pattern = units_for(country).get("province_police")
    if pattern:
        return str(pattern).format(province=province.name)
    return f"{province.name_en or province.name} Province Police"


def _first_units(country: str) -> Unit:
    units = units_for(country)
    root_name, root_en = units["ministry"]["name"], units["ministry"]["name_en"]
    dept_name, dept_en = units["department"]["name"], units["department"]["name_en"]
    actor = Actor.system("init")
    root = services.create_unit(
        name=root_name,
        name_en=root_en,
        kind=UnitKind.MINISTRY,
        code=f"{country}-MPS",
        parent=None,
        actor=actor,
    )
    services.create_unit(
        name=dept_name,
        name_en=dept_en,
        kind=UnitKind.DEPARTMENT,
        code=f"{country}-DRUG",
        parent=root,
        actor=actor,
    )
    # Province police of the provinces on the border, valid today.
    border = Province.objects.filter(
        country__code=country, is_border=True, valid_to__isnull=True
    ).order_by("code")
    for province in border:
        services.create_unit(
            name=_province_name(province, country),
            name_en=f"{province.name_en or province.name} Province Police",
            kind=UnitKind.PROVINCE_POLICE,
            code=f"{country}-PP-{province.code.replace(':', '-')}",
            parent=root,
            province=province,
            actor=actor,
        )
    return root


def initial_data(actor: Actor) -> None:
    """Each installed app's start-up defaults, in INSTALLED_APPS order: an AppConfig may
    define ``initial_data(self, actor)`` (hotline channels, ...). Core knows no domain app."""
    for config in apps.get_app_configs():
        hook = getattr(config, "initial_data", None)
        if callable(hook):
            hook(actor)


def create_node(country: str, name: str, url: str) -> NewNode:
    """Create the node in ``settings.HOME``. On any failure, remove what was made."""
    country = country.strip().upper()
    if not countries.is_country(country):
        raise SetupError(_("unknown country code %(c)r (not in ISO 3166-1)") % {"c": country})
    if not name.strip():
        raise SetupError(_("--name must not be empty"))
    home = Path(settings.HOME)
    if (home / "node.json").exists():
        raise SetupError(_("%(h)s already holds a node") % {"h": home})
    if home.exists() and any(home.iterdir()):
        raise SetupError(_("%(h)s is not empty; choose an empty or new folder") % {"h": home})
    is_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    created_home = not home.exists()
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    try:
        check_database()
    except SetupError:
        if created_home:
            shutil.rmtree(home, ignore_errors=True)
        raise
    try:
        (home / "secret_key").write_text(secrets.token_urlsafe(50) + "\n")
        (home / "secret_key").chmod(0o600)
        (home / "static").mkdir()
        node.write_key_pair(home)
        # The database URL is kept with the node so later commands need no environment.
        database_url = None if is_sqlite else os.environ.get("LIAISON_DATABASE_URL")
        data = node.new_node_settings(country, name.strip(), url.strip(), database_url)
        node.write_node_settings(home, data)
        settings.NODE.clear()
        settings.NODE.update(data)
        node.this_node.cache_clear()
        node.signing_key.cache_clear()
        call_command("migrate", verbosity=0, interactive=False)
        from liaison.core.gazetteer import load_gazetteer

        with transaction.atomic():
            # Our own provinces and those of the countries we work with (and the border
            # between them, where the gazetteer has it).
            load_gazetteer([country, *countries.partner_countries()])
            root = _first_units(country)
            initial_data(Actor.system("init"))
            _admin, password = services.create_user(
                username="admin",
                unit=root,
                roles=[Role.NODE_ADMIN, Role.SUPERVISOR, Role.ANALYST, Role.OFFICER],
                full_name="Node administrator",
                actor=Actor.system("init"),
            )
        node.secure_home(home)
        return NewNode(node.this_node(), password, home)
    except BaseException:
        _undo(home, created_home)
        raise


def _undo(home: Path, created_home: bool) -> None:
    connection.close()
    if connection.vendor == "postgresql":
        try:
            with connection.cursor() as cursor:
                for table in connection.introspection.django_table_names(include_views=False):
                    cursor.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')  # noqa: S608
                cursor.execute('DROP TABLE IF EXISTS "django_migrations" CASCADE')
        except DatabaseError:
            pass
        connection.close()
    if created_home:
        shutil.rmtree(home, ignore_errors=True)
    else:
        for child in home.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    settings.NODE.clear()
    node.this_node.cache_clear()
    node.signing_key.cache_clear()
