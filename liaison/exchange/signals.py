"""Signal receivers: a saved or deleted local record that is released updates the feeds."""

from __future__ import annotations

from typing import Any

from liaison.core.models import Record


def record_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or not isinstance(instance, Record):
        return
    from liaison.exchange.services.release import record_changed

    record_changed(instance)


def record_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    if not isinstance(instance, Record):
        return
    from liaison.exchange.services.release import record_deleted

    record_deleted(instance)
