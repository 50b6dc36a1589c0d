"""The main window: a thin shell of navigation, menus and a status bar around the pages.

Pages live in their own modules (``views/``); an open record is a page of its own
(``record_page``) with a back button. Changing the database or the UI language rebuilds the
pages, which is how a new language applies at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QByteArray, QSignalBlocker, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QFocusEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QStatusBar,
    QWidget,
)

from fieldsurvey import __version__
from fieldsurvey.app.dialogs.welcome import Welcome, ask_welcome
from fieldsurvey.app.exchange_support import export_module, not_exported_count
from fieldsurvey.app.i18n import set_language, tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.app.prefs import qsettings, set_ui_language
from fieldsurvey.app.startup import name_enumerator
from fieldsurvey.app.ui import error_text, show_error
from fieldsurvey.app.views.exchange import ExchangeView
from fieldsurvey.app.views.records import RecordsView
from fieldsurvey.app.views.review import ReviewView
from fieldsurvey.app.views.settings import SettingsView, form_language
from fieldsurvey.app.views.villages import VillagesView
from fieldsurvey.app.worker import worker
from fieldsurvey.core.errors import FieldSurveyError
from fieldsurvey.core.workspace import Workspace

VILLAGES, RECORDS, REVIEW, EXCHANGE, SETTINGS = range(5)
STATUS_MESSAGE_MS = 8000
PAGE_ICONS = ("villages", "records", "review", "exchange", "settings")


class NavigationList(QListWidget):
    """The pages on the left. While a record is open no page is current; receiving focus
    (Shift+Tab from Back, or Qt moving focus off a question that was hidden) must not make
    the first page current, which would close the record."""

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt override)
        if self.currentRow() >= 0:
            super().focusInEvent(event)
            return
        with QSignalBlocker(self.selectionModel()):
            super().focusInEvent(event)  # makes the first row current, silently
            self.selectionModel().clearCurrentIndex()
        self.viewport().update()


class MainWindow(QMainWindow):
    def __init__(
        self, ws: Workspace, *, page_size: int | None = None, remember: bool = True
    ) -> None:
        super().__init__()
        self.ws = ws
        self.remember = remember  # keep the window's size and place between runs
        self.page_size = page_size
        self.record_page: Any = None
        self._return_to = VILLAGES
        self._lists_stale = False
        self._actions: list[QAction] = []
        self._recovering = False  # more unsaved work to offer when this record closes
        self.setWindowTitle("FieldSurvey")
        self.setWindowIcon(icon("villages", "#1565c0"))
        self.resize(1280, 800)
        self._build()
        if remember:
            self._restore_geometry()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        """(Re)build menus, navigation, pages and status bar; the old ones are deleted later
        (setCentralWidget does so), so this is safe from a page's own signal."""
        self.menuBar().clear()
        for old in (*self.menuBar().findChildren(QMenu), *self._actions):
            old.deleteLater()
        self._actions.clear()
        self.nav = NavigationList()
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(22, 22))
        self.nav.setSpacing(2)
        self.nav.setFixedWidth(max(150, self.fontMetrics().horizontalAdvance("M" * 11)))
        for text, name in zip(self.page_names(), PAGE_ICONS, strict=True):
            QListWidgetItem(icon(name), text, self.nav)
        self.stack = QStackedWidget()
        self.villages = VillagesView(self.ws, page_size=self.page_size)
        self.records = RecordsView(self.ws, page_size=self.page_size)
        self.review = ReviewView(self.ws)
        self.exchange = ExchangeView(self.ws)
        self.settings_view = SettingsView(self.ws)
        pages = (self.villages, self.records, self.review, self.exchange, self.settings_view)
        for page in pages:
            self.stack.addWidget(page)
        for view in (self.villages, self.records, self.review):
            view.openRequested.connect(self.open_record)
            view.status.connect(self.show_message)
        self.villages.changed.connect(self.refresh)
        self.records.changed.connect(self.refresh)
        self.review.changed.connect(self._reviewed)
        self.records.newRequested.connect(self.new_record)
        self.exchange.exported.connect(self.refresh_status)
        self.exchange.imported.connect(self.refresh)
        self.exchange.reviewRequested.connect(lambda: self.nav.setCurrentRow(REVIEW))
        self.settings_view.saved.connect(self.refresh_status)
        self.settings_view.languageChanged.connect(self.change_language)
        self.settings_view.openDatabaseRequested.connect(self.choose_database)
        self.nav.currentRowChanged.connect(self.show_page)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._build_menus()
        self._build_status_bar()
        self.nav.setCurrentRow(VILLAGES)

    def _action(self, text: str, slot: Any, shortcut: Any = None, name: str = "") -> QAction:
        action = QAction(icon(name) if name else QIcon(), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self._actions.append(action)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(tr("&File"))
        file_menu.addAction(
            self._action(
                tr("New record…"), self.new_record, QKeySequence.StandardKey.New, "new_record"
            )
        )
        file_menu.addAction(
            self._action(
                tr("Open database…"),
                self.choose_database,
                QKeySequence.StandardKey.Open,
                "database",
            )
        )
        file_menu.addAction(self._action(tr("Recover unsaved work…"), self.offer_recovery))
        file_menu.addSeparator()
        file_menu.addAction(
            self._action(tr("Import packages…"), self.import_packages, None, "import")
        )
        file_menu.addAction(
            self._action(tr("Export package…"), self.export_package, None, "export")
        )
        file_menu.addSeparator()
        quit_keys = QKeySequence(QKeySequence.StandardKey.Quit)
        if quit_keys.isEmpty():  # Windows and some Linux desktops name no Quit key: Ctrl+Q
            quit_keys = QKeySequence("Ctrl+Q")
        file_menu.addAction(self._action(tr("Quit"), self.close, quit_keys))
        view_menu = self.menuBar().addMenu(tr("&View"))
        for index, text in enumerate(self.page_names()):
            view_menu.addAction(
                self._action(
                    text, lambda _c=False, i=index: self.nav.setCurrentRow(i), f"Ctrl+{index + 1}"
                )
            )
        view_menu.addSeparator()
        view_menu.addAction(
            self._action(tr("Refresh"), self.refresh, QKeySequence.StandardKey.Refresh, "refresh")
        )
        help_menu = self.menuBar().addMenu(tr("&Help"))
        help_menu.addAction(self._action(tr("About FieldSurvey"), self.about, None, "about"))

    @staticmethod
    def page_names() -> tuple[str, ...]:
        """The pages in navigation order; Ctrl+1 to Ctrl+5 follow it."""
        return (tr("Villages"), tr("Records"), tr("Review"), tr("Exchange"), tr("Settings"))

    def _build_status_bar(self) -> None:
        bar = QStatusBar()
        self.setStatusBar(bar)
        self.db_label = QLabel()
        self.device_label = QLabel()
        self.enumerator_label = QLabel()
        self.pending_label = QLabel()
        for label in (self.db_label, self.device_label, self.enumerator_label, self.pending_label):
            label.setContentsMargins(10, 0, 10, 0)
            bar.addPermanentWidget(label)
        self.refresh_status()

    # -- status -----------------------------------------------------------------------------
    def refresh_status(self) -> None:
        path = self.ws.store.path
        self.db_label.setText(tr("Database: {name}", name=path.name if path else self.ws.store.url))
        self.db_label.setToolTip(str(path or self.ws.store.url))
        self.device_label.setText(tr("Device: {name}", name=self.ws.device_name or "—"))
        self.enumerator_label.setText(tr("Enumerator: {name}", name=self.ws.enumerator or "—"))
        ws = self.ws
        worker().run(lambda: not_exported_count(ws), owner=self, on_done=self._show_pending)

    def _show_pending(self, count: int) -> None:
        self.pending_label.setText(tr("Not exported: {count}", count=count))
        if export_module() is not None:
            self.pending_label.setToolTip(
                tr("Finalised records whose latest version is not in any export package yet")
            )

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, STATUS_MESSAGE_MS)

    # -- pages ------------------------------------------------------------------------------
    def show_page(self, index: int) -> None:
        if index < 0:
            return
        if not self._leave_record():
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(-1)
            self.nav.blockSignals(False)
            return
        if not self._leave_settings(index):
            return
        self.stack.setCurrentIndex(index)
        self._refresh_if_stale()

    def _leave_settings(self, index: int) -> bool:
        """Leaving Settings keeps what was typed there, as leaving a record does: a new
        enumerator's name must not wait for a Save button nobody pressed, or the next
        records would carry the previous name. False if the window has taken care of it."""
        view = self.settings_view
        if index == SETTINGS or self.stack.currentWidget() is not view or not view.is_changed():
            return True
        if not view.save():  # the reason was shown; stay on the page
            self._select_page(SETTINGS)
            return False
        if self.settings_view is not view:  # a new language rebuilt the window
            self._select_page(index)
            return False
        return True

    def _select_page(self, index: int) -> None:
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(index)
        self.nav.blockSignals(False)
        self.stack.setCurrentIndex(index)
        self._refresh_if_stale()

    def _refresh_if_stale(self) -> None:
        if self._lists_stale:
            self._lists_stale = False
            self.refresh()

    def refresh(self) -> None:
        for view in (self.villages, self.records, self.review, self.exchange):
            view.refresh()
        self.refresh_status()

    def _reviewed(self) -> None:
        """A review changed records; the review page reloads itself."""
        for view in (self.villages, self.records, self.exchange):
            view.refresh()
        self.refresh_status()

    # -- exchange and review ----------------------------------------------------------------
    def import_packages(self) -> None:
        self.exchange.import_packages()

    def export_package(self) -> None:
        self.exchange.export()

    def show_review(self, record_id: str) -> None:
        """From an open record with conflicts: the review page, with that record chosen."""
        if self.record_page is not None and not self._leave_record():
            return
        self.review.select_record(record_id)
        self._select_page(REVIEW)

    # -- records ----------------------------------------------------------------------------
    def open_record(self, request: OpenRequest) -> None:
        from fieldsurvey.app.record_page import RecordPage

        if not self._leave_record():
            return
        try:
            page = RecordPage(self.ws, request, form_lang=form_language(self.ws))
        except ImportError:
            show_error(self, tr("Cannot open the record"), tr("The form filler is not installed."))
            return
        except (FieldSurveyError, ValueError, LookupError) as exc:
            show_error(self, tr("Cannot open the record"), error_text(exc))
            return
        page.closed.connect(self.close_record)
        page.reviewRequested.connect(self.show_review)
        page.changed.connect(self._mark_stale)
        page.status.connect(self.show_message)
        self.record_page = page
        self._return_to = max(self.stack.currentIndex(), 0)
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.nav.blockSignals(True)
        self.nav.setCurrentRow(-1)  # any page clicked now leaves the record
        self.nav.blockSignals(False)
        page.focus_start()  # the cursor in the first empty answer: typing can start at once

    def _mark_stale(self) -> None:
        self._lists_stale = True
        self.refresh_status()

    def _leave_record(self) -> bool:
        """Flush the open record's answers, then take its page away; if the answers cannot be
        written, say so and keep the record open."""
        page = self.record_page
        if page is None:
            return True
        try:
            page.finish()
        except Exception as exc:
            show_error(self, tr("The record could not be saved"), error_text(exc))
            return False
        self.record_page = None
        self.stack.removeWidget(page)
        page.deleteLater()
        return True

    def close_record(self) -> None:
        """Back: flush the open record and return to the page it was opened from."""
        if self.record_page is not None and self._leave_record():
            self._select_page(self._return_to)
            page = self.stack.currentWidget()  # the cursor back in the list it came from
            target = getattr(page, "table", None) or page
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            if self._recovering:  # offer the rest of the unsaved work, one at a time
                self._recovering = False
                QTimer.singleShot(0, self.offer_recovery)

    def new_record(self) -> None:
        from fieldsurvey.app.dialogs.new_record import NewRecordDialog

        village = self.villages.panel.village
        dialog = NewRecordDialog(self.ws, village.code if village else None, self)
        if dialog.exec():
            request = dialog.request()
            if request is not None:
                self.open_record(request)

    def offer_recovery(self) -> None:
        from fieldsurvey.app.dialogs.recover import RecoveryDialog

        pending = self.ws.pending_autosaves()
        if not pending:
            if self.sender() is not None:  # asked for from the menu
                self.show_message(tr("There is no unsaved work to recover."))
            return
        dialog = RecoveryDialog(self.ws, pending, self)
        if dialog.exec() and dialog.chosen is not None:
            self.open_record(dialog.chosen)
            self._recovering = len(pending) > 1

    # -- database and language --------------------------------------------------------------
    def choose_database(self) -> None:
        from fieldsurvey.app.startup import db_filter

        path, _ = QFileDialog.getOpenFileName(
            self, tr("Open a FieldSurvey database"), "", db_filter()
        )
        if path:
            self.switch_database(path)

    @staticmethod
    def ask_welcome(path: str) -> Welcome | None:
        return ask_welcome(path)

    def switch_database(self, path: str) -> bool:
        try:
            ws = Workspace.open(path, create=False)
            if not ws.form_defs():
                ws.initialise()
        except (FieldSurveyError, OSError) as exc:  # the core's reason is in English
            text = "\n\n".join([tr("FieldSurvey cannot open this database."), error_text(exc)])
            show_error(self, tr("Cannot open the database"), text)
            return False
        if not self._leave_record():
            ws.close()
            return False
        if not name_enumerator(ws, path, self.ask_welcome):
            ws.close()  # every record must say who entered it: asked as on a first run
            return False
        worker().wait()
        old, self.ws = self.ws, ws
        self._build()
        old.close()
        self.show_message(tr("Opened {path}", path=path))
        return True

    def change_language(self, lang: str) -> None:
        if not self._leave_record():
            return
        set_language(lang)
        set_ui_language(lang)
        self._build()
        self.nav.setCurrentRow(SETTINGS)
        self.show_message(tr("Saved."))  # the page that said so was rebuilt

    def about(self) -> None:
        QMessageBox.about(
            self,
            tr("About FieldSurvey"),
            tr(
                "FieldSurvey {version}\n\nOffline field surveys for the Songyang Innovative "
                "Rural Development Programme (UN-Habitat with Songyang County).",
                version=__version__,
            ),
        )

    # -- window state -----------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        settings = qsettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        state = settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)

    def save_geometry(self) -> None:
        if not self.remember:
            return
        settings = qsettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._leave_record():  # the answers could not be written: stay open
            event.ignore()
            return
        view = self.settings_view  # closed from Settings: keep what was typed there too
        if self.stack.currentWidget() is view and view.is_changed():
            if not view.save(apply_language=False):
                event.ignore()
                return
        self.save_geometry()
        event.accept()
