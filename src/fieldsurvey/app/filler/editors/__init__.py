"""One editor per question type, chosen from a table (and appearance), not an if-chain."""

from __future__ import annotations

from fieldsurvey.app.filler.editors.base import EditorEnv, FieldEditor
from fieldsurvey.app.filler.editors.choices import (
    CheckEditor,
    ComboEditor,
    RadioEditor,
    SearchComboEditor,
)
from fieldsurvey.app.filler.editors.geopoint import POOR_ACCURACY_M, GeopointEditor
from fieldsurvey.app.filler.editors.image import ImageEditor
from fieldsurvey.app.filler.editors.numbers import NumberEditor
from fieldsurvey.app.filler.editors.simple import AcknowledgeEditor, DisplayEditor, RangeEditor
from fieldsurvey.app.filler.editors.temporal import DateEditor, TimeEditor
from fieldsurvey.app.filler.editors.text import MultilineEditor, TextEditor
from fieldsurvey.core.forms.model import Field
from fieldsurvey.core.forms.types import METADATA_TYPES

__all__ = ["POOR_ACCURACY_M", "EditorEnv", "FieldEditor", "editor_class", "is_shown"]

EDITORS: dict[str, type[FieldEditor]] = {
    "text": TextEditor,
    "integer": NumberEditor,
    "decimal": NumberEditor,
    "select_one": RadioEditor,
    "select_multiple": CheckEditor,
    "select_one_from_file": SearchComboEditor,
    "date": DateEditor,
    "dateTime": DateEditor,
    "time": TimeEditor,
    "geopoint": GeopointEditor,
    "image": ImageEditor,
    "acknowledge": AcknowledgeEditor,
    "range": RangeEditor,
    "calculate": DisplayEditor,
}

# (type, appearance word) -> editor, where an appearance changes the widget
APPEARANCES: dict[tuple[str, str], type[FieldEditor]] = {
    ("text", "multiline"): MultilineEditor,
    ("select_one", "minimal"): ComboEditor,
    ("select_one", "autocomplete"): SearchComboEditor,
    ("select_one", "search"): SearchComboEditor,
}


def is_shown(field: Field) -> bool:
    """Metadata is never shown; a calculation only when the form gives it a label."""
    if field.kind in METADATA_TYPES:
        return False
    if field.kind == "calculate":
        return any(field.labels.values())
    return True


def editor_class(field: Field) -> type[FieldEditor] | None:
    """The editor for *field*; None for notes, which are all label."""
    if field.kind == "note":
        return None
    for word in field.appearance.split():
        found = APPEARANCES.get((field.kind, word))
        if found is not None:
            return found
    return EDITORS.get(field.kind, DisplayEditor)
