"""What an import reports: every problem with its file, row and field, and per file how many
rows were new and how many this node already held."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = _("%(file)s row %(row)s") % {"file": self.file, "row": self.row}
        if not self.row:
            where = self.file
        if self.field:
            where += " " + _("field %(field)s") % {"field": self.field}
        return f"{where}: {self.reason}"


@dataclass
class FileReport:
    kind: str
    name: str
    rows: int = 0
    new: int = 0
    present: int = 0
    preview: list[dict[str, Any]] = field(default_factory=list)
    sha256: str = ""


@dataclass
class ImportReport:
    files: list[FileReport]
    problems: list[Problem]
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        names = ", ".join(f.name for f in self.files)
        if self.problems:
            n = len(self.problems)
            return f"{names}: {n} problem{'s' if n != 1 else ''}, nothing imported"
        parts = [f"{f.kind} {f.new} new, {f.present} already present" for f in self.files]
        verb = "imported" if self.saved else "checked"
        return f"{names}: {verb}: " + "; ".join(parts)


class ImportFailed(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.summary())
        self.report = report

    def message(self) -> str:
        return "\n".join([self.report.summary(), *(str(p) for p in self.report.problems)])
