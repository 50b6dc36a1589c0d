"""Small shared pieces of UI: plain error messages, confirmations, a debounce timer."""

from __future__ import annotations

import errno
import logging
import os
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QTimer
from PySide6.QtWidgets import QAbstractItemView, QLabel, QMessageBox, QTableView, QWidget

from fieldsurvey.app.i18n import language, tr
from fieldsurvey.core.errors import FieldSurveyError

log = logging.getLogger(__name__)
MAX_DETAILS = 12


def error_text(exc: BaseException) -> str:
    """A sentence for a person, in the UI language: the core's message and its details, never
    a traceback."""
    if isinstance(exc, FieldSurveyError):
        lang = language()
        details = exc.localized_details(lang)
        lines = [exc.localized(lang), *details[:MAX_DETAILS]]
        if len(details) > MAX_DETAILS:
            lines.append(tr("… and {count} more", count=len(details) - MAX_DETAILS))
        return "\n".join(lines)
    if isinstance(exc, OSError):
        return os_error_text(exc)
    if isinstance(exc, (ValueError, LookupError)):
        return str(exc)
    log.error("unexpected error", exc_info=exc)
    return tr("Something went wrong: {error}", error=str(exc) or type(exc).__name__)


def os_error_text(exc: OSError) -> str:
    """A full drive, a missing permission or a write-protected USB stick in plain words, with
    the file when it is known; any other system error as the system words it."""
    file = os.fspath(exc.filename) if isinstance(exc.filename, (str, os.PathLike)) else None
    if exc.errno == errno.ENOSPC:
        if file:
            return tr("The drive is full: {file} could not be written.", file=file)
        return tr("The drive is full. Free some space and try again.")
    if exc.errno in (errno.EACCES, errno.EPERM):
        if file:
            return tr("You do not have permission to use {file}.", file=file)
        return tr("You do not have permission to do this.")
    if exc.errno == errno.EROFS:
        if file:
            return tr(
                "{file} is on a read-only drive (a locked USB stick, say); nothing could be "
                "written there.",
                file=file,
            )
        return tr("The drive is read-only (a locked USB stick, say); nothing could be written.")
    return str(exc)


def show_error(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    text = exc if isinstance(exc, str) else error_text(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str) -> bool:
    """Ask before something that cannot be undone (deleting a draft, discarding recovered
    answers). Cancel is the default: Enter pressed out of habit must not destroy work."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    ok = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is ok


def debounce(parent: QWidget, msecs: int, fn: Callable[[], None]) -> QTimer:
    """A single-shot timer: ``.start()`` on each keystroke, *fn* runs once typing pauses."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(msecs)
    timer.timeout.connect(fn)
    return timer


def list_table(model: QAbstractItemModel, name: str = "", *, stripes: bool = True) -> QTableView:
    """A read-only list of rows, one selected at a time, that Tab leaves (arrows move in it):
    how every list in the app behaves."""
    table = QTableView()
    if name:
        table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(stripes)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    return table


def page_heading(text: str) -> QLabel:
    """The large bold title at the top of a page."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.4)
    font.setBold(True)
    label.setFont(font)
    return label
