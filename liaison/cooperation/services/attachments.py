"""Files attached to cooperation records: what is accepted, how uploads are stored, and how
a user (or a partner node) gets a record's file."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import Http404
from django.utils.translation import gettext as _

from liaison.cooperation import federation
from liaison.cooperation.models.agreements import Agreement
from liaison.cooperation.models.common import Attachment
from liaison.cooperation.models.hotline import Message
from liaison.cooperation.models.requests import AssistanceRequest, RequestResponse
from liaison.cooperation.models.wanted import WantedNotice
from liaison.cooperation.services.common import actor_of, get_visible, now
from liaison.core import audit
from liaison.core.models import Record, User
from liaison.core.node import this_node
from liaison.core.uploads import check_uploaded

ALLOWED_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
}
_MAGIC = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


def max_attachment_bytes() -> int:
    return int(getattr(settings, "COOPERATION_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def check_upload(name: str, data: bytes) -> str:
    """The file's content type, or a ValidationError naming the file and what is wrong."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise ValidationError(
            {
                "attachments": _(
                    "%(name)s: files of this type are not accepted (allowed: %(allowed)s)."
                )
                % {"name": name, "allowed": "PDF, JPG, PNG, DOCX, XLSX, TXT"}
            }
        )
    limit = max_attachment_bytes()
    if len(data) > limit:
        raise ValidationError(
            {
                "attachments": _("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
                % {
                    "name": name,
                    "size": f"{len(data) / 1048576:.1f}",
                    "limit": f"{limit / 1048576:.0f}",
                }
            }
        )
    magic = _MAGIC.get(suffix)
    bad = False
    if magic is not None:
        bad = not any(data.startswith(m) for m in magic)
    elif suffix == ".txt":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            bad = True
    if bad:
        raise ValidationError(
            {
                "attachments": _("%(name)s does not look like a %(type)s file.")
                % {"name": name, "type": suffix[1:].upper()}
            }
        )
    return ALLOWED_TYPES[suffix]


Upload = tuple[str, bytes]


def read_uploads(files: Iterable[Any]) -> list[Upload]:
    """(name, bytes) of uploaded files (Django UploadedFile or (name, bytes) pairs). An
    uploaded file over the limit is refused by its size, before it is read."""
    out = []
    for f in files:
        if isinstance(f, tuple):
            out.append((str(f[0]), bytes(f[1])))
        else:
            check_uploaded(f, max_attachment_bytes(), field="attachments")
            out.append((str(f.name), f.read()))
    return out


def check_uploads(uploads: Sequence[Upload]) -> None:
    for name, data in uploads:
        check_upload(name, data)


def store_uploads(
    uploads: Sequence[Upload], obj: Record, user: User | None
) -> list[dict[str, Any]]:
    meta = []
    for name, data in uploads:
        content_type = check_upload(name, data)
        digest = hashlib.sha256(data).hexdigest()
        att = Attachment(
            owner_kind=obj.record_kind,
            owner_uuid=obj.uuid,
            name=PurePath(name).name[:200],
            content_type=content_type,
            size=len(data),
            sha256=digest,
            uploaded_by=user.username if user else "",
            created_at=now(),
        )
        att.file.save(
            f"{digest[:16]}{PurePath(name).suffix.lower()}", ContentFile(data), save=False
        )
        att.save()
        meta.append({"name": att.name, "type": content_type, "size": len(data), "sha256": digest})
    return meta


def attach(
    obj: Record, uploads: Sequence[Upload], user: User | None, field: str = "attachments"
) -> None:
    """Store the uploads and list them on the record's ``field``, in the caller's transaction."""
    if uploads:
        setattr(obj, field, store_uploads(uploads, obj, user))
        obj.save(update_fields=[field])


def attachment_for(user: User, pk: int) -> Attachment:
    """An attachment the user may open (they can see the record it belongs to)."""
    att = Attachment.objects.filter(pk=pk).first()
    if att is None:
        raise Http404(_("No such record."))
    for model in (Message, RequestResponse, AssistanceRequest, WantedNotice, Agreement):
        if model.record_kind == att.owner_kind:
            get_visible(model, user, uuid=att.owner_uuid)
            return att
    raise Http404(_("No such record."))


#: Records that carry files, and the field listing them.
FILE_FIELDS = {
    "messages": (Message, "attachments"),
    "requests": (AssistanceRequest, "attachments"),
    "request-responses": (RequestResponse, "attachments"),
    "wanted-notices": (WantedNotice, "photos"),
    "agreements": (Agreement, "attachments"),
}


def file_of(user: User, kind: str, uuid: Any, sha256: str) -> Attachment:
    """A file of a record the user may see. A partner record's file is fetched once from its
    origin (a signed request; the origin checks the record was released to us) and kept."""
    spec = FILE_FIELDS.get(kind)
    if spec is None:
        raise Http404(_("No such record."))
    model, field = spec
    obj = get_visible(model, user, uuid=uuid)  # type: ignore[type-abstract]
    meta = next((m for m in getattr(obj, field) or [] if m.get("sha256") == sha256), None)
    if meta is None:
        raise Http404(_("No such record."))
    held = Attachment.objects.filter(owner_uuid=obj.uuid, sha256=sha256).first()
    if held is not None:
        return held
    if obj.is_local:
        raise Http404(_("No such record."))
    data = federation.fetch_file(obj.origin, kind, str(obj.uuid), sha256, max_attachment_bytes())
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValidationError(_("The file received from the partner does not match its checksum."))
    att = Attachment(
        owner_kind=kind,
        owner_uuid=obj.uuid,
        name=str(meta.get("name", "file"))[:200],
        content_type=str(meta.get("type", "application/octet-stream"))[:100],
        size=len(data),
        sha256=sha256,
        uploaded_by=f"partner:{obj.origin_country}",
        created_at=now(),
    )
    att.file.save(
        f"{sha256[:16]}{PurePath(att.name).suffix.lower()}", ContentFile(data), save=False
    )
    att.save()
    audit.record("attachment.fetch", obj, actor=actor_of(user), sha256=sha256, size=len(data))
    return att


def file_for_peer(peer: Any, kind: str, uuid: str, sha256: str) -> Attachment | None:
    """A file a partner node asks for: only of a record of ours released to that partner."""
    from liaison.exchange.models import Release, ReleaseState

    spec = FILE_FIELDS.get(kind)
    if spec is None:
        return None
    model, _field = spec
    obj = model.objects.filter(uuid=uuid, origin=this_node().id).first()  # type: ignore[attr-defined]
    if (
        obj is None
        or not Release.objects.filter(
            record_uuid=obj.uuid, peer=peer, state=ReleaseState.ACTIVE
        ).exists()
    ):
        return None
    return Attachment.objects.filter(owner_uuid=obj.uuid, sha256=sha256).first()
