"""What the cooperation API modules share: the sent / received filter of lists, and files
sent inline (base64) with a message, request or response."""

import base64
import binascii

from django.core.exceptions import ValidationError
from django.db.models import Q
from ninja import Schema

from liaison.cooperation.services.common import on_side
from liaison.core.listing import ListFilter
from liaison.core.uploads import check_size


class SideFilter(ListFilter):
    """Filters of a list whose records either side writes. ``direction``: ``sent`` or
    ``local`` (written here), ``received`` or ``partner`` (from a partner)."""

    direction: str | None = None

    def filter_direction(self, value: str | None) -> Q:
        return on_side(value)


class FileIn(Schema):
    name: str
    content_base64: str


def uploads(files: list[FileIn]) -> list[tuple[str, bytes]]:
    from liaison.cooperation.services.attachments import max_attachment_bytes

    out = []
    for f in files:
        # The decoded size is known from the text's length: refuse before decoding.
        size = len(f.content_base64.rstrip("=")) * 3 // 4
        check_size(f.name, size, max_attachment_bytes(), "attachments")
        try:
            out.append((f.name, base64.b64decode(f.content_base64, validate=True)))
        except (binascii.Error, ValueError) as exc:
            raise ValidationError(
                {"attachments": f"{f.name}: content_base64 is not base64"}
            ) from exc
    return out
