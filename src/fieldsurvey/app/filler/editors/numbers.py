"""Whole numbers and decimals typed the way people write them.

"1,234.5" and full-width digits typed with a Chinese input method are read as numbers; letters
are refused at the keystroke, with the form-language message saying what is expected.
"""

from __future__ import annotations

import math
import re
from typing import Any

from PySide6.QtCore import QLocale
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QWidget

from fieldsurvey.app.filler.editors.base import EditorEnv, FieldEditor, LineEdit, LocalProblem
from fieldsurvey.core.forms.answers import GROUPED, exact_integer
from fieldsurvey.core.forms.model import Field

_FULL_WIDTH = str.maketrans("０１２３４５６７８９，．－＋　。", "0123456789,.-+ .")
_PARTIAL = re.compile(r"^[+-]?[\d,]*(\.\d*)?$")
_PARTIAL_INTEGER = re.compile(r"^[+-]?[\d,]*$")


def normalise(text: str) -> str:
    return text.translate(_FULL_WIDTH)


def parse_number(text: str, *, integer: bool, locale: QLocale | None = None) -> float | None:
    """The number in *text*, or None when it is not (yet) one."""
    text = normalise(text).strip()
    if not text:
        return None
    if "," in text and not GROUPED.match(text.replace(" ", "")):
        return None  # "1,5" is a decimal comma, not fifteen: never guess
    loc = locale or QLocale()
    value, ok = loc.toDouble(text)
    if not ok:
        compact = text.replace(",", "").replace(" ", "")
        if not (_PARTIAL_INTEGER if integer else _PARTIAL).match(compact):
            return None
        try:
            value = float(compact)
        except ValueError:
            return None
    if not math.isfinite(value) or (integer and not float(value).is_integer()):
        return None
    return value


def format_number(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.15g}"
    return str(value)


class NumberValidator(QValidator):
    def __init__(
        self,
        integer: bool,
        parent: QWidget | None = None,
        *,
        bottom: float = -math.inf,
        top: float = math.inf,
    ) -> None:
        super().__init__(parent)
        self.integer = integer
        self.bottom, self.top = bottom, top  # ranges that include 0: every prefix fits too
        loc = QLocale()
        self.separators = {",", " ", loc.groupSeparator()}
        if not integer:
            self.separators |= {".", loc.decimalPoint()}

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        text = normalise(text)
        body = text.strip()
        if not body:
            return QValidator.State.Acceptable, text, pos
        signs = "+-" if self.bottom < 0 else "+"
        if any(not (c.isdigit() or c in signs or c in self.separators) for c in body):
            return QValidator.State.Invalid, text, pos
        value = parse_number(body, integer=self.integer)
        if value is not None:
            if not self.bottom <= value <= self.top:
                return QValidator.State.Invalid, text, pos
            return QValidator.State.Acceptable, text, pos
        pattern = _PARTIAL_INTEGER if self.integer else _PARTIAL
        if pattern.match(body.replace(" ", "")):
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Invalid, text, pos


class NumberEditor(FieldEditor):
    """integer and decimal questions."""

    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.integer = field.kind == "integer"
        self.edit = LineEdit(self)
        self.edit.setValidator(NumberValidator(self.integer, self.edit))
        self.edit.setMaximumWidth(240)
        self.row.addWidget(self.edit)
        self.row.addStretch(1)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(self._edited)
        self.edit.inputRejected.connect(self._rejected)
        # a refused key ("12a") warns at once; leaving the field judges what is really there
        self.edit.editingFinished.connect(lambda: self._edited(self.edit.text()))

    @property
    def problem_key(self) -> LocalProblem:
        return ("not_integer" if self.integer else "not_number", {})

    def _rejected(self) -> None:
        self.set_local_problem(self.problem_key, urgent=True)

    def _edited(self, text: str) -> None:
        value = parse_number(text, integer=self.integer)
        if value is None and normalise(text).strip():
            self.set_local_problem(self.problem_key)
            self.emit_value(None)
            return
        self.set_local_problem(None)
        if value is not None and (self.integer or value.is_integer() and "." not in text):
            exact = self._exact(text)  # 9007199254740993 must not pass through a float
            self.emit_value(exact if exact is not None else int(value))
        else:
            self.emit_value(value)

    @staticmethod
    def _exact(text: str) -> int | None:
        return exact_integer(normalise(text).replace(" ", ""))

    def show_value(self, value: Any) -> None:
        text = self.edit.text()
        typed = self._exact(text) if isinstance(value, int) else None
        if typed is None:
            typed = parse_number(text, integer=self.integer)
        if typed == value and value is not None:
            return  # keep "1,234" as typed when it already means the stored value
        self.edit.setText(format_number(value))

    def set_locked(self, locked: bool) -> None:
        self.edit.setReadOnly(locked)

    def focus_target(self) -> QWidget:
        return self.edit
