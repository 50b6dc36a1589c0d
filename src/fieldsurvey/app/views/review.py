"""The review page: what needs a coordinator, and the panels to decide it.

On the left, the queue (``review_queue``) in four groups: records with conflicts, records
changed after review, complete records awaiting a decision, and possible duplicates. On the
right, the panel for the item selected. Every choice and decision runs on the worker through
``core.review``; the page then reloads the queue and says what happened above the panels.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.conflict_rows import RecordConflicts, load_conflicts
from fieldsurvey.app.i18n import language, tr
from fieldsurvey.app.icons import icon, state_icon
from fieldsurvey.app.labels import flag_text, short_time, status_text
from fieldsurvey.app.review_queue import (
    CONFLICTS,
    DUPLICATES,
    FLAGGED,
    WAITING,
    QueuePair,
    QueueRecord,
    ReviewQueue,
    load_queue,
)
from fieldsurvey.app.ui import error_text, page_heading, show_error
from fieldsurvey.app.views.conflict_panel import ConflictPanel
from fieldsurvey.app.views.decision_panel import APPROVE, REJECT, DecisionPanel
from fieldsurvey.app.views.duplicate_panel import DuplicatePanel
from fieldsurvey.app.views.review_parts import wrapped
from fieldsurvey.app.views.settings import form_language
from fieldsurvey.app.worker import worker
from fieldsurvey.core import review

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
NOTICE_STYLES = {
    "info": "background: #eaf2fb; color: #1d4f7a; border: 1px solid #bcd5ee;",
    "ok": "background: #e9f5ec; color: #1e5e2f; border: 1px solid #b9dfc3;",
}


def group_title(group: str, count: int) -> str:
    titles = {
        CONFLICTS: tr("Conflicting edits ({count})", count=count),
        FLAGGED: tr("Changed after review ({count})", count=count),
        WAITING: tr("Awaiting a decision ({count})", count=count),
        DUPLICATES: tr("Possible duplicates ({count})", count=count),
    }
    return titles[group]


class ReviewView(QWidget):
    openRequested = Signal(object)  # OpenRequest
    changed = Signal()  # records changed: the other lists are out of date
    status = Signal(str)

    def __init__(self, ws: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.queue = ReviewQueue()
        self._wanted: Any = None  # the item to select once the queue is (re)loaded
        self._loaded = 0  # queue loads delivered (tests and screenshots wait on it)
        heading = page_heading(tr("Review"))
        self.summary = QLabel(tr("Loading…"))
        self.summary.setWordWrap(True)
        self.notice = wrapped("")
        self.notice.hide()

        self.tree = QTreeWidget()
        self.tree.setObjectName("reviewQueue")
        self.tree.setHeaderHidden(True)
        self.tree.setColumnCount(1)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(12)
        self.tree.setUniformRowHeights(False)
        self.tree.currentItemChanged.connect(lambda current, _old: self._selected(current))

        self.placeholder = wrapped(tr("Choose an item on the left."), select=False)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.conflict_panel = ConflictPanel()
        self.decision_panel = DecisionPanel()
        self.duplicate_panel = DuplicatePanel()
        self.panels = QStackedWidget()
        for panel in (
            self.placeholder,
            self.conflict_panel,
            self.decision_panel,
            self.duplicate_panel,
        ):
            self.panels.addWidget(panel)
        self.conflict_panel.chosen.connect(self.choose)
        self.decision_panel.decided.connect(self.decide)
        self.decision_panel.openRequested.connect(self.openRequested)
        self.duplicate_panel.settled.connect(self.settle)

        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 0, 0, 0)
        column.addWidget(self.notice)
        column.addWidget(self.panels, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.tree)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setChildrenCollapsible(False)
        em = self.fontMetrics().horizontalAdvance("M")
        self.splitter.setSizes([em * 22, em * 50])  # the queue about a third of the width

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        self.refresh()

    # -- the queue ---------------------------------------------------------------------------
    def refresh(self) -> None:
        ws, lang = self.ws, language()
        current = self.current()
        if self._wanted is None and current is not None:
            self._wanted = current
        worker().run(
            lambda: load_queue(ws, lang),
            owner=self,
            on_done=self._show_queue,
            on_error=lambda exc: self.summary.setText(error_text(exc)),
        )

    def select_record(self, record_id: str) -> None:
        """Show *record_id* (asked for from an open record) once the queue has it."""
        self._wanted = record_id
        self.refresh()

    def current(self) -> Any:
        item = self.tree.currentItem()
        return item.data(0, ITEM_ROLE) if item is not None else None

    def _show_queue(self, queue: ReviewQueue) -> None:
        self.queue = queue
        wanted, self._wanted = self._wanted, None
        self.tree.blockSignals(True)
        self.tree.clear()
        groups = (
            (CONFLICTS, queue.conflicts, len(queue.conflicts)),
            (FLAGGED, queue.flagged, len(queue.flagged)),
            (WAITING, queue.waiting, queue.waiting_total),
            (DUPLICATES, queue.duplicates, len(queue.duplicates)),
        )
        found = None
        for group, items, count in groups:
            head = QTreeWidgetItem(self.tree, [group_title(group, count)])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            for entry in items:
                child = self._entry(head, group, entry)
                if wanted is not None and _same(child.data(0, ITEM_ROLE), wanted):
                    found = child
            head.setExpanded(True)
        self.tree.blockSignals(False)
        self.summary.setText(self._summary(queue))
        self._loaded += 1
        if found is not None:
            self.tree.setCurrentItem(found)
            self.tree.scrollToItem(found)
        else:
            self.tree.setCurrentItem(None)
            self.panels.setCurrentWidget(self.placeholder)

    def _entry(self, head: QTreeWidgetItem, group: str, entry: Any) -> QTreeWidgetItem:
        if isinstance(entry, QueuePair):
            if entry.kind == "village":
                what = tr("Two villages with the same name")
            else:
                what = tr("Two records of “{form}”", form=entry.form_title)
            child = QTreeWidgetItem(head, [f"{entry.place or '—'}\n{what}"])
            child.setToolTip(0, "\n\n".join(entry.sides))
            child.setIcon(0, icon("duplicate"))
            child.setData(0, ITEM_ROLE, entry)
            return child
        if group == CONFLICTS:
            note, state = tr("{count} field(s) to choose", count=entry.conflicts), "conflict"
        elif group == FLAGGED:
            note, state = flag_text(entry.flag), entry.status
        else:
            note, state = "", entry.status
        # the village, then what to do and the form (long: it comes last, and may be cut)
        place = entry.village or entry.form_title
        what = " · ".join(t for t in (note, entry.form_title) if t)
        child = QTreeWidgetItem(head, [f"{place}\n{what}"])
        who = f"{entry.enumerator or '—'} · {short_time(entry.updated_at)}"
        child.setToolTip(
            0, f"{place}\n{entry.form_title}\n{status_text(entry.status)} · {who} · {entry.id[:8]}"
        )
        child.setIcon(0, state_icon(state))
        child.setData(0, ITEM_ROLE, (group, entry))
        return child

    @staticmethod
    def _summary(queue: ReviewQueue) -> str:
        total = (
            len(queue.conflicts) + len(queue.flagged) + queue.waiting_total + len(queue.duplicates)
        )
        if not total:
            return tr("Nothing waits for a review.")
        return tr(
            "Resolve conflicting edits first: a record with conflicts cannot be approved. "
            "Then decide the records awaiting a decision, and settle possible duplicates."
        )

    # -- the panels --------------------------------------------------------------------------
    def _selected(self, item: QTreeWidgetItem | None) -> None:
        data = item.data(0, ITEM_ROLE) if item is not None else None
        if isinstance(data, QueuePair):
            self.duplicate_panel.show_pair(data)
            self.panels.setCurrentWidget(self.duplicate_panel)
        elif isinstance(data, tuple) and data[0] == CONFLICTS:
            self._load_conflicts(data[1])
        elif isinstance(data, tuple):
            self.decision_panel.show_record(data[1])
            self.panels.setCurrentWidget(self.decision_panel)
        else:
            self.panels.setCurrentWidget(self.placeholder)

    def _load_conflicts(self, entry: QueueRecord) -> None:
        ws = self.ws
        self.conflict_panel.set_busy(True)
        worker().run(  # questions in the language forms open in, as the filler shows them
            lambda: load_conflicts(ws, entry.id, form_language(ws) or language()),
            owner=self,
            on_done=lambda conflicts: self._show_conflicts(entry, conflicts),
            on_error=lambda exc: show_error(self, tr("The conflicts could not be shown"), exc),
        )

    def _show_conflicts(self, entry: QueueRecord, conflicts: RecordConflicts) -> None:
        current = self.current()
        if not (isinstance(current, tuple) and current[1].id == entry.id):
            return  # another item was chosen meanwhile
        self.conflict_panel.show_conflicts(entry, conflicts)
        self.panels.setCurrentWidget(self.conflict_panel)

    def say(self, text: str, kind: str = "info", *, short: str = "") -> None:
        """Above the panels, until the next thing done; *short* (else *text*) in the
        window's status bar."""
        self.notice.setStyleSheet(f"QLabel {{ {NOTICE_STYLES[kind]} padding: 6px 10px; }}")
        self.notice.setText(text)
        self.notice.show()
        self.status.emit(short or text)

    # -- choices and decisions (on the worker) -----------------------------------------------
    def choose(self, record_id: str, path: str, revision: str) -> None:
        ws = self.ws
        self.conflict_panel.set_busy(True)
        worker().run(
            lambda: review.choose(ws, record_id, path, take=revision),
            owner=self,
            on_done=self._chosen,
            on_error=lambda exc: self._failed(tr("The choice was not saved"), exc),
        )

    def _chosen(self, resolution: Any) -> None:
        if resolution.revision_id:
            self.say(
                tr(
                    "Resolved: every conflicting answer of this record has its value now. "
                    "They were saved as a new version that joins both laptops' edits."
                ),
                "ok",
                short=tr("Conflicts resolved"),
            )
            self.changed.emit()
        else:
            self.say(
                tr(
                    "Chosen. {count} field(s) of this record left to choose.",
                    count=resolution.remaining,
                )
            )
        self._wanted = resolution.record_id
        self.refresh()

    def decide(self, record_id: str, decision: str, comment: str) -> None:
        ws = self.ws
        self.decision_panel.set_busy(True)
        worker().run(
            lambda: review.decide(ws, record_id, decision, comment),
            owner=self,
            on_done=lambda _revision: self._decided(record_id, decision),
            on_error=lambda exc: self._failed(tr("The decision was not saved"), exc),
        )

    def _decided(self, record_id: str, decision: str) -> None:
        words = {
            APPROVE: tr("Approved."),
            REJECT: tr("Rejected."),
        }
        self.say(words.get(decision, tr("Reopened as a draft.")), "ok")
        self._wanted = self._next_after(record_id)
        self.changed.emit()
        self.refresh()

    def settle(self, first: str, second: str, link: bool) -> None:
        ws = self.ws
        self.duplicate_panel.set_busy(True)
        worker().run(
            lambda: review.settle_duplicate(ws, first, second, link=link),
            owner=self,
            on_done=lambda _pair: self._settled(link),
            on_error=lambda exc: self._failed(tr("The pair was not settled"), exc),
        )

    def _settled(self, link: bool) -> None:
        self.say(tr("Linked as the same.") if link else tr("Kept apart."), "ok")
        self.changed.emit()
        self.refresh()

    def _failed(self, title: str, exc: BaseException) -> None:
        show_error(self, title, exc)
        self.refresh()

    def _next_after(self, record_id: str) -> Any:
        """The item below a decided record, so deciding a list goes on down it."""
        item = self.tree.currentItem()
        below = self.tree.itemBelow(item) if item is not None else None
        data = below.data(0, ITEM_ROLE) if below is not None else None
        return data if data is not None else record_id


def _same(data: Any, wanted: Any) -> bool:
    """Whether a queue entry is the one wanted: a record by id (in whichever group it is
    now), a pair by its two sides."""
    if isinstance(wanted, tuple):
        wanted = wanted[1].id
    if isinstance(data, tuple):
        return isinstance(wanted, str) and data[1].id == wanted
    if isinstance(data, QueuePair) and isinstance(wanted, QueuePair):
        return (data.first, data.second) == (wanted.first, wanted.second)
    return False
