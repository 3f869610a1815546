"""Shared pieces of the management commands behind ``liaison``."""

from __future__ import annotations

from django.core.management.base import CommandError


class BadInput(CommandError):
    """Exit code 2: the message names the file, row, field or value that is wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=2)


class Failure(CommandError):
    """Exit code 1: something other than the user's input went wrong."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=1)
