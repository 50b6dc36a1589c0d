"""Located problems in a form definition: every one names sheet, row and column."""

from __future__ import annotations

from dataclasses import dataclass

from fieldsurvey.core.errors import Phrase, RefusedError


@dataclass(frozen=True, order=True)
class FormProblem:
    sheet: str
    row: int  # 1-based spreadsheet row, 0 when the problem concerns the whole sheet
    column: str  # header text, e.g. "relevant" or "label::English (en)"
    code: str
    message: str
    letter: str = ""  # spreadsheet column letter, e.g. "F"
    file: str = ""

    def location(self) -> str:
        if not self.sheet:
            return "workbook"  # the file as a whole: unreadable, or not a workbook
        where = f"sheet '{self.sheet}'"
        if self.row:
            where += f", row {self.row}"
        if self.column:
            col = f"'{self.column}'" + (f" ({self.letter})" if self.letter else "")
            where += f", column {col}"
        return where

    def __str__(self) -> str:
        prefix = f"{self.file}: " if self.file else ""
        return f"{prefix}{self.location()}: {self.message}"


class FormRejected(RefusedError):
    """A form definition with one or more problems; carries all of them."""

    def __init__(self, source: str, problems: list[FormProblem], *, stored: bool = False) -> None:
        """*source* is the file, or with *stored* the form id and version of a form kept in the
        database that no longer passes the check."""
        self.problems = sorted(problems, key=lambda p: (p.file, p.sheet, p.row, p.column))
        details: list[str | Phrase] = [str(p) for p in self.problems]
        if stored:
            super().__init__(
                "stored form {source}: {count} problem(s) in the form",
                details,
                source=source,
                count=len(self.problems),
            )
        else:
            super().__init__(
                "{source}: {count} problem(s) in the form",
                details,
                source=source,
                count=len(self.problems),
            )
