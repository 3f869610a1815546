"""Signals every app may send or receive (core imports no domain app; they import this)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.dispatch import Signal

#: Records were written in bulk, without ``post_save`` (an import, ``liaison seed``, a
#: federation batch), inside the writer's transaction. ``sender`` is the model; arguments:
#: ``kind`` (its record kind) and ``ids`` (primary keys of the rows created or updated).
#: Deletes always send ``post_delete``.
records_written = Signal()

#: Records are about to be changed or deleted in bulk, without ``pre_save`` (a federation
#: batch, a recall). ``sender`` is the model; ``ids`` the primary keys of the rows held now.
#: A receiver may return a function, which the writer calls with the primary keys it wrote
#: when it is done, in the same transaction. Writers use :func:`changing_records`.
records_changing = Signal()


@contextmanager
def changing_records(model: type[Any], ids: list[int]) -> Iterator[list[int]]:
    """``with changing_records(Model, held_ids) as written: …; written.extend(new_ids)``
    tells the receivers of :data:`records_changing` before and after the write."""
    replies = records_changing.send(sender=model, ids=ids)
    afters: list[Any] = [reply for _receiver, reply in replies if callable(reply)]
    written: list[int] = []
    yield written
    for after in afters:
        after(written)
