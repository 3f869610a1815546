"""API schemas shared by every app that exposes Record subclasses."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from ninja import Schema


class RecordOut(Schema):
    """The fields every record carries: identity, origin, version and release markings."""

    uuid: UUID
    origin: str
    origin_country: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    tlp: str
    handling: str
    owner_unit: str

    @staticmethod
    def resolve_owner_unit(obj: Any) -> str:
        return str(obj.owner_unit.code)
