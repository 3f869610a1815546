"""Kinds of record that can cross a border, and how each becomes an envelope body and back.

Other apps plug in with one call, usually in their ``AppConfig.ready()``::

    from liaison.exchange.registry import register_kind
    register_kind("cases", DrugCase)

By default a record is serialised generically from its concrete fields: plain values as
JSON, dates and times as ISO 8601, decimals as strings, foreign keys to other records by
``uuid``, foreign keys to reference data (provinces, drugs) by ``code``, many-to-many to
records as a list of uuids. File fields are not sent. The Record bookkeeping fields (uuid,
origin, version, markings, owner unit) travel in the envelope itself, not in the body.

A kind may give its own ``serialize(obj) -> dict`` and ``apply(envelope, fields,
existing) -> None`` (called per envelope inside the batch's transaction, instead of the bulk
upsert) when it needs more than that.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid as uuidlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from liaison.core.models import Record

#: Record fields carried by the envelope itself (or local to a node), never in the body.
ENVELOPE_FIELDS = frozenset(
    {
        "id",
        "uuid",
        "origin",
        "origin_country",
        "version",
        "owner_unit",
        "tlp",
        "handling",
        "handling_note",
    }
)

Serialize = Callable[[Record], dict[str, Any]]
Apply = Callable[..., None]


class ApplyRefused(Exception):
    """A received record cannot be stored here (e.g. it refers to a record not held here)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass
class RefField:
    """How a foreign key travels: by the related record's uuid or by a reference code."""

    field: models.ForeignKey
    by: str  # "uuid" | "code" | "pk"

    @property
    def related(self) -> type[models.Model]:
        return self.field.related_model  # type: ignore[return-value]


@dataclass
class Kind:
    kind: str
    model: type[Record]
    serialize: Serialize | None = None
    apply: Apply | None = None
    exclude: frozenset[str] = frozenset()
    plain: list[models.Field] = field(default_factory=list)
    refs: list[RefField] = field(default_factory=list)
    many: list[models.ManyToManyField] = field(default_factory=list)

    def __post_init__(self) -> None:
        for f in self.model._meta.concrete_fields:
            if f.name in ENVELOPE_FIELDS or f.name in self.exclude:
                continue
            if isinstance(f, models.FileField):
                continue
            if isinstance(f, models.ForeignKey):
                self.refs.append(RefField(f, _ref_by(f.related_model)))  # type: ignore[arg-type]
            else:
                self.plain.append(f)
        for m2m in self.model._meta.many_to_many:
            related = m2m.related_model
            if isinstance(m2m, models.ManyToManyField) and _has_field(related, "uuid"):  # type: ignore[arg-type]
                self.many.append(m2m)

    # --- to a body -----------------------------------------------------------------------

    def bodies(self, objs: list[Record]) -> list[dict[str, Any]]:
        """Bodies of many records with one query per foreign key (not one per record)."""
        if self.serialize is not None:
            return [self.serialize(o) for o in objs]
        lookups: dict[str, dict[Any, Any]] = {}
        for ref in self.refs:
            ids = {getattr(o, ref.field.attname) for o in objs} - {None}
            if ref.by == "pk" or not ids:
                lookups[ref.field.name] = {}
                continue
            rows = ref.related._default_manager.filter(pk__in=ids).values_list("pk", ref.by)
            lookups[ref.field.name] = {pk: _jsonable(value) for pk, value in rows}
        members: dict[str, dict[Any, list[str]]] = {}
        for m2m in self.many:
            through = getattr(self.model, m2m.name).through
            src = m2m.m2m_field_name()
            dst = m2m.m2m_reverse_field_name()
            rows = through.objects.filter(**{f"{src}__in": [o.pk for o in objs]}).values_list(
                f"{src}_id", f"{dst}__uuid"
            )
            grouped: dict[Any, list[str]] = {}
            for pk, member in rows:
                grouped.setdefault(pk, []).append(str(member))
            members[m2m.name] = grouped
        out = []
        for obj in objs:
            body: dict[str, Any] = {}
            for f in self.plain:
                body[f.name] = _jsonable(getattr(obj, f.attname))
            for ref in self.refs:
                raw = getattr(obj, ref.field.attname)
                body[ref.field.name] = (
                    None
                    if raw is None
                    else (raw if ref.by == "pk" else lookups[ref.field.name].get(raw))
                )
            for m2m in self.many:
                body[m2m.name] = sorted(members[m2m.name].get(obj.pk, []))
            out.append(body)
        return out

    # --- from a body ---------------------------------------------------------------------

    def field_values(
        self, bodies: list[dict[str, Any]]
    ) -> list[tuple[dict[str, Any], dict[str, list[str]]] | ApplyRefused]:
        """Model field values for each body (foreign keys resolved with one query per key);
        unknown body keys are ignored (a newer partner may send more)."""
        resolved: dict[str, dict[Any, Any]] = {}
        for ref in self.refs:
            wanted = {b.get(ref.field.name) for b in bodies} - {None}
            if ref.by == "pk" or not wanted:
                resolved[ref.field.name] = {}
                continue
            clean = [w for w in wanted if isinstance(w, str | int)]
            if ref.by == "uuid":
                clean = [w for w in clean if _is_uuid(w)]
            rows = ref.related._default_manager.filter(**{f"{ref.by}__in": clean}).values_list(
                ref.by, "pk"
            )
            resolved[ref.field.name] = {str(k): pk for k, pk in rows}
        results: list[tuple[dict[str, Any], dict[str, list[str]]] | ApplyRefused] = []
        for body in bodies:
            try:
                results.append(self._one(body, resolved))
            except ApplyRefused as exc:
                results.append(exc)
        return results

    def _one(
        self, body: dict[str, Any], resolved: dict[str, dict[Any, Any]]
    ) -> tuple[dict[str, Any], dict[str, list[str]]]:
        values: dict[str, Any] = {}
        for f in self.plain:
            if f.name not in body:
                if f.has_default() or f.null or f.blank:
                    continue
                raise ApplyRefused("schema", f"field {f.name} is missing")
            raw = body[f.name]
            try:
                value = f.to_python(raw)
                if raw is None and not f.null:
                    raise ValidationError("null")
            except (ValidationError, TypeError, ValueError) as exc:
                raise ApplyRefused(
                    "schema", f"field {f.name} has an invalid value {str(raw)[:60]!r}"
                ) from exc
            _check_value(f, value)
            values[f.attname] = value
        for ref in self.refs:
            raw = body.get(ref.field.name)
            if raw is None:
                if not ref.field.null:
                    raise ApplyRefused("schema", f"field {ref.field.name} is missing")
                values[ref.field.attname] = None
                continue
            pk = raw if ref.by == "pk" else resolved[ref.field.name].get(str(raw))
            if ref.by == "pk" and not ref.related._default_manager.filter(pk=raw).exists():
                pk = None
            if pk is None:
                if ref.field.null:
                    values[ref.field.attname] = None
                    continue
                what = "record" if ref.by == "uuid" else ref.related._meta.verbose_name
                raise ApplyRefused(
                    "missing_reference",
                    f"field {ref.field.name} refers to {what} {str(raw)[:60]!r}, "
                    "which this node does not hold (release it first)",
                )
            values[ref.field.attname] = pk
        many = {}
        for m2m in self.many:
            raw_list = body.get(m2m.name) or []
            many[m2m.name] = [str(x) for x in raw_list if isinstance(x, str) and _is_uuid(x)]
        return values, many


