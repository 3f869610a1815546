"""What the cooperation API modules share: the sent / received filter of lists, and files
sent inline (base64) with a message, request or response."""

import base64
import binascii

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from ninja import Schema

from liaison.core.node import this_node


def by_direction(qs: QuerySet, direction: str) -> QuerySet:
    if direction == "sent" or direction == "local":
        return qs.filter(origin=this_node().id)
    if direction in ("received", "partner"):
        return qs.exclude(origin=this_node().id)
    return qs


class FileIn(Schema):
    name: str
    content_base64: str


def uploads(files: list[FileIn]) -> list[tuple[str, bytes]]:
    out = []
    for f in files:
        try:
            out.append((f.name, base64.b64decode(f.content_base64, validate=True)))
        except (binascii.Error, ValueError) as exc:
            raise ValidationError(
                {"attachments": f"{f.name}: content_base64 is not base64"}
            ) from exc
    return out
