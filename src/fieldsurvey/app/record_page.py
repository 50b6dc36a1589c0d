"""The page that holds one open record: a back button, the village, and the form filler.

The filler has its own bar (title, save, finalise, problems, form language); this page only
adds the way back to the lists.

The filler (``fieldsurvey.app.filler``) is imported only when a record is opened. Leaving the
page always flushes the filler first, so typed answers reach the database before it closes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldsurvey.app.i18n import language, tr
from fieldsurvey.app.icons import icon
from fieldsurvey.app.navigation import OpenRequest
from fieldsurvey.core import queries


def village_title(ws: Any, code: str | None) -> str:
    if not code:
        return ""
    with ws.store.session(write=False) as s:
        row = queries.village(session=s, code=code)
    if row is None:
        return code
    names = [row.name_zh, row.name_en] if language() == "en" else [row.name_zh]
    return " ".join(n for n in names if n) or code


class RecordPage(QWidget):
    closed = Signal()  # the user went back
    reviewRequested = Signal(str)  # record id: resolve its conflicts on the Review page
    changed = Signal()  # a save or finalise changed the lists
    status = Signal(str)

    def __init__(
        self,
        ws: Any,
        request: OpenRequest,
        *,
        form_lang: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from fieldsurvey.app.filler import FormFiller  # raises ImportError if absent

        self.ws = ws
        self.request = request
        self.filler = FormFiller(
            ws,
            form_id=request.form_id,
            record_id=request.record_id,
            village_code=request.village_code,
            answers=request.answers,
            form_lang=form_lang,
        )
        self.back_button = QPushButton(icon("back"), tr("Back"))
        self.back_button.setToolTip(tr("Keep the answers and go back to the list (Alt+Left)"))
        self.back_button.clicked.connect(self.go_back)
        back = QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self)
        back.activated.connect(self.go_back)
        self.place = QLabel(village_title(ws, request.village_code))
        self.place.setObjectName("recordPlace")
        self.place.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.review_button = QPushButton(icon("review"), tr("Resolve on the Review page"))
        self.review_button.clicked.connect(self._to_review)
        self.review_button.setVisible(bool(self.filler.conflicts))

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.back_button)
        bar.addWidget(self.place, 1)
        bar.addWidget(self.review_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(self.filler, 1)

        if self.filler.conflicts:
            self.filler.banner.say(
                tr(
                    "Two laptops changed {count} answer(s) of this record differently. It is "
                    "read-only until a coordinator chooses which values to keep, on the "
                    "Review page.",
                    count=self.filler.conflicts,
                ),
                "error",
            )
        elif request.recovered_from:
            self.filler.banner.say(
                tr(
                    "Recovered answers: FieldSurvey closed before they were saved. "
                    "Check them, then save."
                )
            )
        elif request.dropped:
            self.filler.banner.say(
                tr(
                    "A copy from an older version of the form. Not copied, because this version "
                    "no longer asks them: {names}",
                    names=", ".join(request.dropped),
                )
            )
        self.filler.saved.connect(self._saved)
        self.filler.finalised.connect(self._finalised)
        self.problem_count = 0
        self.filler.problemsChanged.connect(self._problems)

    def _problems(self, count: int) -> None:
        self.problem_count = count

    def _saved(self, record_id: str) -> None:
        self._forget_recovered(record_id)
        if self.filler.demoted:  # said where it is seen after Back too
            self.status.emit(
                tr(
                    "Saved as a draft: the edited record has problems, so it is no longer "
                    "complete and will not be exported until it is finalised again."
                )
            )
        else:
            self.status.emit(tr("Saved"))
        self.changed.emit()

    def _finalised(self, record_id: str) -> None:
        self._forget_recovered(record_id)
        self.status.emit(tr("Record finalised"))
        self.changed.emit()

    def _forget_recovered(self, record_id: str) -> None:
        old = self.request.recovered_from
        if old and old != record_id:
            self.ws.discard_autosave(old)

    @property
    def record_id(self) -> str | None:
        return getattr(self.filler, "record_id", None)

    def save_draft(self) -> bool:
        return bool(self.filler.save_draft())

    def finalise(self) -> bool:
        return bool(self.filler.finalise())

    def flush(self) -> None:
        self.filler.flush()

    def focus_start(self) -> None:
        self.filler.focus_start()

    def finish(self) -> None:
        """Flush (raises if the answers cannot be written, so the page can stay open), then
        close the filler, which keeps unsaved edits as a draft revision."""
        self.filler.flush()
        self.filler.close()

    def _to_review(self) -> None:
        if self.record_id:
            self.reviewRequested.emit(self.record_id)

    def go_back(self) -> None:
        """The window flushes the filler as it takes the page away."""
        self.closed.emit()
