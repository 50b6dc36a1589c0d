"""The body of the filler: the section list, one page per section, the problems list, and the
buttons that step between sections. It shows; the filler around it decides and saves."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QApplication, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from fieldsurvey.app.filler.chrome import BottomBar
from fieldsurvey.app.filler.focus import beyond, tab_stops, takes_tab
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
        stepping = focus is not None and focus in (self.bottom.previous, self.bottom.next)
        self.current = index
        self.pages[index].ensure_built()
        self.stack.setCurrentIndex(index)
        # Ctrl+PgDown from a question, or Next section pressed: on to the page's first
        # question; from a question, else to the section list, so the shortcuts keep working
        entered = (typing or stepping) and self.pages[index].focus_first()
        if typing and not entered:
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

    # -- Tab and Enter ---------------------------------------------------------------------
    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 (Qt override)
        """Tab, Shift+Tab and Enter (which comes here through ``move_on``) in document order:
        the section list, the page's answers, Next section, Previous section, the problems
        list; past either end, out of the body along the window's focus chain. Never along the
        chain inside the body, where the questions lie in the order they were made."""
        focus = QApplication.focusWidget()
        target = self._neighbour(focus, forward) if focus is not None else None
        if target is None:
            return super().focusNextPrevChild(forward)
        target.setFocus(
            Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        )
        return True

    def _neighbour(self, focus: QWidget, forward: bool) -> QWidget | None:
        """Where Tab (*forward*) or Shift+Tab goes from *focus*; None when it is not the
        body's to say."""
        page = self.pages[self.current] if self.current >= 0 else None
        stops = tab_stops(page.inner) if page is not None and page.built else []
        ring = [self.nav, *stops, self.bottom.next, self.bottom.previous, self.panel.list]
        here = next((i for i, w in enumerate(ring) if w is focus), None)
        if here is not None:
            ahead = ring[here + 1 :] if forward else ring[:here][::-1]
        elif page is not None and (focus is page or page.isAncestorOf(focus)):
            # not a stop: a question's title, a calculated value, the page itself
            cut = 1 + self._stops_above(page, stops, focus)
            ahead = ring[cut:] if forward else ring[:cut][::-1]
        else:
            return None
        return next((w for w in ahead if takes_tab(w)), None) or beyond(self, focus, forward)

    @staticmethod
    def _stops_above(page: SectionPage, stops: list[QWidget], focus: QWidget) -> int:
        """How many of *stops* come before *focus*, which is on the page but no stop: as
        many as lie above it."""
        if not page.inner.isAncestorOf(focus):
            return 0

        def top(widget: QWidget) -> int:
            return widget.mapTo(page.inner, QPoint(0, 0)).y()

        mark = top(focus)
        below = (i for i, w in enumerate(stops) if w.isVisible() and top(w) > mark)
        return next(below, len(stops))

    # -- showing the evaluation ------------------------------------------------------------
    def show_issues(self, issues: list[Issue]) -> None:
        self.panel.set_issues(issues)
        shown = {i.name for i in issues}
        every = {p.name for p in self.state.evaluation.problems} | shown
        for i, section in enumerate(self.sections):
            status = section_status(section, self.state, shown, every)
            self.nav.set_status(i, status)
            self.pages[i].set_applicable(status != NOT_APPLICABLE)
