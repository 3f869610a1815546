"""Matching at once: a new person or wanted notice is matched after its transaction commits.

* ``post_save`` of ``crime.Person`` (created) and ``cooperation.WantedNotice`` (created: a
  notice received from a partner, or issued here) → ``services.match_record``;
* received persons are stored in bulk by the federation (no ``post_save``): after each
  applied batch (its ``exchange.apply`` audit entry) the persons received since the last
  run are matched (``services.match_pending_received``);
* imports and ``liaison seed`` use ``bulk_create`` (no signals): run ``liaison match_all``.

Every save also keeps this process's cached indexes up to date. A failure here is logged
and never undoes or blocks the save.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

log = logging.getLogger("liaison.screening")


def _run(what: str, fn: Any, *args: Any) -> None:
    try:
        fn(*args)
    except Exception:
        log.exception("screening: %s failed", what)


def record_saved(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    from liaison.screening import index, services

    def after_commit() -> None:
        _run("updating the index", index.note_saved, instance, created)
        if created:
            _run(
                f"matching {instance.record_kind} {instance.uuid}", services.match_record, instance
            )

    transaction.on_commit(after_commit)


def audit_saved(
    sender: Any, instance: Any, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    if raw or not created or instance.action != "exchange.apply":
        return
    from liaison.screening import services

    transaction.on_commit(
        lambda: _run("matching received persons", services.match_pending_received)
    )


def connect() -> None:
    from liaison.cooperation.models import WantedNotice
    from liaison.core.models import AuditEntry
    from liaison.crime.models import Person

    post_save.connect(record_saved, sender=Person, dispatch_uid="screening.person_saved")
    post_save.connect(record_saved, sender=WantedNotice, dispatch_uid="screening.notice_saved")
    post_save.connect(audit_saved, sender=AuditEntry, dispatch_uid="screening.exchange_applied")
