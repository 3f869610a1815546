"""The node's log file: ``<home>/logs/liaison.log``, opened only once the node exists."""

from __future__ import annotations

import logging
from pathlib import Path


class NodeLogHandler(logging.Handler):
    """Append to the node's log; stay silent while there is no node home yet."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self._file: logging.FileHandler | None = None

    def _target(self) -> logging.FileHandler | None:
        if self._file is None:
            from django.conf import settings

            home = Path(settings.HOME)
            if not home.is_dir():
                return None
            log_dir = Path(settings.LOG_DIR)
            log_dir.mkdir(exist_ok=True)
            self._file = logging.FileHandler(log_dir / "liaison.log", encoding="utf-8")
            self._file.setFormatter(self.formatter)
        return self._file

    def emit(self, record: logging.LogRecord) -> None:
        target = self._target()
        if target is not None:
            target.emit(record)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        super().close()
