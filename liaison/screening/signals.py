"""Search keys in the same transaction as the write; matching at once after the commit.

* ``post_save`` of ``crime.Person`` and ``cooperation.WantedNotice`` → the record's search
  keys are rewritten (``keys.index_records``) before the transaction commits; when created,
  ``services.match_record`` runs after the commit;
* ``post_delete`` (deletes, recalls) → its keys go, in the same transaction;
* records written in bulk (no ``post_save``: a federation batch, an import, ``liaison
  seed``) → ``core.signals.records_written`` → their keys, in the writer's transaction;
  after a federation batch (its ``exchange.apply`` audit entry) the persons received since
  the last run are matched (``services.match_pending_received``);
* imports and ``liaison seed`` raise no alerts by themselves: run ``liaison match_all``.

A failure to match is logged and never undoes or blocks the save; a failure to write the
keys fails the write (search would otherwise miss the record).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

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
    from liaison.screening import keys, services

    keys.index_records(instance.record_kind, objs=[instance])
    if created:

        def after_commit() -> None:
            _run(
                f"matching {instance.record_kind} {instance.uuid}", services.match_record, instance
            )

        transaction.on_commit(after_commit)


def record_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from liaison.screening import keys

    keys.forget_records(instance.record_kind, [instance.pk])


def records_written(
    sender: Any, kind: str, ids: list[int], created: bool = False, **kwargs: Any
) -> None:
    from liaison.screening import keys
    from liaison.screening.models import SideKind

    if kind in SideKind.values:
        keys.index_records(kind, ids, fresh=created)


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
    from liaison.core.signals import records_written as written
    from liaison.crime.models import Person

    for model in (Person, WantedNotice):
        label = model.record_kind
        post_save.connect(record_saved, sender=model, dispatch_uid=f"screening.{label}_saved")
        post_delete.connect(record_deleted, sender=model, dispatch_uid=f"screening.{label}_deleted")
        written.connect(records_written, sender=model, dispatch_uid=f"screening.{label}_written")
    post_save.connect(audit_saved, sender=AuditEntry, dispatch_uid="screening.exchange_applied")
