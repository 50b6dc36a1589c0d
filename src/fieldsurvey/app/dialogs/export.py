"""Export a package: options, then the work on the worker with progress and Cancel."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import ModuleType
from typing import Any

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldsurvey.app.i18n import language, tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.models import form_title
from fieldsurvey.app.ui import confirm, error_text
from fieldsurvey.app.worker import Job, worker


def default_package_path(device_name: str) -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    base = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    device = re.sub(r"[^A-Za-z0-9_-]+", "-", device_name).strip("-") or "device"
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M")
    return base / f"fieldsurvey-{device}-{stamp}.zip"


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


class ExportDialog(QDialog):
    def __init__(self, ws: Any, module: ModuleType, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws = ws
        self.module = module
        self.job: Job | None = None
        self.result_value: Any = None
        self.setWindowTitle(tr("Export package"))
        self.setMinimumWidth(560)

        self.path = QLineEdit(str(default_package_path(ws.device_name)))
        browse = QPushButton(icon("folder"), tr("Choose…"))
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        self.since_last = QCheckBox(tr("Only records changed since the last export"))
        self.since_last.setChecked(True)
        self.form = QComboBox()
        self.form.addItem(tr("All forms"), None)
        for fd in sorted({d.form_id for d in ws.form_defs()}):
            self.form.addItem(form_title(ws, fd, language()), fd)
        self.status = QComboBox()
        self.status.addItem(tr("Finalised records only"), "complete")
        self.status.addItem(tr("Finalised records and drafts"), "all")
        self.lang = QComboBox()
        self.lang.addItem("English", "en")
        self.lang.addItem("简体中文", "zh")
        self.lang.setCurrentIndex(max(self.lang.findData(language()), 0))
        self.labels = QCheckBox(tr("Write answer labels instead of codes in the CSV tables"))
        self.group_paths = QCheckBox(tr("Put group names in the CSV column headers"))
        self.group_paths.setToolTip(tr("As KoboToolbox's “include groups in headers” option"))
        form = QFormLayout()
        form.addRow(tr("Save as"), path_row)
        form.addRow("", self.since_last)
        form.addRow(tr("Form"), self.form)
        form.addRow(tr("Records"), self.status)
        form.addRow(tr("Language of labels"), self.lang)
        form.addRow("", self.labels)
        fields = getattr(self.module.ExportOptions, "__dataclass_fields__", {})
        self.has_group_paths = "group_paths" in fields
        self.has_overwrite = "overwrite" in fields
        self.replace_ok = ""  # the existing file the person agreed to replace
        if self.has_group_paths:
            form.addRow("", self.group_paths)
        self.options = QWidget()
        self.options.setLayout(form)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.message = QLabel(" ")
        self.message.setWordWrap(True)
        self.start_button = QPushButton(icon("export"), tr("Export"))
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(tr("Cancel"))
        self.cancel_button.clicked.connect(self._cancel)
        self.folder_button = QPushButton(icon("folder"), tr("Open folder"))
        self.folder_button.clicked.connect(self.open_folder)
        self.folder_button.hide()
        self.close_button = QPushButton(tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.folder_button, self.start_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addWidget(self.close_button)
        self.cancel_button.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.options)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Save the package as"), self.path.text(), tr("Packages (*.zip)")
        )
        if path:
            self.path.setText(path if path.endswith(".zip") else path + ".zip")
            if Path(path).exists():  # the file dialog has asked "replace?" already
                self.replace_ok = str(Path(path).expanduser())

    def export_options(self) -> Any:
        options = {
            "out": Path(self.path.text().strip()).expanduser(),
            "since_last": self.since_last.isChecked(),
            "form_id": self.form.currentData(),
            "status": self.status.currentData(),
            "lang": self.lang.currentData(),
            "labels": self.labels.isChecked(),
        }
        if self.has_group_paths and self.group_paths.isChecked():
            options["group_paths"] = True
        if self.has_overwrite and self.replace_ok == str(options["out"]):
            options["overwrite"] = True
        return self.module.ExportOptions(**options)

    def ask_replace(self, out: Path) -> bool:
        """A package of the same name may be another laptop's, on a shared stick: replacing it
        is asked, with Cancel the default."""
        return confirm(
            self,
            tr("Replace the package?"),
            tr(
                "{path} already exists. It may be a package from another laptop. "
                "Replace it with this export?",
                path=out,
            ),
            tr("Replace"),
        )

    def path_problem(self) -> str:
        """What is wrong with the file name typed, in the UI language ("" if nothing); a
        name without ".zip" gets it. The core checks again, in English, for the CLI."""
        text = self.path.text().strip()
        if not text:
            return tr("Choose where to save the package.")
        if not text.lower().endswith(".zip"):
            text += ".zip"
            self.path.setText(text)
        out = Path(text).expanduser()
        if out.is_dir():
            return tr("{path} is a folder. Give the package a file name ending in .zip.", path=out)
        if not out.parent.is_dir():
            return tr(
                "The folder {folder} does not exist. Choose another place for the package.",
                folder=out.parent,
            )
        if out.exists() and self.replace_ok != str(out):
            if not self.ask_replace(out):
                return tr("{path} was kept. Give the package another name.", path=out)
            self.replace_ok = str(out)
        return ""

    def start(self) -> None:
        problem = self.path_problem()
        if problem:
            self.message.setText(problem)
            return
        options = self.export_options()
        ws, export = self.ws, self.module.export_package
        self.options.setEnabled(False)
        self.start_button.hide()
        self.close_button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.progress.show()
        self.progress.setRange(0, 0)  # busy until the first report
        self.message.setText(tr("Exporting…"))
        self.job = worker().run(
            lambda job: export(ws, options, progress=job.progress, cancelled=job.cancelled),
            owner=self,
            with_job=True,
            on_done=self._done,
            on_error=self._failed,
            on_progress=self._progress,
        )

    def _progress(self, done: int, total: int, _message: str) -> None:
        """The core names each step for a log ("records.jsonl", "sheet 3f2a9c1e"); a person
        reads how far along it is, in the UI language."""
        total = max(total, 1)
        done = min(max(done, 0), total)
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.message.setText(tr("Exporting… {percent}%", percent=done * 100 // total))

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText(tr("Stopping…"))

    def _finish(self) -> None:
        self.job = None
        self.cancel_button.hide()
        self.close_button.show()
        self.progress.setRange(0, 1)

    def _done(self, result: Any) -> None:
        self._finish()
        self.result_value = result
        self.progress.setValue(1)
        self.folder_button.show()
        self.message.setText(
            tr(
                "Exported {records} records ({size}) to {path}",
                records=getattr(result, "records", 0),
                size=human_size(int(getattr(result, "bytes", 0) or 0)),
                path=str(getattr(result, "path", "")),
            )
        )

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.progress.hide()
        self.options.setEnabled(True)
        self.start_button.show()
        cancelled = getattr(self.module, "ExportCancelled", ())
        nothing = getattr(self.module, "NothingToExport", ())
        if cancelled and isinstance(exc, cancelled):
            self.message.setText(tr("Export cancelled; no package was written."))
        elif nothing and isinstance(exc, nothing):
            self.message.setText(self.nothing_text())
        else:
            self.message.setText(tr("The package was not exported: {error}", error=error_text(exc)))

    def nothing_text(self) -> str:
        if self.since_last.isChecked():
            return tr(
                "Nothing new to export: the records chosen are all in an earlier package "
                "already. To export them again, untick “Only records changed since the last "
                "export”. No file was written."
            )
        return tr("Nothing to export: no records match these choices. No file was written.")

    def open_folder(self) -> None:
        path = Path(getattr(self.result_value, "path", "") or self.path.text())
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent))):
            # no file manager to hand it to: say where the package is rather than nothing
            self.message.setText(
                tr(
                    "The folder could not be opened on this computer. The package is {path}",
                    path=str(path),
                )
            )

    def reject(self) -> None:
        if self.job is not None:  # closing the window while exporting means cancel
            self._cancel()
            return
        super().reject()
