"""Files kept between an import's preview and its confirmation, under MEDIA_ROOT/imports/,
one folder per preview. A preview never confirmed is removed after IMPORT_PREVIEW_MAX_AGE
seconds: on each new preview, and by ``liaison import --clean-previews``."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from django.conf import settings


def preview_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def max_age() -> int:
    return int(getattr(settings, "IMPORT_PREVIEW_MAX_AGE", 3600))


def clean_previews(older_than: int | None = None) -> int:
    """Remove preview folders last written more than ``older_than`` seconds ago (default:
    IMPORT_PREVIEW_MAX_AGE); how many were removed."""
    root = preview_root()
    if not root.is_dir():
        return 0
    limit = time.time() - (max_age() if older_than is None else older_than)
    removed = 0
    for folder in root.iterdir():
        try:
            stale = folder.is_dir() and folder.stat().st_mtime < limit
        except OSError:
            continue
        if stale:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
