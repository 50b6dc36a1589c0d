"""Widgets for the form tree: questions, nested groups and repeats, built from the nodes of
any form. The same builder fills a section page and a repeat row."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QGroupBox, QVBoxLayout, QWidget

from fieldsurvey.app.filler.editors import EditorEnv, is_shown
from fieldsurvey.app.filler.labels import MUTED, WrapLabel, tint
from fieldsurvey.app.filler.question import QuestionWidget
from fieldsurvey.app.filler.texts import rich
from fieldsurvey.core.forms.model import Field, Group, Node, Repeat, pick

if TYPE_CHECKING:
    from fieldsurvey.app.filler.state import RowKey, Slot


class NodeWidget(Protocol):
    slot: Slot

    def set_relevant(self, relevant: bool) -> None: ...


class Host(Protocol):
    """What built widgets report to: the sync layer between the answers and the screen."""

    env: EditorEnv

    def register(self, widget: QWidget) -> None: ...


class GroupBox(QGroupBox):
    """A group inside a section (or inside a repeat row): a titled frame."""

    def __init__(self, group: Group, rows: RowKey, env: EditorEnv, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.group = group
        self.rows = rows
        self.slot: Slot = (rows, group.name)
        self.env = env
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(10, 6, 10, 6)
        self.hint = tint(WrapLabel("", self), MUTED)
        self.body.addWidget(self.hint)
        self.retranslate()

    def retranslate(self) -> None:
        form, lang = self.env.form, self.env.lang
        self.setTitle(pick(self.group.labels, lang, form.default_language))
        hint = pick(self.group.hints, lang, form.default_language)
        self.hint.setText(rich(hint))
        self.hint.setVisible(bool(hint))

    def set_relevant(self, relevant: bool) -> None:
        if self.isHidden() == relevant:
            self.setVisible(relevant)


class Builder:
    def __init__(self, host: Host) -> None:
        self.host = host

    def fill(self, layout: QVBoxLayout, nodes: list[Node], rows: RowKey, parent: QWidget) -> None:
        for node in nodes:
            widget = self.make(node, rows, parent)
            if widget is not None:
                layout.addWidget(widget)

    def make(self, node: Node, rows: RowKey, parent: QWidget) -> QWidget | None:
        from fieldsurvey.app.filler.repeats import RepeatWidget

        widget: QWidget
        if isinstance(node, Repeat):
            widget = RepeatWidget(node, rows, self, parent)
        elif isinstance(node, Group):
            box = GroupBox(node, rows, self.host.env, parent)
            self.fill(box.body, node.children, rows, box)
            widget = box
        elif isinstance(node, Field) and (node.kind == "note" or is_shown(node)):
            widget = QuestionWidget(node, rows, self.host.env, parent)
        else:
            return None
        self.host.register(widget)
        return widget
