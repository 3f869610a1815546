"""Many rows at once, for feeds and bulk releases of thousands of records: plain
``executemany`` INSERTs and UPDATEs (no model instance per row, no signals) and a primary-key
lookup by UUID. Values are converted for the database once per distinct value."""

from __future__ import annotations

import datetime as dt
import uuid as uuidlib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

_PLAIN_TYPES = frozenset(
    {
        "CharField",
        "TextField",
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "BooleanField",
        "ForeignKey",
        "SlugField",
        "EmailField",
        "URLField",
    }
)


def _row_converters(fields: Sequence[Any], conn: Any, add: bool) -> list[Any]:
    """Per field: None when the Python value goes to the database as it is (fast path)."""
    out = []
    for f in fields:
        plain = f.get_internal_type() in _PLAIN_TYPES and not getattr(f, "auto_now", False)
        out.append(None if plain else f)
    return out


#: Value types whose database form depends only on the value (and the field): converted
#: once per batch (a page's rows share their time stamps, dates, codes…).
_MEMO_TYPES = frozenset({str, dt.datetime, dt.date, dt.time, Decimal})


def _prep(field: Any, value: Any, conn: Any, memo: dict[Any, Any]) -> Any:
    """``field.get_db_prep_save(value)``, remembered per (field, type, value) in ``memo``."""
    kind = type(value)
    if kind not in _MEMO_TYPES:
        return field.get_db_prep_save(value, conn)
    key = (field, kind, value)
    found = memo.get(key, _MISSING)
    if found is _MISSING:
        found = memo[key] = field.get_db_prep_save(value, conn)
    return found


_MISSING = object()


def _row(
    obj: Any,
    fields: Sequence[Any],
    converters: Sequence[Any],
    conn: Any,
    add: bool,
    memo: dict[Any, Any] | None = None,
) -> list[Any]:
    if memo is None:
        memo = {}
    values = []
    for f, conv in zip(fields, converters, strict=True):
        if conv is None:
            values.append(getattr(obj, f.attname))
        elif add:
            values.append(_prep(conv, conv.pre_save(obj, True), conn, memo))
        else:
            values.append(_prep(conv, getattr(obj, f.attname), conn, memo))
    return values


def pks_by_uuid(model: Any, field_name: str, uuids: Sequence[str]) -> list[Any]:
    """Primary keys of the rows whose UUID field is one of ``uuids`` (canonical strings, as
    validated envelopes carry them): one plain query per 900, without building a queryset
    lookup of a thousand UUIDs (most of a fresh page's uuids are not held at all)."""
    if not uuids:
        return []
    conn = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    qn = conn.ops.quote_name
    column = meta.get_field(field_name).column
    if conn.vendor == "sqlite":
        params: list[Any] = [u.replace("-", "") for u in uuids]
    else:
        params = [uuidlib.UUID(u) for u in uuids]
    found: list[Any] = []
    with conn.cursor() as cursor:
        for i in range(0, len(params), 900):
            part = params[i : i + 900]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT {qn(meta.pk.column)} FROM {qn(meta.db_table)} "  # noqa: S608
                f"WHERE {qn(column)} IN ({marks})",
                part,
            )
            found.extend(row[0] for row in cursor.fetchall())
    return found


def _insert_statement(model: Any) -> tuple[Any, list[Any], str]:
    """(connection, fields, INSERT statement) for every column but an auto-increment key."""
    conn = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    qn = conn.ops.quote_name
    fields = [f for f in meta.concrete_fields if not (f.primary_key and f.auto_created)]
    if meta.pk.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField"):
        fields = [f for f in fields if f is not meta.pk]
    columns = ", ".join(qn(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    return conn, fields, sql


def _execute_in_chunks(conn: Any, sql: str, params: list[list[Any]]) -> None:
    with conn.cursor() as cursor:
        for i in range(0, len(params), 1000):
            cursor.executemany(sql, params[i : i + 1000])


def fast_insert(model: Any, objs: Sequence[Any]) -> None:
    """INSERT many rows with executemany (no primary keys are read back, no signals)."""
    if not objs:
        return
    conn, fields, sql = _insert_statement(model)
    converters = _row_converters(fields, conn, True)
    memo: dict[Any, Any] = {}
    params = [_row(o, fields, converters, conn, True, memo) for o in objs]
    _execute_in_chunks(conn, sql, params)


def fast_insert_rows(model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Like :func:`fast_insert` from dicts of attname → value (missing: the field default),
    without making model instances."""
    if not rows:
        return
    conn, fields, sql = _insert_statement(model)
    now = timezone.now()
    plain = [f.get_internal_type() in _PLAIN_TYPES for f in fields]
    auto = [
        bool(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) for f in fields
    ]
    params = []
    missing = object()
    uuid_hex = conn.vendor == "sqlite"
    is_uuid = [f.get_internal_type() == "UUIDField" for f in fields]
    defaults = [
        missing if (is_auto or not f.has_default() or callable(f.default)) else f.get_default()
        for f, is_auto in zip(fields, auto, strict=True)
    ]
    memo: dict[Any, Any] = {}
    columns_info = list(zip(fields, plain, auto, is_uuid, defaults, strict=True))
    for row in rows:
        values = []
        for f, is_plain, is_auto, uuid_field, default in columns_info:
            value = row.get(f.attname, missing)
            if value is missing:
                if is_auto:
                    value = now
                elif default is not missing:
                    value = default
                else:
                    value = f.get_default()
            if is_plain:
                values.append(value)
            elif uuid_hex and uuid_field and type(value) is str:
                values.append(value.replace("-", ""))  # validated canonical form → SQLite char(32)
            else:
                values.append(_prep(f, value, conn, memo))
        params.append(values)
    _execute_in_chunks(conn, sql, params)


def fast_update(model: Any, objs: Sequence[Any], attnames: Sequence[str]) -> None:
    """UPDATE many rows, one parameter set each (executemany): much faster than
    ``bulk_update``'s CASE expressions on both SQLite and PostgreSQL. No signals."""
    if not objs:
        return
    conn = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    qn = conn.ops.quote_name
    fields = [meta.get_field(name) for name in attnames]
    converters = _row_converters(fields, conn, False)
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in fields)
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608
    memo: dict[Any, Any] = {}
    params = [_row(o, fields, converters, conn, False, memo) + [o.pk] for o in objs]
    with conn.cursor() as cursor:
        cursor.executemany(sql, params)
