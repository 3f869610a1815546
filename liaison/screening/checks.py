"""System check: the stored search keys follow the current key recipe."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning as CheckWarning
from django.db import DatabaseError


def search_keys_current(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    from liaison.screening import keys

    try:
        if keys.current():
            return []
    except DatabaseError:  # not migrated yet: ``migrate`` marks an empty node current
        return []
    return [
        CheckWarning(
            "The person search keys are missing or from an older version: search may miss records.",
            hint="Run `liaison reindex` once.",
            id="screening.W001",
        )
    ]
