"""Signals every app may send or receive (core imports no domain app; they import this)."""

from __future__ import annotations

from django.dispatch import Signal

#: Records were written in bulk, without ``post_save`` (an import, ``liaison seed``, a
#: federation batch), inside the writer's transaction. ``sender`` is the model; arguments:
#: ``kind`` (its record kind) and ``ids`` (primary keys of the rows created or updated).
#: Deletes always send ``post_delete``.
records_written = Signal()
