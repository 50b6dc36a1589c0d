"""One question on screen: its label and hint in the form's language, its editor, and the
problem line beneath it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import qtawesome as qta
from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fieldsurvey.app.filler.context import AnswerContext
from fieldsurvey.app.filler.editors import EditorEnv, FieldEditor, editor_class
from fieldsurvey.app.filler.labels import ERROR, MUTED, WrapLabel, tint
from fieldsurvey.app.filler.texts import has_references, interpolate, plain, rich
from fieldsurvey.core.forms.expr import to_boolean
from fieldsurvey.core.forms.model import Field, pick

if TYPE_CHECKING:
    from fieldsurvey.app.filler.state import RowKey, Slot

REQUIRED_MARK = ' <span style="color:#c0392b;">*</span>'
ALWAYS_REQUIRED = frozenset({"true()", "true", "yes", "1"})
NOTE_STYLE = "QLabel { background: #eef3f8; border-left: 3px solid #5b8db8; padding: 6px 8px; }"


_ICONS: dict[str, QPixmap] = {}


def problem_icon() -> QPixmap:
    """One pixmap for every problem line (drawing it per question was a fifth of the cost
    of building a page)."""
    if "problem" not in _ICONS:
        _ICONS["problem"] = qta.icon("fa5s.exclamation-circle", color=ERROR).pixmap(14, 14)
    return _ICONS["problem"]


class ProblemLine(QWidget):
    """A red line under a field; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 0)
        row.setSpacing(6)
        icon = QLabel(self)
        icon.setPixmap(problem_icon())
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = tint(WrapLabel("", self), ERROR)
        row.addWidget(icon)
        row.addWidget(self.text, 1)
        self.message: str | None = None
        self.hide()

    def set_message(self, message: str | None) -> None:
        if message == self.message:
            return
        self.message = message
        self.text.setText(message or "")
        self.setVisible(bool(message))


class QuestionWidget(QFrame):
    def __init__(
        self, field: Field, rows: RowKey, env: EditorEnv, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.rows = rows
        self.slot: Slot = (rows, field.name)
        self.env = env
        self.fixed = field.read_only or field.calculation is not None
        self.conditional_required = (
            field.required is not None
            and field.required.source.strip().lower() not in ALWAYS_REQUIRED
        )
        texts = [*field.labels.values(), *field.hints.values()]
        self.dynamic = self.conditional_required or any(has_references(t) for t in texts)
        self._title_html: str | None = None
        self._hint_text: str | None = None
        self._required_now = field.required is not None and not self.conditional_required

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 8, 0, 8)
        column.setSpacing(4)
        self.column = column
        self.title = WrapLabel("", self)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if field.kind == "note":
            self.title.setStyleSheet(NOTE_STYLE)
        else:
            font = self.title.font()
            font.setBold(True)
            self.title.setFont(font)
        column.addWidget(self.title)
        # hint and problem line only where there can be one: most questions have neither
        self.hint: WrapLabel | None = None
        if any(field.hints.values()):
            self.hint = tint(WrapLabel("", self), MUTED)
            self.hint.hide()
            column.addWidget(self.hint)
        cls = editor_class(field)
        self.editor: FieldEditor | None = cls(field, env, self) if cls is not None else None
        if self.editor is not None:
            column.addWidget(self.editor)
            self.title.setBuddy(self.editor.focus_target())
            self.setFocusProxy(self.editor)
            if self.fixed and field.kind != "calculate":
                self.editor.setEnabled(False)  # the form says it is not to be typed in
        self.problem: ProblemLine | None = None

    # -- what the sync layer calls ---------------------------------------------------------
    def set_texts(self, ctx: AnswerContext | None) -> None:
        form, lang = self.env.form, self.env.lang
        label = pick(self.field.labels, lang, form.default_language)
        hint = pick(self.field.hints, lang, form.default_language)
        if ctx is not None and self.dynamic:
            label, hint = interpolate(label, ctx), interpolate(hint, ctx)
            if self.conditional_required:
                self._required_now = to_boolean(self.field.required.evaluate(ctx))  # type: ignore[union-attr]
        label = label or (self.field.name if self.field.kind != "note" else "")
        html = rich(label) + (REQUIRED_MARK if self._required_now else "")
        if html != self._title_html:
            self._title_html = html
            self.title.setText(html)
            if self.editor is not None:
                self.editor.focus_target().setAccessibleName(plain(label))
        if hint != self._hint_text and self.hint is not None:
            self._hint_text = hint
            self.hint.setText(rich(hint))
            self.hint.setVisible(bool(hint))

    def set_value(self, value: Any) -> None:
        if self.editor is not None:
            self.editor.set_value(value)

    def set_relevant(self, relevant: bool) -> None:
        if self.isHidden() == relevant:
            self.setVisible(relevant)

    def set_locked(self, locked: bool) -> None:
        if self.editor is not None and not self.fixed:
            self.editor.set_locked(locked)

    def show_problem(self, message: str | None) -> None:
        if self.problem is None:
            if not message:
                return
            self.problem = ProblemLine(self)
            self.column.addWidget(self.problem)
        self.problem.set_message(message)

    def problem_message(self) -> str:
        """The problem shown under the question, or ""."""
        if self.problem is None or self.problem.isHidden():
            return ""
        return self.problem.message or ""

    def focus_editor(self) -> None:
        target = self.editor.focus_target() if self.editor is not None else self
        target.setFocus(Qt.FocusReason.OtherFocusReason)
