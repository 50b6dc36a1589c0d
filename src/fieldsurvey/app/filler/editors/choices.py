"""Choice questions: radio buttons, a drop-down (``minimal``), a searchable list for long
registries (``select_one_from_file``) and check boxes for ``select_multiple``.

Every editor takes its choices from ``set_choices`` so a choice filter can narrow them live.
"""

from __future__ import annotations

from typing import Any

import qtawesome as qta
from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QGridLayout,
    QRadioButton,
    QToolButton,
    QWidget,
)

from fieldsurvey.app.filler.editors.base import (
    SKIPPED_BY_ENTER,
    Combo,
    EditorEnv,
    FieldEditor,
    move_on,
)
from fieldsurvey.app.i18n import tr
from fieldsurvey.core.forms.model import Choice, Field

ONE_COLUMN_UP_TO = 6  # more choices than this are laid out in two columns


def clear_button(parent: QWidget, tooltip: str) -> QToolButton:
    """The small "×" beside an answer. Tab reaches it; Enter, which moves on to the next
    answer, passes it by."""
    button = QToolButton(parent)
    button.setProperty(SKIPPED_BY_ENTER, True)
    button.setIcon(qta.icon("fa5s.times", color="#666"))
    button.setToolTip(tooltip)
    button.setAccessibleName(tooltip)
    button.setAutoRaise(True)
    return button


class ChoiceEditor(FieldEditor):
    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.choices: list[Choice] = []
        self.value: Any = None

    def set_choices(self, choices: list[Choice]) -> None:
        self.choices = list(choices)
        with self.quiet():
            self.rebuild()
            self.show_value(self.value)

    def rebuild(self) -> None:
        raise NotImplementedError

    def set_language(self, lang: str) -> None:
        self.set_choices(self.choices)

    def set_value(self, value: Any) -> None:
        self.value = value
        super().set_value(value)

    def pick(self, value: Any) -> None:
        if value != self.value:
            self.value = value
            self.emit_value(value)


