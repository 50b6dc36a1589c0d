"""FormFiller: fill any XLSForm, built from its form tree, with autosave and finalising.

The answers live in a FillState; ViewSync keeps the widgets in step with each evaluation;
FormBody shows the sections and the problems list. This module is the frame around them: the
bar on top, the form language, autosave and saving, and the public API the main window uses.
"""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from fieldsurvey.app.filler.body import FormBody
from fieldsurvey.app.filler.chrome import (
    FINALISE_KEYS,
    NEXT_KEYS,
    PREVIOUS_KEYS,
    Banner,
    TopBar,
    is_save_key,
)
from fieldsurvey.app.filler.editors import EditorEnv
from fieldsurvey.app.filler.focus import question_of
from fieldsurvey.app.filler.media import media_root
from fieldsurvey.app.filler.persistence import RecordSaver, find_record
from fieldsurvey.app.filler.prefill import prefill
from fieldsurvey.app.filler.question import QuestionWidget
from fieldsurvey.app.filler.state import FillState
from fieldsurvey.app.filler.sync import ViewSync
from fieldsurvey.app.i18n import language, tr
from fieldsurvey.app.labels import status_text
from fieldsurvey.app.ui import error_text
from fieldsurvey.core.forms.model import Form
from fieldsurvey.core.workspace import Workspace

AUTOSAVE_IDLE_MS = 2000  # after this long without an edit, the answers are autosaved
DRAFT = "draft"
REVIEWED = ("approved", "rejected")


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M")


def first_language(form: Form, wanted: str | None) -> str:
    """The form language to start in: the one asked for, else the UI's, else the form's."""
    langs = form.languages
    for lang in (wanted, language(), form.default_language):
        if lang and (lang in langs or not langs):
            return lang
    return langs[0] if langs else ""


