"""Progress bars for long commands: shown on a terminal, silent in CI and in pipes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


def interactive() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


class Progress:
    """A counter that may or may not be drawn; ``advance`` is cheap either way."""

    def __init__(self, bar: object | None, task: object | None) -> None:
        self._bar, self._task = bar, task

    def advance(self, amount: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, amount)  # type: ignore[attr-defined]

    def update(self, *, total: int | None = None, description: str | None = None) -> None:
        if self._bar is not None:
            self._bar.update(self._task, total=total, description=description)  # type: ignore[attr-defined]


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Progress]:
    if not interactive():
        yield Progress(None, None)
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as RichProgress

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with RichProgress(*columns, transient=False) as bar:
        task = bar.add_task(description, total=total)
        yield Progress(bar, task)


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    with progress(description, total) as bar:
        for item in items:
            yield item
            bar.advance()
