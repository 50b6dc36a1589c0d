"""Import packages: the work on the worker with progress and Cancel, then the merge report.

Each package is verified whole and imported in its own transaction, or refused whole (see
``core.exchange.importer``); Cancel rolls back the package in progress and the rest are
reported as cancelled. More packages can be dropped on the dialog once it is done; the report
then covers every package imported while it was open, and so do the receipts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.import_report import needs_review, report_html
from fieldsurvey.app.package_files import accept_packages, choose_packages, start_folder
from fieldsurvey.app.ui import error_text
from fieldsurvey.app.worker import Job, worker
from fieldsurvey.core.exchange.importer import import_packages, write_receipt


class ImportDialog(QDialog):
    imported = Signal()  # an import finished: the lists are out of date
    reviewRequested = Signal()  # go to the Review page

    def __init__(
        self,
        ws: Any,
        parent: QWidget | None = None,
        *,
        run_import: Callable[..., list[Any]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        self.run_import = run_import or import_packages
        self.job: Job | None = None
        self.outcomes: list[Any] = []
        self.paths: list[Path] = []
        self.setWindowTitle(tr("Import packages"))
        self.setMinimumSize(560, 420)
        self.setAcceptDrops(True)

        intro = QLabel(
            tr(
                "Each package is checked whole before anything in it is imported. A package "
                "that fails a check is refused and changes nothing. Importing a package twice "
                "does no harm."
            )
        )
        intro.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.message = QLabel(tr("Drop packages (.zip) here, or choose them."))
        self.message.setWordWrap(True)
        self.report = QTextBrowser()
        self.report.setObjectName("importReport")
        self.report.setOpenLinks(False)
        self.report.hide()

        self.receipts_button = QPushButton(icon("receipt"), tr("Save receipts…"))
        self.receipts_button.setToolTip(
            tr("A small text file per package for the enumerator who handed it in")
        )
        self.receipts_button.clicked.connect(self.save_receipts)
        self.review_button = QPushButton(icon("review"), tr("Open the Review page"))
        self.review_button.clicked.connect(self._to_review)
        self.more_button = QPushButton(icon("import"), tr("Import more…"))
        self.more_button.clicked.connect(self.import_more)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton(tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.receipts_button, self.review_button):
            buttons.addWidget(button)
            button.hide()
        buttons.addStretch(1)
        for button in (self.more_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        self.cancel_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.report, 1)
        layout.addLayout(buttons)

    # -- importing ---------------------------------------------------------------------------
    def start(self, paths: Sequence[Path | str]) -> None:
        if not paths:
            return
        if self.job is not None:  # one import at a time: the database takes one writer
            self.message.setText(
                tr("Wait until this import has finished, then add the packages again.")
            )
            return
        self.paths = [Path(p) for p in paths]
        ws, run, chosen = self.ws, self.run_import, list(self.paths)
        for button in (self.more_button, self.close_button, self.receipts_button):
            button.hide()
        self.review_button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)  # busy until the first report
        self.progress.show()
        self.message.setText(tr("Importing…"))
        self.job = worker().run(
            lambda job: run(ws, chosen, progress=job.progress, cancelled=job.cancelled),
            owner=self,
            with_job=True,
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
        )

    def _progress(self, done: int, total: int, _what: str) -> None:
        """The core names each step for a log ("a.zip: verifying"); a person reads which
        package it is at and how far along, in the UI language."""
        total = max(total, 1)
        done = min(max(done, 0), total)
        count = max(len(self.paths), 1)
        number = min(done * count // total, count - 1)
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.message.setText(
            tr(
                "Importing {file} ({number} of {count})… {percent}%",
                file=self.paths[number].name if self.paths else "",
                number=number + 1,
                count=count,
                percent=done * 100 // total,
            )
        )

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText(tr("Stopping: the package being imported is rolled back…"))

    def _finish(self) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()
        self.more_button.show()
        self.close_button.show()

    def _done(self, outcomes: list[Any]) -> None:
        self._finish()
        self.outcomes.extend(outcomes)
        reports = [o.as_json() for o in self.outcomes]
        self.report.setHtml(report_html(reports))
        self.report.show()
        self.message.setText(tr("Drop more packages here to import them too."))
        self.receipts_button.setVisible(any(o.package_id for o in self.outcomes))
        self.review_button.setVisible(needs_review(reports))
        self.imported.emit()

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.message.setText(tr("The import stopped: {error}", error=error_text(exc)))
        self.imported.emit()  # packages before the one that failed may be in

    def import_more(self) -> None:
        self.start(choose_packages(self))

    # -- drops -------------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt override)
        accept_packages(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt override)
        self.start(accept_packages(event))

    # -- receipts ----------------------------------------------------------------------------
    def save_receipts(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Save the receipts in"), start_folder())
        if folder:
            self.write_receipts(Path(folder))

    def write_receipts(self, folder: Path) -> None:
        chosen = [o for o in self.outcomes if o.package_id]
        self.receipts_button.setEnabled(False)
        worker().run(
            lambda: [write_receipt(o, folder) for o in chosen],
            owner=self,
            on_done=lambda paths: self._receipts_written(paths, folder),
            on_error=self._receipts_failed,
        )

    def _receipts_written(self, paths: list[Path], folder: Path) -> None:
        self.receipts_button.setEnabled(True)
        self.message.setText(
            tr("Saved {count} receipt(s) in {folder}", count=len(paths), folder=str(folder))
        )

    def _receipts_failed(self, exc: BaseException) -> None:
        self.receipts_button.setEnabled(True)
        self.message.setText(tr("The receipts were not saved: {error}", error=error_text(exc)))

    # -- leaving -----------------------------------------------------------------------------
    def _to_review(self) -> None:
        self.reviewRequested.emit()
        self.accept()

    def reject(self) -> None:
        if self.job is not None:  # closing the window while importing means cancel
            self.cancel()
            return
        super().reject()
