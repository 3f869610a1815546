"""Limits on uploaded files, enforced before a file is read into memory.

Three layers:

* :class:`LimitedUploadHandler` (first in ``FILE_UPLOAD_HANDLERS``) refuses a multipart body
  larger than ``UPLOAD_MAX_REQUEST_BYTES`` and stops keeping a file once it passes
  ``UPLOAD_MAX_FILE_BYTES``: the rest is read off the socket and dropped, and the form gets an
  :class:`OversizedUpload` that knows the file's real size but holds nothing.
* :class:`LimitedFileField` / :class:`LimitedImageField` check ``UploadedFile.size`` against
  the field's own limit before anything reads the content (an image field opens the file).
* :func:`check_size` is the same check for services and commands.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

MB = 1024 * 1024


def limit(name: str, default_mb: int) -> int:
    """A size limit in bytes from settings (``name``), else ``default_mb`` megabytes."""
    return int(getattr(settings, name, default_mb * MB))


def too_large(name: str, size: int, max_bytes: int) -> str:
    return _("%(name)s is %(size)s MB; the limit is %(limit)s MB.") % {
        "name": name,
        "size": f"{size / MB:.1f}",
        "limit": f"{max_bytes / MB:.0f}",
    }


def check_size(name: str, size: int | None, max_bytes: int, field: str | None = None) -> None:
    """A translated ValidationError naming the file and the limit when ``size`` is over it."""
    if size is not None and size > max_bytes:
        message = too_large(name, size, max_bytes)
        raise ValidationError({field: message} if field else message)


def check_uploaded(upload: Any, max_bytes: int, field: str | None = None) -> None:
    """:func:`check_size` on an UploadedFile, by its size alone: nothing is read. A file
    dropped while it arrived is held to the smaller of the two limits."""
    if isinstance(upload, OversizedUpload):
        max_bytes = min(max_bytes, upload.limit)
    check_size(str(upload.name or ""), upload.size, max_bytes, field)


class OversizedUpload(UploadedFile):
    """A file that passed the node's largest limit while it arrived: its name and real size,
    no content."""

    def __init__(self, name: str, size: int, limit: int, content_type: str | None) -> None:
        super().__init__(file=None, name=name, content_type=content_type, size=size)
        self.limit = limit

    def read(self, *args: Any, **kwargs: Any) -> bytes:
        raise ValidationError(too_large(self.name or "", self.size or 0, self.limit))

    def open(self, *args: Any, **kwargs: Any) -> OversizedUpload:
        return self

    def close(self) -> None:
        return None


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        if content_length > limit("UPLOAD_MAX_REQUEST_BYTES", 120):
            raise RequestDataTooBig(_("The upload is larger than this node accepts."))

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > limit("UPLOAD_MAX_FILE_BYTES", 50):
            return None  # dropped: later handlers never see the rest
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        most = limit("UPLOAD_MAX_FILE_BYTES", 50)
        if self.received > most:
            return OversizedUpload(self.file_name or "", self.received, most, self.content_type)
        return None


class _SizeChecked:
    max_bytes: int

    def _check(self, data: Any) -> None:
        if isinstance(data, UploadedFile):
            check_uploaded(data, self.max_bytes)


class LimitedFileField(_SizeChecked, forms.FileField):
    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)

    def to_python(self, data: Any) -> Any:
        self._check(data)
        return super().to_python(data)


class LimitedImageField(_SizeChecked, forms.ImageField):
    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        self.max_bytes = max_bytes
        super().__init__(*args, **kwargs)

    def to_python(self, data: Any) -> Any:
        self._check(data)  # before Pillow opens the file
        return super().to_python(data)
