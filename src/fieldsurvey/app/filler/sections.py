"""Sections: the form's top-level groups (and repeats), each shown as one page.

Questions outside any group form implicit sections of their own, so any form can be filled.
Pages are built the first time they are shown: a 300-question form opens as fast as its first
section.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from fieldsurvey.app.filler.editors import is_shown
from fieldsurvey.app.filler.focus import chain_tab_order, question_of, tab_stops
from fieldsurvey.app.filler.labels import MUTED, WrapLabel, tint
from fieldsurvey.app.filler.texts import rich
from fieldsurvey.app.i18n import tr
from fieldsurvey.core.forms.answers import is_empty
from fieldsurvey.core.forms.model import Field, Form, Group, Node, Repeat, pick

if TYPE_CHECKING:
    from fieldsurvey.app.filler.state import FillState
    from fieldsurvey.app.filler.sync import ViewSync

CONTENT_MAX_WIDTH = 920  # long lines are hard to read; the page keeps to a column

COMPLETE, PROBLEMS, PROGRESS, UNTOUCHED, NOT_APPLICABLE = (
    "complete",
    "problems",
    "progress",
    "untouched",
    "not_applicable",
)


@dataclass
class Section:
    node: Group | None  # None for questions outside any group
    nodes: list[Node]
    names: frozenset[str] = frozenset()
    answer_names: tuple[str, ...] = ()  # what shows whether anything was answered
    ordinal: int = 0  # counts implicit sections, for their titles

    def title(self, form: Form, lang: str) -> str:
        if self.node is not None:
            return pick(self.node.labels, lang, form.default_language) or self.node.name
        return tr("General") if self.ordinal == 0 else tr("More questions")

    def hint(self, form: Form, lang: str) -> str:
        return pick(self.node.hints, lang, form.default_language) if self.node else ""


def _visible(node: Node) -> bool:
    if isinstance(node, Group):
        return True
    return isinstance(node, Field) and (node.kind == "note" or is_shown(node))


def _section(node: Group | None, nodes: list[Node], ordinal: int = 0) -> Section:
    names: set[str] = set()
    answer: list[str] = []
    pending = list(nodes)
    while pending:
        n = pending.pop(0)
        names.add(n.name)
        if isinstance(n, Repeat):
            answer.append(n.name)
            names.update(c.name for c in n.walk())
        elif isinstance(n, Group):
            pending[:0] = n.children
        elif isinstance(n, Field) and n.has_answer and n.calculation is None and is_shown(n):
            answer.append(n.name)
    return Section(node, nodes, frozenset(names), tuple(answer), ordinal)


def plan_sections(form: Form) -> list[Section]:
    sections: list[Section] = []
    run: list[Node] = []
    implicit = 0

    def flush() -> None:
        nonlocal implicit, run
        if any(_visible(n) for n in run):
            sections.append(_section(None, run, implicit))
            implicit += 1
        run = []

    for node in form.root.children:
        if isinstance(node, Repeat):
            flush()
            sections.append(_section(node, [node]))
        elif isinstance(node, Group):
            flush()
            sections.append(_section(node, list(node.children)))
        else:
            run.append(node)
    flush()
    return sections


def section_status(section: Section, state: FillState, shown: set[str], all_: set[str]) -> str:
    """*shown*: names with a problem on screen; *all_*: names with any problem at all."""
    ev = state.evaluation
    if section.node is not None and not ev.is_relevant(section.node.name):
        return NOT_APPLICABLE
    if section.names & shown:
        return PROBLEMS
    answered = False
    for name in section.answer_names:
        value = state.answers.get(name)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            answered = any(state.row_has_data(r) for r in value)
        else:
            answered = not is_empty(value)
        if answered:
            break
    if not answered:
        return UNTOUCHED if section.answer_names else COMPLETE
    return PROGRESS if section.names & all_ else COMPLETE


class SectionPage(QScrollArea):
    def __init__(self, section: Section, sync: ViewSync, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.sync = sync
        self.built = False
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.inner = QWidget(self)
        self.inner.setMaximumWidth(CONTENT_MAX_WIDTH)
        outer = QVBoxLayout(self.inner)
        outer.setContentsMargins(20, 12, 20, 24)
        self.title = WrapLabel("", self.inner)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self.hint = tint(WrapLabel("", self.inner), MUTED)
        self.not_applicable = QLabel(
            tr("This section does not apply to the answers given so far."), self.inner
        )
        self.not_applicable.setWordWrap(True)
        self.not_applicable.setStyleSheet("color: #777; font-style: italic; padding: 12px 0;")
        self.not_applicable.hide()
        self.body = QVBoxLayout()
        self.body.setSpacing(0)
        for w in (self.title, self.hint, self.not_applicable):
            outer.addWidget(w)
        outer.addLayout(self.body)
        outer.addStretch(1)
        self.setWidget(self.inner)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.retranslate()

    def ensure_built(self) -> None:
        if not self.built:
            self.built = True
            self.sync.build(self.body, self.section.nodes, self.inner)
            self.chain_focus()

    def chain_focus(self) -> None:
        if self.built:
            chain_tab_order(self.inner)

    def focus_first(self, *, unanswered: bool = False) -> bool:
        """Put the cursor in the page's first answer that can be typed in (with *unanswered*,
        the first one still empty, falling back to the first). False if there is none."""
        self.ensure_built()
        stops = [
            w
            for w in tab_stops(self.inner)
            if w.isVisibleTo(self.inner) and w.isEnabled() and question_of(w, self.inner)
        ]
        if unanswered:
            empty = [w for w in stops if is_empty(self._answer_of(w))]
            stops = empty + stops
        if not stops:
            return False
        stops[0].setFocus(Qt.FocusReason.TabFocusReason)
        self.ensureWidgetVisible(stops[0], 20, 60)
        return True

    def _answer_of(self, widget: QWidget) -> object:
        q = question_of(widget, self.inner)
        slot = getattr(q, "slot", None)
        if slot is None or getattr(q, "fixed", False):
            return "fixed"  # a calculated or read-only answer is never the place to start
        return self.sync.state.value(*slot)

    def retranslate(self) -> None:
        form, lang = self.sync.state.form, self.sync.state.lang
        self.title.setText(self.section.title(form, lang))
        hint = self.section.hint(form, lang)
        self.hint.setText(rich(hint))
        self.hint.setVisible(bool(hint))

    def set_applicable(self, applicable: bool) -> None:
        self.not_applicable.setVisible(not applicable)