class _Buttons(ChoiceEditor):
    """Shared layout of radio buttons and check boxes in one or two columns."""

    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.box = QWidget(self)
        self.grid = QGridLayout(self.box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(24)
        self.grid.setVerticalSpacing(2)
        self.row.addWidget(self.box, 1)
        self.buttons: list[QRadioButton | QCheckBox] = []

    def place(self, widgets: list[QRadioButton | QCheckBox]) -> None:
        for b in self.buttons:
            b.deleteLater()
        self.buttons = widgets
        rows = len(widgets) if len(widgets) <= ONE_COLUMN_UP_TO else (len(widgets) + 1) // 2
        for i, w in enumerate(widgets):
            self.grid.addWidget(w, i % rows, i // rows)
        if widgets:
            self.setFocusProxy(widgets[0])

    def focus_target(self) -> QWidget:
        checked = next((b for b in self.buttons if b.isChecked()), None)
        return checked or (self.buttons[0] if self.buttons else self)


class RadioEditor(_Buttons):
    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.group = QButtonGroup(self)
        self.group.idClicked.connect(self._clicked)
        self.clear = clear_button(self, tr("Clear the answer"))
        self.clear.clicked.connect(lambda: self.pick(None))
        self.clear.clicked.connect(lambda: self.show_value(None))
        self.row.addWidget(self.clear, 0, Qt.AlignmentFlag.AlignTop)

    def rebuild(self) -> None:
        for b in self.group.buttons():
            self.group.removeButton(b)
        widgets: list[QRadioButton | QCheckBox] = []
        for i, choice in enumerate(self.choices):
            button = QRadioButton(self.env.choice_text(choice), self.box)
            self.group.addButton(button, i)
            widgets.append(button)
        self.place(widgets)

    def _clicked(self, index: int) -> None:
        self.pick(self.choices[index].name)
        self.clear.setVisible(True)

    def show_value(self, value: Any) -> None:
        self.group.setExclusive(False)
        for i, b in enumerate(self.group.buttons()):
            b.setChecked(self.choices[i].name == value)
        self.group.setExclusive(True)
        self.clear.setVisible(value is not None and self.isEnabled())

    def set_locked(self, locked: bool) -> None:
        self.box.setEnabled(not locked)
        self.clear.setVisible(not locked and self.value is not None)


class CheckEditor(_Buttons):
    def rebuild(self) -> None:
        widgets: list[QRadioButton | QCheckBox] = []
        for choice in self.choices:
            box = QCheckBox(self.env.choice_text(choice), self.box)
            box.toggled.connect(self._toggled)
            widgets.append(box)
        self.place(widgets)

    def _toggled(self) -> None:
        if self._quiet_depth:
            return
        ticked = {c.name for c, b in zip(self.choices, self.buttons) if b.isChecked()}
        kept = [v for v in self.value or () if v not in {c.name for c in self.choices}]
        value = kept + [c.name for c in self.choices if c.name in ticked]
        self.pick(value or None)

    def show_value(self, value: Any) -> None:
        chosen = set(value or ())
        for c, b in zip(self.choices, self.buttons):
            b.setChecked(c.name in chosen)

    def set_locked(self, locked: bool) -> None:
        self.box.setEnabled(not locked)


class ComboEditor(ChoiceEditor):
    """``minimal``: a drop-down; the first entry means "no answer"."""

    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.combo = Combo(self)
        self.combo.setMinimumWidth(260)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.row.addWidget(self.combo)
        self.row.addStretch(1)
        self.setFocusProxy(self.combo)
        self.combo.activated.connect(self._activated)

    def rebuild(self) -> None:
        self.combo.clear()
        self.combo.addItem(tr("(no answer)"), None)
        for choice in self.choices:
            self.combo.addItem(self.env.choice_text(choice), choice.name)

    def _activated(self, index: int) -> None:
        self.pick(self.combo.itemData(index))

    def show_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else 0
        self.combo.setCurrentIndex(max(index, 0))

    def focus_target(self) -> QWidget:
        return self.combo


class _SearchCombo(QComboBox):
    """Editable only for searching; Enter takes the highlighted match and moves on."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.parent()._commit_text()  # type: ignore[attr-defined]
            event.accept()
            move_on(self)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.parent()._commit_text()  # type: ignore[attr-defined]
        super().focusOutEvent(event)


class SearchComboEditor(ChoiceEditor):
    """Long lists (the village registry): type any part of a name to narrow the list."""

    def __init__(self, field: Field, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(field, env, parent)
        self.combo = _SearchCombo(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumWidth(300)
        self.combo.lineEdit().setPlaceholderText(tr("Type to search…"))
        self.names = QStringListModel(self)
        self.completer = QCompleter(self.names, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.combo.setCompleter(self.completer)
        self.row.addWidget(self.combo)
        self.row.addStretch(1)
        self.setFocusProxy(self.combo)
        self.combo.activated.connect(lambda i: self.pick(self.combo.itemData(i)))
        self.completer.activated.connect(self._completed)

    def rebuild(self) -> None:
        self.combo.clear()
        for choice in self.choices:
            self.combo.addItem(self.text_of(choice), choice.name)
        self.names.setStringList([self.text_of(c) for c in self.choices])

    def text_of(self, choice: Choice) -> str:
        text = self.env.choice_text(choice)
        return text if text == choice.name else f"{text} ({choice.name})"

    def _completed(self, text: str) -> None:
        index = self.combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self.pick(self.combo.itemData(index))

    def _commit_text(self) -> None:
        """Take the best match for what was typed (whole name, then start of a name, then
        any part, as the suggestions list them); with no match, show the answer again."""
        text = self.combo.currentText().strip().casefold()
        if not text:
            self.pick(None)
            return
        names = [self.combo.itemText(i).casefold() for i in range(self.combo.count())]
        for test in (str.__eq__, str.startswith, str.__contains__):
            index = next((i for i, n in enumerate(names) if test(n, text)), -1)
            if index >= 0:
                self.combo.setCurrentIndex(index)
                self.pick(self.combo.itemData(index))
                return
        self.show_value(self.value)

    def show_value(self, value: Any) -> None:
        index = self.combo.findData(value) if value is not None else -1
        self.combo.setCurrentIndex(index)
        if index < 0:
            self.combo.setEditText("")

    def set_locked(self, locked: bool) -> None:
        self.combo.setEnabled(not locked)

    def focus_target(self) -> QWidget:
        return self.combo
