"""Choices kept outside the workbook: ``select_one_from_file`` CSV files beside the form."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from fieldsurvey.core.forms.model import Choice
from fieldsurvey.core.forms.types import split_header

ExternalChoices = Callable[[str], "list[Choice] | None"]


def choices_from_csv(text: str) -> list[Choice]:
    """Choices from CSV text with a ``name`` column, ``label``/``label::Lang (code)`` columns, and
    any further columns kept for ``choice_filter``."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, [])
    parsed = [split_header(h) for h in header]
    out = []
    for values in reader:
        name, labels, extra = "", {}, {}
        for (key, lang, _), h, v in zip(parsed, header, values):
            v = v.strip()
            if key == "name":
                name = v
            elif key == "label":
                labels[lang] = v
            else:
                extra[h.strip()] = v
        if name:
            out.append(Choice(name, labels, extra))
    return out


def files_beside(form_path: Path) -> ExternalChoices:
    """Resolve external choice files relative to the form's folder."""
    folder = Path(form_path).resolve().parent

    def resolve(filename: str) -> list[Choice] | None:
        path = folder / filename
        if path.suffix.lower() != ".csv" or not path.is_file():
            return None
        return choices_from_csv(path.read_text(encoding="utf-8-sig"))

    return resolve
