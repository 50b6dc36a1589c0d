"""Choices kept outside the workbook: ``select_one_from_file`` CSV files beside the form.

A choice file is read whole and checked before any of it is used: UTF-8 text, a ``name``
column, every choice named once. Problems name the row and column in the CSV, as problems in
a workbook name its sheet, row and column.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from openpyxl.utils import get_column_letter

from fieldsurvey.core.forms.model import Choice
from fieldsurvey.core.forms.types import split_header

ExternalChoices = Callable[[str], "list[Choice] | None"]
MAX_SHOWN = 10  # problems listed per file; a file with more is wrong throughout


class ChoiceFileError(ValueError):
    """A choice file that cannot be used, with each problem located in the file, e.g.
    ``row 4, column 'name' (A): choice 'maize' already appears on row 2``."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class ChoiceFileMissing(LookupError):
    """No such choice file in *folder*, the folder beside the form where it was looked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(str(folder))


def choice_file_name_problem(filename: str) -> str | None:
    """Why *filename* cannot name a choice file kept with a form, or None when it can: a plain
    ``.csv`` file name, so it is the same file on every machine and in every package."""
    if Path(filename).suffix.lower() != ".csv":
        return "only CSV choice files are supported (a name ending in .csv)"
    if any(c in filename for c in "/\\:") or filename.startswith("."):
        return "give the name of a file beside the form, not a path"
    if any(c in filename for c in "%\x7f") or any(ord(c) < 32 for c in filename):
        return "the file name may not contain '%' or control characters"
    if filename != filename.strip():
        return "the file name may not start or end with a space"
    return None


def read_choice_file(folder: Path, filename: str) -> tuple[bytes, list[Choice]]:
    """The bytes of ``folder/filename`` and its choices.

    Raises ChoiceFileMissing when there is no such file, ChoiceFileError for a bad name or
    content, UnicodeDecodeError when it is not UTF-8, OSError when it cannot be read."""
    problem = choice_file_name_problem(filename)
    if problem:
        raise ChoiceFileError([problem])
    path = folder / filename
    if not path.is_file():
        raise ChoiceFileMissing(folder)
    data = path.read_bytes()
    return data, choices_from_bytes(data)


def choices_from_bytes(data: bytes) -> list[Choice]:
    """Choices from a UTF-8 (optionally BOM-prefixed) choice file; see ``choices_from_csv``."""
    return choices_from_csv(data.decode("utf-8-sig"))


def choices_from_csv(text: str) -> list[Choice]:
    """Choices from CSV text with a ``name`` column, ``label``/``label::Lang (code)`` columns, and
    any further columns kept for ``choice_filter``. Raises ChoiceFileError when the file has no
    ``name`` column, a row with no name, or a name twice; empty lines are skipped."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    problems: list[str] = []
    try:
        header = next(reader, [])
        parsed = [split_header(h) for h in header]
        keys = [key for key, _, _ in parsed]
        if "name" not in keys:
            raise ChoiceFileError(["row 1: no 'name' column (the choice codes)"])
        name_col = f"column '{header[keys.index('name')].strip()}' ({get_column_letter(keys.index('name') + 1)})"
        out: list[Choice] = []
        seen: dict[str, int] = {}
        for values in reader:
            number = reader.line_num
            if not any(v.strip() for v in values):
                continue
            name, labels, extra = "", {}, {}
            for (key, lang, _), h, v in zip(parsed, header, values):
                v = v.strip()
                if key == "name":
                    name = v
                elif key == "label":
                    labels[lang] = v
                else:
                    extra[h.strip()] = v
            if not name:
                problems.append(f"row {number}, {name_col}: the choice has no name")
            elif name in seen:
                problems.append(
                    f"row {number}, {name_col}: choice '{name}' already appears on row {seen[name]}"
                )
            else:
                seen[name] = number
                out.append(Choice(name, labels, extra))
    except csv.Error as exc:  # a field over the csv module's limit, say
        problems.append(f"row {reader.line_num}: not readable CSV ({exc})")
    if problems:
        more = len(problems) - MAX_SHOWN
        shown = problems[:MAX_SHOWN] + ([f"and {more} more problem(s)"] if more > 0 else [])
        raise ChoiceFileError(shown)
    return out


def undecodable_at(exc: UnicodeDecodeError) -> str:
    """Where a choice file stops being UTF-8, as "row 3, column 'label' (B)"."""
    prefix = bytes(exc.object[: exc.start]).decode("utf-8-sig", errors="replace")
    row = prefix.count("\n") + 1
    try:
        rows = list(csv.reader(io.StringIO(prefix)))
    except csv.Error:
        return f"row {row}"
    index = len(rows[-1]) - 1 if rows and not prefix.endswith(("\n", "\r")) else 0
    index = max(index, 0)
    header = rows[0] if rows and row > 1 else []
    named = f"'{header[index].strip()}' " if index < len(header) else ""
    return f"row {row}, column {named}({get_column_letter(index + 1)})"


def files_beside(form_path: Path) -> ExternalChoices:
    """Resolve external choice files relative to the form's folder."""
    folder = Path(form_path).resolve().parent

    def resolve(filename: str) -> list[Choice] | None:
        return read_choice_file(folder, filename)[1]

    return resolve
