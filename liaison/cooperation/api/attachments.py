"""REST API for the files of cooperation records."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from ninja import Router

from liaison.cooperation.services.attachments import file_of
from liaison.core.middleware import request_user as _user

router = Router()


@router.get("/files/{kind}/{uuid}/{sha256}")
def get_file(request: HttpRequest, kind: str, uuid: UUID, sha256: str) -> HttpResponse:
    """A file of a record (``kind``: messages, requests, request-responses, wanted-notices,
    agreements); a partner record's file is fetched from its origin on first use."""
    att = file_of(_user(request), kind, uuid, sha256)
    with att.file.open("rb") as fh:
        data = fh.read()
    response = HttpResponse(data, content_type=att.content_type)
    response["Content-Disposition"] = f'attachment; filename="{att.name}"'
    return response
