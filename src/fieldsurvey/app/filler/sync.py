"""Between the answers and the screen: edits go into the state, the state is evaluated, and
only the widgets whose relevance, value, text or problem changed are touched.

Problems show under a question once it has been left (or held a value when the record was
opened); problems that the data itself causes (wrong type, repeat count) show at once. After a
refused finalise every problem shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from fieldsurvey.app.filler.build import Builder, GroupBox
from fieldsurvey.app.filler.context import AnswerContext, filter_key, filtered_choices
from fieldsurvey.app.filler.editors import EditorEnv
from fieldsurvey.app.filler.editors.choices import ChoiceEditor
from fieldsurvey.app.filler.question import QuestionWidget
from fieldsurvey.app.filler.repeats import RepeatWidget
from fieldsurvey.app.filler.state import FillState, RowKey, Slot
from fieldsurvey.app.filler.texts import interpolate, plain
from fieldsurvey.core.forms.model import Choice, Field, Repeat, pick
from fieldsurvey.core.i18n import tr as form_message

ALWAYS_SHOWN = frozenset({"type", "choice", "unknown", "repeat_count"})


@dataclass(frozen=True)
class Issue:
    """A problem as the problems list shows it."""

    path: str
    name: str
    where: str  # "Cooperative 2 › Name of cooperative 2", in the form's language
    message: str


class ViewSync(QObject):
    edited = Signal()  # a person changed the answers
    refreshed = Signal()  # the widgets show the latest evaluation
    restructured = Signal()  # repeat rows were added, removed or moved

    def __init__(self, state: FillState, env: EditorEnv, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.env = env
        self.builder = Builder(self)
        self.widgets: dict[Slot, QWidget] = {}
        self.touched: set[Slot] = set(state.answered_slots())
        self.reveal_all = False
        self.locked = False
        self._by_path: dict[str, QWidget] | None = None
        self._applied_irrelevant: set[str] = set(state.evaluation.irrelevant)
        self._full = True
        self._dynamic: dict[Slot, QuestionWidget] = {}
        self._computed: dict[Slot, Any] = {}
        self._local: set[Slot] = set()
        self._shown: dict[Slot, str] = {}
        self._filter_keys: dict[Slot, tuple[str, ...]] = {}
        self._order = {node.name: i for i, node in enumerate(state.form.walk())}
        self._filtered_fields = [f for f in state.form.fields() if f.choice_filter is not None]
        self.refilter(clear=False)

    # -- registration ----------------------------------------------------------------------
    @property
    def by_path(self) -> dict[str, QWidget]:
        if self._by_path is None:
            self._by_path = {self.state.path(*slot): w for slot, w in self.widgets.items()}
        return self._by_path

    def register(self, widget: QWidget) -> None:
        slot: Slot = widget.slot  # type: ignore[attr-defined]
        self.widgets[slot] = widget
        self._by_path = None
        self._full = True
        if isinstance(widget, QuestionWidget):
            self._init_question(widget)
        elif isinstance(widget, RepeatWidget):
            widget.sync_rows()
        if self.state.path(*slot) in self.state.evaluation.irrelevant:
            widget.set_relevant(False)  # type: ignore[attr-defined]

    def _init_question(self, q: QuestionWidget) -> None:
        f = q.field
        editor = q.editor
        if q.dynamic:
            self._dynamic[q.slot] = q
        q.set_texts(AnswerContext(self.state, q.rows) if q.dynamic else None)
        if editor is None:
            return
        if isinstance(editor, ChoiceEditor):
            editor.set_choices(self._choices_for(f, q.rows))
        if f.calculation is not None:
            value = self.state.typed(q.rows, f.name)
            self._computed[q.slot] = value
            q.set_value(value)
        else:
            q.set_value(self.state.value(q.rows, f.name))
        q.set_locked(self.locked)
        editor.changed.connect(partial(self._edited, q.slot))
        editor.localProblemChanged.connect(partial(self._local_changed, q.slot))

    def unregister_rows(self, prefix: RowKey) -> None:
        n = len(prefix)
        for slot in [s for s in self.widgets if s[0][:n] == prefix]:
            del self.widgets[slot]
            for table in (self._dynamic, self._computed, self._shown, self._filter_keys):
                table.pop(slot, None)
            self._local.discard(slot)
        self._by_path = None

    def build(self, layout: Any, nodes: list, parent: QWidget) -> None:
        """Fill a section page, then bring what was built up to date."""
        self.builder.fill(layout, nodes, (), parent)
        self.apply()

    # -- edits -----------------------------------------------------------------------------
    def _edited(self, slot: Slot, value: Any) -> None:
        if slot in self.widgets and self.state.set_value(*slot, value):
            if self.state.update_one(*slot):
                self.show_messages()  # nothing else reads this answer: only its problems
                self.refreshed.emit()
            else:
                self.update()
            self.edited.emit()

    def _local_changed(self, slot: Slot) -> None:
        q = self.widgets.get(slot)
        if isinstance(q, QuestionWidget) and q.editor is not None and q.editor.local_problem:
            self._local.add(slot)
        else:
            self._local.discard(slot)
        self.show_messages()
        self.refreshed.emit()

    def set_value(self, slot: Slot, value: Any) -> None:
        """A change made for the person (a prefilled answer): model, widget and evaluation."""
        if self.state.set_value(*slot, value):
            q = self.widgets.get(slot)
            if isinstance(q, QuestionWidget):
                q.set_value(value)
            self.update()

    def add_row(self, rows: RowKey, repeat: Repeat) -> None:
        row_id = self.state.add_row(rows, repeat)
        self.update(structural=True)
        self.edited.emit()
        owner = self.widgets.get((rows, repeat.name))
        frame = owner.frames.get(row_id) if isinstance(owner, RepeatWidget) else None
        first = (
            next((w for s, w in self.widgets.items() if s[0] == frame.rows), None)
            if frame is not None
            else None
        )
        if isinstance(first, QuestionWidget):
            first.focus_editor()

    def remove_row(self, rows: RowKey, repeat: Repeat, row_id: str) -> None:
        self.state.remove_row(rows, repeat.name, row_id)
        self.update(structural=True)
        self.edited.emit()

    def move_row(self, rows: RowKey, repeat: Repeat, row_id: str, delta: int) -> None:
        if self.state.move_row(rows, repeat.name, row_id, delta):
            self.update(structural=True)
            self.edited.emit()

    def wanted_rows(self, rows: RowKey, repeat: Repeat) -> int | None:
        return self.state.wanted_rows(rows, repeat) if repeat.repeat_count is not None else None

    def touch(self, slot: Slot) -> None:
        if slot not in self.touched:
            self.touched.add(slot)
            self.show_messages()
            self.refreshed.emit()

    def reveal(self) -> None:
        self.reveal_all = True
        self.show_messages()
        self.refreshed.emit()

    # -- evaluation to screen --------------------------------------------------------------
    def update(self, *, structural: bool = False) -> None:
        state = self.state
        state.evaluate()
        rows_changed = state.sync_repeat_counts()
        if self.refilter(clear=True) or rows_changed:
            state.evaluate()
        repeats = [w for w in self.widgets.values() if isinstance(w, RepeatWidget)]
        if rows_changed or structural:
            self._by_path = None
            for widget in repeats:
                if widget.slot in self.widgets:
                    widget.sync_rows()
            self._full = True
            self.restructured.emit()
        else:
            for widget in repeats:
                if widget.counted:
                    widget.refresh_frames()  # the count decides which rows may be removed
        self.apply()

    def refilter(self, *, clear: bool) -> bool:
        """Re-filter choices whose filter inputs changed; with *clear*, answers no longer on
        offer are cleared, as ODK Collect does. Returns whether any answer was cleared."""
        cleared = False
        for f in self._filtered_fields:
            for rows in list(self.state.field_rows(f)):
                slot = (rows, f.name)
                key = filter_key(self.state, f, rows)
                if self._filter_keys.get(slot) == key:
                    continue
                known = slot in self._filter_keys
                self._filter_keys[slot] = key
                choices = filtered_choices(self.state, f, rows)
                if clear and known:
                    cleared |= self._drop_filtered_out(slot, f, {c.name for c in choices})
                q = self.widgets.get(slot)
                if isinstance(q, QuestionWidget) and isinstance(q.editor, ChoiceEditor):
                    q.editor.set_choices(self._choices_for(f, rows, choices))
        return cleared

    def _drop_filtered_out(self, slot: Slot, f: Field, allowed: set[str]) -> bool:
        value = self.state.value(*slot)
        if value is None:
            return False
        if isinstance(value, list):
            kept = [v for v in value if v in allowed] or None
        else:
            kept = value if value in allowed else None
        if kept == value:
            return False
        self.state.set_value(*slot, kept)
        q = self.widgets.get(slot)
        if isinstance(q, QuestionWidget):
            q.set_value(kept)
        return True

    def _choices_for(
        self, f: Field, rows: RowKey, choices: list[Choice] | None = None
    ) -> list[Choice]:
        """The filtered choices, plus the current answer if the filter hides it, so an
        opened record shows what it holds."""
        if choices is None:
            choices = filtered_choices(self.state, f, rows)
        clist = self.state.form.choice_list(f)
        value = self.state.value(rows, f.name)
        names = {c.name for c in choices}
        for code in value if isinstance(value, list) else [value]:
            extra = clist.get(str(code)) if clist and code is not None else None
            if extra is not None and extra.name not in names:
                choices = [*choices, extra]
        return choices

    def apply(self) -> None:
        ev = self.state.evaluation
        by_path = self.by_path
        if self._full:
            for path, w in by_path.items():
                w.set_relevant(path not in ev.irrelevant)  # type: ignore[attr-defined]
        else:
            for path in ev.irrelevant ^ self._applied_irrelevant:
                w = by_path.get(path)
                if w is not None:
                    w.set_relevant(path not in ev.irrelevant)  # type: ignore[attr-defined]
        self._applied_irrelevant = set(ev.irrelevant)
        for slot, shown in list(self._computed.items()):
            value = self.state.typed(*slot)
            if value != shown or self._full:
                self._computed[slot] = value
                self.widgets[slot].set_value(value)  # type: ignore[attr-defined]
        for slot, q in self._dynamic.items():
            q.set_texts(AnswerContext(self.state, slot[0]))
        self._full = False
        self.show_messages()
        self.refreshed.emit()

    # -- problems --------------------------------------------------------------------------
    def is_shown(self, rule: str, path: str) -> bool:
        if self.reveal_all or rule in ALWAYS_SHOWN:
            return True
        return self.state.slot_of(path) in self.touched

    def local_message(self, slot: Slot) -> str | None:
        q = self.widgets.get(slot)
        if not isinstance(q, QuestionWidget) or q.editor is None or not q.editor.local_problem:
            return None
        if not (q.editor.local_urgent or self.reveal_all or slot in self.touched):
            return None
        key, fields = q.editor.local_problem
        return form_message(key, self.state.lang, **fields)

    def show_messages(self) -> None:
        wanted: dict[Slot, str] = {}
        by_path = self.by_path
        for p in self.state.evaluation.problems:
            w = by_path.get(p.path)
            if w is None or not hasattr(w, "show_problem"):
                continue
            slot = w.slot  # type: ignore[attr-defined]
            if slot not in wanted and self.is_shown(p.rule, p.path):
                wanted[slot] = p.message
        for slot in self._local:
            message = self.local_message(slot)
            if message:
                wanted[slot] = message
        for slot in [s for s in self._shown if s not in wanted]:
            if slot in self.widgets:
                self.widgets[slot].show_problem(None)  # type: ignore[attr-defined]
            del self._shown[slot]
        for slot, message in wanted.items():
            if self._shown.get(slot) != message:
                self.widgets[slot].show_problem(message)  # type: ignore[attr-defined]
                self._shown[slot] = message

    def issues(self) -> list[Issue]:
        """The problems to list, local ones (refused input) first for their question."""
        out: dict[str, Issue] = {}
        for slot in self._local:
            message = self.local_message(slot)
            if message:
                path = self.state.path(*slot)
                out[path] = Issue(path, slot[1], self.describe(path), message)
        for p in self.state.evaluation.problems:
            if p.path not in out and self.is_shown(p.rule, p.path):
                out[p.path] = Issue(p.path, p.name, self.describe(p.path), p.message)
        return sorted(out.values(), key=lambda i: (self._order.get(i.name, 0), i.path))

    def blocking_count(self) -> int:
        """Everything that stops finalising, shown or not."""
        paths = {p.path for p in self.state.evaluation.problems}
        paths |= {self.state.path(*s) for s in self._local if s in self.widgets}
        return len(paths)

    def describe(self, path: str) -> str:
        """Where a problem is, in the form's language: "Cooperative 2 › Type"."""
        form, lang = self.state.form, self.state.lang
        parts = []
        for part in path.split("/")[:-1]:
            name, _, index = part.partition("[")
            node = form.nodes.get(name)
            label = pick(node.labels, lang, form.default_language) if node else ""
            parts.append(f"{plain(label) or name} {index.rstrip(']')}")
        name = path.split("/")[-1]
        node = form.nodes.get(name)
        label = pick(node.labels, lang, form.default_language) if node else ""
        slot = self.state.slot_of(path)
        if slot is not None and "${" in label:
            label = interpolate(label, AnswerContext(self.state, slot[0]))
        parts.append(plain(label) or name)
        return " › ".join(parts)

    # -- language and locking --------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        self.env.lang = lang
        self.state.lang = lang
        self.state.evaluate()
        for slot, w in self.widgets.items():
            if isinstance(w, QuestionWidget):
                w.set_texts(AnswerContext(self.state, slot[0]) if w.dynamic else None)
                if w.editor is not None:
                    w.editor.set_language(lang)
            elif isinstance(w, (GroupBox, RepeatWidget)):
                w.retranslate()
        self._full = True
        self.apply()

    def set_locked(self, locked: bool) -> None:
        self.locked = locked
        for w in self.widgets.values():
            if isinstance(w, QuestionWidget):
                w.set_locked(locked)
                # style sheets read ":read-only" when a widget is polished, not when it changes
                for box in w.findChildren(QWidget):
                    if box.property("readOnly") is not None:
                        box.style().unpolish(box)
                        box.style().polish(box)
            elif isinstance(w, RepeatWidget):
                w.refresh_frames()