def _check_value(f: models.Field, value: Any) -> None:
    """The checks a local record passes in ``full_clean`` for one field: its choices, its
    length and its range (a number this database cannot store is refused here, by name)."""
    if value is None or value == "":
        return
    if f.choices is not None:
        allowed = {str(k) for k, _label in f.flatchoices}
        if str(value) not in allowed:
            raise ApplyRefused(
                "schema", f"field {f.name}: {str(value)[:60]!r} is not one of its choices"
            )
    try:
        f.run_validators(value)
    except ValidationError as exc:
        reason = "; ".join(str(m) for m in exc.messages)[:200]
        raise ApplyRefused(
            "schema", f"field {f.name}: value {str(value)[:60]!r} refused: {reason}"
        ) from exc


def _has_field(model: type[models.Model], name: str) -> bool:
    try:
        model._meta.get_field(name)
    except Exception:
        return False
    return True


def _ref_by(model: type[models.Model]) -> str:
    if _has_field(model, "uuid"):
        return "uuid"
    if _has_field(model, "code"):
        return "code"
    return "pk"


def _is_uuid(value: Any) -> bool:
    try:
        uuidlib.UUID(str(value))
    except ValueError:
        return False
    return True


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuidlib.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


_KINDS: dict[str, Kind] = {}


def register_kind(
    kind: str,
    model: type[Record],
    serialize: Serialize | None = None,
    apply: Apply | None = None,
    *,
    exclude: Iterable[str] = (),
) -> Kind:
    """Make ``model`` exchangeable under ``kind`` (its plural API name, e.g. ``cases``)."""
    if not issubclass(model, Record):
        raise TypeError(f"{model.__name__} is not a Record")
    spec = Kind(kind, model, serialize, apply, frozenset(exclude))
    _KINDS[kind] = spec
    return spec


def get_kind(kind: str) -> Kind | None:
    _ensure_defaults()
    return _KINDS.get(kind)


def kinds() -> dict[str, Kind]:
    _ensure_defaults()
    return dict(_KINDS)


def kind_for_model(model: type[models.Model]) -> Kind | None:
    _ensure_defaults()
    for spec in _KINDS.values():
        if spec.model is model:
            return spec
    return None


_defaults_done = False


def _ensure_defaults() -> None:
    """Every concrete Record model with a ``record_kind`` is exchangeable with the generic
    serialisation unless its app registered something else first."""
    global _defaults_done
    if _defaults_done:
        return
    _defaults_done = True
    for model in apps.get_models():
        if issubclass(model, Record) and model.record_kind and model.record_kind not in _KINDS:
            if kind_model_taken(model):
                continue
            _KINDS[model.record_kind] = Kind(model.record_kind, model)


def kind_model_taken(model: type[models.Model]) -> bool:
    return any(spec.model is model for spec in _KINDS.values())
