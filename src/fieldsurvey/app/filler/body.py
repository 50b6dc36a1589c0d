"""The body of the filler: the section list, one page per section, the problems list, and the
buttons that step between sections. It shows; the filler around it decides and saves."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QApplication, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from fieldsurvey.app.filler.chrome import BottomBar
from fieldsurvey.app.filler.navigation import SectionList
from fieldsurvey.app.filler.problems_panel import ProblemsPanel
from fieldsurvey.app.filler.question import QuestionWidget
from fieldsurvey.app.filler.sections import (
    NOT_APPLICABLE,
    SectionPage,
    plan_sections,
    section_status,
)
from fieldsurvey.app.filler.sync import Issue, ViewSync
from fieldsurvey.app.i18n import tr

SPLIT = [230, 760, 290]  # section list, page, problems list (px at 1280 wide)


class FormBody(QWidget):
    sectionChanged = Signal(int)  # a person moved to another section

    def __init__(self, sync: ViewSync, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        self.state = sync.state
        self.sections = plan_sections(self.state.form)
        self.section_of = {n: i for i, s in enumerate(self.sections) for n in s.names}
        self.current = -1
        self.nav = SectionList(self)
        self.stack = QStackedWidget(self)
        self.pages = [SectionPage(s, sync, self.stack) for s in self.sections]
        for page in self.pages:
            self.stack.addWidget(page)
        # a locked record's text boxes are greyed like its drop-downs and the calculated values:
        # nothing on the page looks typeable when it is not
        self.stack.setStyleSheet(
            "QLineEdit:read-only, QPlainTextEdit:read-only, QTextEdit:read-only"
            " { background: #f1f1f1; color: #333; }"
        )
        self.panel = ProblemsPanel(self)
        self.panel.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for w in (self.nav, self.stack, self.panel):
            self.splitter.addWidget(w)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes(SPLIT)
        self.bottom = BottomBar(self)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.splitter, 1)
        column.addWidget(self.bottom)
        self.nav.currentRowChanged.connect(self._show)
        self.panel.activated.connect(self.go_to)
        self.bottom.previous.clicked.connect(lambda: self.step(-1))
        self.bottom.next.clicked.connect(lambda: self.step(1))
        sync.restructured.connect(self.chain_focus)
        self.retitle()

    def set_panel_visible(self, visible: bool) -> None:
        """Show or hide the problems list, laid out at once: its entries have their size
        (and can be clicked) as soon as it appears, not a turn of the event loop later."""
        self.panel.setVisible(visible)
        self.splitter.refresh()

    def retitle(self) -> None:
        form, lang = self.state.form, self.state.lang
        self.nav.set_titles([s.title(form, lang) for s in self.sections])
        for page in self.pages:
            page.retranslate()

    # -- moving about ----------------------------------------------------------------------
    def go_to_section(self, index: int) -> None:
        if 0 <= index < len(self.pages):
            self.nav.setCurrentRow(index)

    def step(self, step: int) -> None:
        """The next (or previous) section that applies to the answers given; if none does
        (consent not given yet), the very next one, whose page says why it does not apply:
        a button that does nothing would leave the person guessing."""
        i = self.current + step
        while 0 <= i < len(self.pages) and self.nav.statuses[i] == NOT_APPLICABLE:
            i += step
        if not 0 <= i < len(self.pages):
            i = self.current + step
        self.go_to_section(i)

    def _show(self, index: int) -> None:
        if index < 0 or index == self.current:
            return
        moved = self.current >= 0
        old = self.stack.currentWidget()
        focus = QApplication.focusWidget()
        typing = old is not None and focus is not None and old.isAncestorOf(focus)
        self.current = index
        self.pages[index].ensure_built()
        self.stack.setCurrentIndex(index)
        if typing and not self.pages[index].focus_first():
            # Ctrl+PgDown from a question: on to the next page's first question, else
            # the section list, so the filler's shortcuts keep working
            self.nav.setFocus(Qt.FocusReason.OtherFocusReason)
        self.bottom.position.setText(
            tr("Section {n} of {count}", n=index + 1, count=len(self.pages))
        )
        self.bottom.previous.setEnabled(index > 0)
        self.bottom.next.setEnabled(index < len(self.pages) - 1)
        if moved:
            self.sectionChanged.emit(index)

    def go_to(self, path: str) -> None:
        """Show the question at *path* (``cooperative[2]/coop_name``) and put the cursor in it."""
        index = self.section_of.get(path.split("/")[-1])
        if index is None:
            return
        self.go_to_section(index)
        slot = self.state.slot_of(path)
        widget = self.sync.widgets.get(slot) if slot else None
        if widget is None:
            return
        page = self.pages[index]
        page.inner.layout().activate()
        page.ensureWidgetVisible(widget, 20, 60)
        if isinstance(widget, QuestionWidget):
            widget.focus_editor()

    def question(self, path: str) -> QuestionWidget | None:
        index = self.section_of.get(path.split("/")[-1])
        if index is None:
            return None
        self.pages[index].ensure_built()
        slot = self.state.slot_of(path)
        widget = self.sync.widgets.get(slot) if slot else None
        return widget if isinstance(widget, QuestionWidget) else None

    def follow_focus(self, widget: QWidget) -> None:
        page = self.stack.currentWidget()
        if isinstance(page, SectionPage) and page.inner.isAncestorOf(widget):
            page.ensureWidgetVisible(widget, 20, 40)

    def chain_focus(self) -> None:
        for page in self.pages:
            page.chain_focus()

    # -- showing the evaluation ------------------------------------------------------------
    def show_issues(self, issues: list[Issue]) -> None:
        self.panel.set_issues(issues)
        shown = {i.name for i in issues}
        every = {p.name for p in self.state.evaluation.problems} | shown
        for i, section in enumerate(self.sections):
            status = section_status(section, self.state, shown, every)
            self.nav.set_status(i, status)
            self.pages[i].set_applicable(status != NOT_APPLICABLE)