class FormFiller(QWidget):
    saved = Signal(str)  # record id, after each save (draft or final)
    finalised = Signal(str)  # record id
    problemsChanged = Signal(int)  # problems listed in the problems panel

    def __init__(
        self,
        ws: Workspace,
        *,
        form_id: str,
        record_id: str | None = None,
        village_code: str | None = None,
        answers: dict | None = None,
        form_lang: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ws = ws
        record = find_record(ws, record_id)
        self.record_id: str = record.id if record else (record_id or str(uuid.uuid4()))
        self.form = ws.form(record.form_id, record.form_version) if record else ws.form(form_id)
        self.status = record.status if record else DRAFT
        # fields two laptops changed differently: the record waits for a coordinator's choice
        # on the Review page, and the store refuses to save it meanwhile
        self.conflicts = int(getattr(record, "conflicts", 0) or 0) if record else 0
        recovered = answers is not None
        start = copy.deepcopy(answers) if recovered else (record.answers_dict() if record else {})
        village = village_code or (record.village_code if record else None)
        self.state = FillState(self.form, start, first_language(self.form, form_lang))
        if record is None:
            prefill(self.state, village, enumerator=ws.enumerator, device=ws.device_id)
        self.env = EditorEnv(
            self.form, self.state.lang, media_root(ws) / self.record_id, self.record_id
        )
        self.sync = ViewSync(self.state, self.env, self)
        self.saver = RecordSaver(
            ws, self.form, self.record_id, exists=record is not None, village=village
        )
        self._read_only = (self.status != DRAFT and not recovered) or self.conflicts > 0
        self._unsaved = recovered  # edits not yet in a revision
        self._unautosaved = recovered  # edits not yet in the autosave slot
        self._issue_count = -1
        self._announced = False
        self._refused = False  # the banner says why finalising was refused: keep it current
        self.demoted = False  # the last save turned a complete record back into a draft
        self._build()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_IDLE_MS)
        self.timer.timeout.connect(self._flush_quietly)
        self.sync.edited.connect(self._edited)
        self.sync.refreshed.connect(self._refreshed)
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.sync.set_locked(self._read_only)
        self._update_mode()
        if self._unsaved:  # a copy or recovered work: nothing of it is in a revision yet
            self._set_status(tr("Unsaved changes"))
        self.go_to_section(0)
        self._refreshed()

    # -- building --------------------------------------------------------------------------
    def _build(self) -> None:
        self.top = TopBar(self)
        self.banner = Banner(self)
        self.body = FormBody(self.sync, self)
        # the parts tests and the main window reach for
        self.nav, self.pages, self.panel = self.body.nav, self.body.pages, self.body.panel
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.top)
        column.addWidget(self.banner)
        column.addWidget(self.body, 1)
        self._fill_languages()
        self._retitle()
        self.top.lang.currentIndexChanged.connect(
            lambda i: self.set_form_language(self.top.lang.itemData(i))
        )
        self.top.problems.toggled.connect(self.body.set_panel_visible)
        self.top.edit.clicked.connect(self.edit)
        self.top.save.clicked.connect(self.save_draft)
        self.top.finalise.clicked.connect(self.finalise)
        self.body.sectionChanged.connect(self._flush_quietly)
        for keys, slot in (
            (FINALISE_KEYS, self.finalise),
            (NEXT_KEYS, lambda: self.body.step(1)),
            (PREVIOUS_KEYS, lambda: self.body.step(-1)),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _fill_languages(self) -> None:
        langs = self.form.languages
        with QSignalBlocker(self.top.lang):
            self.top.lang.clear()
            for code in langs:
                name = self.form.language_names.get(code) or code or tr("Default language")
                self.top.lang.addItem(name, code)
            self.top.lang.setCurrentIndex(max(self.top.lang.findData(self.state.lang), 0))
        self.top.lang.setVisible(len(langs) > 1)
        self.top.lang_label.setVisible(len(langs) > 1)

    def _retitle(self) -> None:
        self.top.title.setText(self.form.title_in(self.state.lang))
        self.body.retitle()

    # -- public API ------------------------------------------------------------------------
    def is_read_only(self) -> bool:
        return self._read_only

    def answers(self) -> dict[str, Any]:
        """A copy of the answers as they stand (what a save would store)."""
        return copy.deepcopy(self.state.answers)

    def set_form_language(self, lang: str) -> None:
        if lang is None or (self.form.languages and lang not in self.form.languages):
            return  # "" is a language: the columns without one (ODK's "default")
        with QSignalBlocker(self.top.lang):
            self.top.lang.setCurrentIndex(max(self.top.lang.findData(lang), 0))
        if lang == self.state.lang:
            return
        self.sync.set_language(lang)
        self._retitle()
        self._refreshed()

    def flush(self) -> None:
        """Autosave pending edits now (the window calls this when it closes). Raises when
        they cannot be written, so the caller can keep the form open."""
        self.timer.stop()
        if not self._unautosaved or self._read_only:
            return
        try:
            self.saver.autosave(self.state.answers)
        except Exception as exc:
            self.banner.say(tr("Could not autosave: {reason}", reason=exc), "error")
            raise
        self._unautosaved = False
        self._set_status(tr("Autosaved at {time}", time=_now()))

    def _flush_quietly(self) -> None:
        """For the idle timer and section changes: a failure is on the banner; a full disk
        must not take the form down with it."""
        try:
            self.flush()
        except Exception:  # noqa: S110 (already shown to the person)
            pass

    def save_draft(self) -> bool:
        """Save a revision. A final record being edited stays final only if it still passes;
        otherwise it becomes a draft again, and the banner says so."""
        if self._read_only:
            return False
        self.timer.stop()
        was_final = self.status != DRAFT
        keep_final = was_final and self.sync.blocking_count() == 0
        if not self._store(complete=keep_final):
            return False
        self._refused = False
        self.demoted = was_final and not keep_final
        if self.demoted:
            self.banner.say(tr("Saved as a draft: fix the problems, then finalise again."))
        else:
            self.banner.hide()
        self.saved.emit(self.record_id)
        return True

    def finalise(self) -> bool:
        if self._read_only:
            return False
        self.timer.stop()
        count = self.sync.blocking_count()
        if count:
            self._refused = True
            self.sync.reveal()
            self.top.problems.setChecked(True)
            issues = self.sync.issues()
            if issues:
                self.go_to(issues[0].path)
            self._say_refused(count)
            return False
        if not self._store(complete=True):
            return False
        self._refused = False
        self._read_only = True
        self.sync.set_locked(True)
        self._update_mode()
        self.banner.say(tr("Finalised. Press Edit to change it."), "ok")
        self.saved.emit(self.record_id)
        self.finalised.emit(self.record_id)
        return True

    def _say_refused(self, count: int) -> None:
        if count:
            text = tr(
                "Not finalised: {count} problem(s) to fix first, listed on the right.",
                count=count,
            )
            self.banner.say(text, "error")
        else:
            self._refused = False
            self.banner.say(tr("Every problem is fixed: you can finalise now."), "ok")

    def edit(self) -> None:
        """Unlock a final record; the next save makes a new revision. A record with conflicts
        stays locked: its values are chosen on the Review page."""
        if not self._read_only or self.conflicts:
            return
        self._read_only = False
        self.sync.set_locked(False)
        self._update_mode()
        if self.status in REVIEWED:
            self.banner.say(
                tr(
                    "Editing a reviewed record: saving makes it complete again, and it needs "
                    "a new review."
                )
            )
        else:
            self.banner.say(tr("Editing a complete record: saving makes a new revision."))

    # -- saving ----------------------------------------------------------------------------
    def _store(self, *, complete: bool) -> bool:
        try:
            saved = self.saver.save(copy.deepcopy(self.state.answers), complete=complete)
        except Exception as exc:
            self._unautosaved = True
            self._flush_quietly()  # whatever the store refused, the work itself is kept
            # the core's reason with its details, or a locked or full disk in plain words
            self.banner.say(tr("Not saved: {reason}", reason=error_text(exc)), "error")
            return False
        self.status = saved.record.status
        self.top.show_saving(final=self.status != DRAFT)
        self._unsaved = self._unautosaved = False
        self._set_status(tr("Saved at {time}", time=_now()))
        return True

    def _edited(self) -> None:
        self._unsaved = self._unautosaved = True
        self.timer.start()
        self._set_status(tr("Unsaved changes"))

    def _set_status(self, note: str) -> None:
        state = status_text("conflict" if self.conflicts else self.status)
        self.top.status.setText(f"{state} · {note}" if note else state)

    def _update_mode(self) -> None:
        ro = self._read_only
        self.top.edit.setVisible(ro and not self.conflicts)
        self.top.save.setVisible(not ro)
        self.top.finalise.setVisible(not ro)
        self.top.show_saving(final=self.status != DRAFT)
        self._set_status(tr("Read only") if ro else "")

    def event(self, event: QEvent) -> bool:
        """Ctrl+S is claimed before shortcuts are looked up, so a window that binds Ctrl+S
        too (the record page does) does not make it ambiguous while the cursor is in the form."""
        if event.type() == QEvent.Type.ShortcutOverride and is_save_key(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if is_save_key(event):
            event.accept()
            self.save_draft()
            return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        """Say the problem count once more when first shown: whoever holds the filler has
        connected to problemsChanged by then (a reopened draft may start with problems)."""
        super().showEvent(event)
        if not self._announced:
            self._announced = True
            self.problemsChanged.emit(self._issue_count)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not self._read_only and self._unsaved:
            self.save_draft()
        self._flush_quietly()
        super().closeEvent(event)

    # -- sections and problems -------------------------------------------------------------
    def go_to_section(self, index: int) -> None:
        self.body.go_to_section(index)

    def focus_start(self) -> None:
        """Where the cursor goes when the record opens: the first empty answer of the section
        shown (typing can start at once), or the section list for a read-only record."""
        page = self.pages[max(self.body.current, 0)]
        if self._read_only or not page.focus_first(unanswered=True):
            self.nav.setFocus(Qt.FocusReason.OtherFocusReason)

    def go_to(self, path: str) -> None:
        """Show the question at *path* (``cooperative[2]/coop_name``) and put the cursor in it."""
        self.body.go_to(path)

    def question(self, path: str) -> QuestionWidget | None:
        """The question widget at *path*, building its section if needed (for tests/tools)."""
        return self.body.question(path)

    def _refreshed(self) -> None:
        issues = self.sync.issues()
        if self._refused:  # the count on the banner follows the fixes
            self._say_refused(self.sync.blocking_count())
        self.body.show_issues(issues)
        if len(issues) != self._issue_count:
            self._issue_count = len(issues)
            self.top.problems.setText(tr("Problems ({count})", count=len(issues)))
            self.problemsChanged.emit(len(issues))

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        left, entered = question_of(old, self), question_of(new, self)
        if left is not None and left is not entered:
            self.sync.touch(left.slot)  # type: ignore[attr-defined]
        if new is not None:
            self.body.follow_focus(new)
