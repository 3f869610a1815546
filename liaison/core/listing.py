"""The one list mechanism of the REST API: filters declared once per resource, a stable order
declared once per list, and keyset (cursor) pagination.

A list endpoint reads::

    class CaseFilter(ListFilter):
        q: Annotated[str | None, FilterLookup(["case_ref__icontains", "summary__icontains"])] = None
        province: Annotated[Code | None, FilterLookup("province__code")] = None

    @router.get("/cases", response=list[CaseOut])
    @paginate(KeysetPagination, order=("-detected_on", "-id"))
    def list_cases(request, filters: Query[CaseFilter]) -> QuerySet[DrugCase]:
        return filters.filter(services.visible(DrugCase, _user(request)))

and answers ``{"items": [...], "next": "<cursor>" | null}``. The client passes ``next`` back
as ``?cursor=`` (with the same filters) until ``next`` is null.

Why keyset: a page continues after the last row of the previous one (``WHERE key < last``,
seeking the index that serves the order), so the 10,000th page costs what the first does.
There is no OFFSET and no COUNT(*) of the whole list. The order must end in a unique,
non-null column (``id``) so that no row is skipped or repeated between pages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field as ModelField
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from ninja import Field, FilterSchema, Schema
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, PaginationBase
from pydantic import AfterValidator, ValidationInfo, field_validator

#: Items per page when the client gives no ``limit``.
DEFAULT_LIMIT = 50
#: The largest ``limit`` a client may ask for; more is refused with 422.
MAX_LIMIT = 500

#: A code compared in upper case (province ``vn-22``, nationality ``la``).
Code = Annotated[str, AfterValidator(str.upper)]

#: Called with each page before it is returned (e.g. to audit the persons read).
PageHook = Callable[[HttpRequest, list[Any]], None]


class ListFilter(FilterSchema):
    """Base of every resource's filters. An empty parameter (``?status=``) filters nothing,
    as an absent one does, so that a form submitted with blank fields lists everything."""

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_absent(cls, value: Any, info: ValidationInfo) -> Any:
        if value == "" and info.field_name is not None:
            return cls.model_fields[info.field_name].default
        return value


@dataclass(frozen=True)
class _Key:
    attname: str
    descending: bool
    field: ModelField

    def plain(self, obj: Model) -> Any:
        value = getattr(obj, self.attname)
        if isinstance(value, dt.date | dt.datetime):
            return value.isoformat()
        if isinstance(value, int | str):
            return value
        return str(value)

    def parse(self, value: Any) -> Any:
        if not isinstance(value, int | str):
            raise DjangoValidationError("not a scalar")
        return self.field.to_python(value)


def _keys(model: type[Model], order: Sequence[str]) -> list[_Key]:
    keys = []
    for term in order:
        name = term.lstrip("-")
        try:
            field = model._meta.get_field("id" if name == "pk" else name)
        except FieldDoesNotExist as exc:
            raise ValueError(f"{model.__name__} has no field {name!r} to order by") from exc
        if field.null:  # type: ignore[union-attr]
            raise ValueError(f"{model.__name__}.{name} may be null: it cannot order pages")
        keys.append(_Key(field.attname, term.startswith("-"), field))  # type: ignore[union-attr,arg-type]
    return keys


def _fingerprint(model: type[Model], order: Sequence[str]) -> str:
    """Ties a cursor to its list, so that a cursor of another list is refused, not misread."""
    text = f"{model._meta.label_lower}:{','.join(order)}"
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _invalid(message: str) -> ValidationError:
    return ValidationError([{"type": "value_error", "loc": ["query", "cursor"], "msg": message}])


def encode_cursor(model: type[Model], order: Sequence[str], row: Model) -> str:
    """The opaque cursor that continues a list after ``row``."""
    values = [_fingerprint(model, order), *(key.plain(row) for key in _keys(model, order))]
    raw = json.dumps(values, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(model: type[Model], order: Sequence[str], cursor: str) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise _invalid("cursor: not a cursor this API gave out") from exc
    if not isinstance(values, list) or not values or not isinstance(values[0], str):
        raise _invalid("cursor: not a cursor this API gave out")
    if values[0] != _fingerprint(model, order):
        raise _invalid("cursor: given out by another list")
    keys = _keys(model, order)
    if len(values) != len(keys) + 1:
        raise _invalid("cursor: not a cursor this API gave out")
    try:
        return [key.parse(value) for key, value in zip(keys, values[1:], strict=True)]
    except DjangoValidationError as exc:
        raise _invalid("cursor: not a cursor this API gave out") from exc


def _after(keys: list[_Key], values: list[Any]) -> Q:
    """Rows that come after ``values`` in the order of ``keys``:
    k1 < v1 OR (k1 = v1 AND (k2 < v2 OR (k2 = v2 AND …))) for descending keys. The leading
    ``k1 <= v1`` is implied, and written so that the index on k1 is entered at v1, not
    scanned from its start."""
    condition: Q | None = None
    for key, value in reversed(list(zip(keys, values, strict=True))):
        beyond = Q(**{f"{key.attname}__{'lt' if key.descending else 'gt'}": value})
        if condition is not None:
            beyond |= Q(**{key.attname: value}) & condition
        condition = beyond
    first, start = keys[0], values[0]
    seek = Q(**{f"{first.attname}__{'lte' if first.descending else 'gte'}": start})
    return seek & condition  # type: ignore[operator]


def keyset_page(
    queryset: QuerySet[Any], order: Sequence[str], cursor: str | None, limit: int
) -> tuple[list[Any], str | None]:
    """One page of ``queryset`` in ``order`` after ``cursor``, and the cursor of the next page
    (None on the last page)."""
    model = queryset.model
    keys = _keys(model, order)
    rows = queryset.order_by(*order)
    if cursor:
        rows = rows.filter(_after(keys, _decode_cursor(model, order, cursor)))
    page = list(rows[: limit + 1])
    if len(page) <= limit:
        return page, None
    page = page[:limit]
    return page, encode_cursor(model, order, page[-1])


# SQLite integers are signed 64-bit; a larger offset is an OverflowError, not an empty page.
MAX_OFFSET = 2**31


class OffsetPagination(LimitOffsetPagination):
    """ninja's limit/offset pages with the offset bounded to what the database can take."""

    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


class KeysetPagination(PaginationBase):
    """``@paginate(KeysetPagination, order=(...))``: keyset pages in a stable order.

    ``order`` is the list's order, ending in a unique column (``("-detected_on", "-id")``);
    ``on_page`` is called with each page before it is returned."""

    class Input(Schema):
        limit: int = Field(
            DEFAULT_LIMIT,
            ge=1,
            le=MAX_LIMIT,
            description=f"Items per page (1 to {MAX_LIMIT}).",
        )
        cursor: str | None = Field(
            None,
            description="Where to continue: the `next` of the previous page. "
            "Absent or empty: the first page.",
        )

    class Output(Schema):
        items: list[Any]
        next: str | None = Field(
            description="The cursor of the next page (pass it as `cursor`); null on the last."
        )

    def __init__(
        self, *, order: Sequence[str] = ("-id",), on_page: PageHook | None = None, **kwargs: Any
    ) -> None:
        if not order or order[-1].lstrip("-") not in ("id", "pk"):
            raise ValueError("a keyset order must end with the unique column id")
        self.order = tuple(order)
        self.on_page = on_page
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        items, following = keyset_page(queryset, self.order, pagination.cursor, pagination.limit)
        if self.on_page is not None:
            self.on_page(request, items)
        return {"items": items, "next": following}
