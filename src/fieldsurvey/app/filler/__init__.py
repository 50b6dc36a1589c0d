"""The form filler: a widget built from the form tree for any XLSForm."""

from fieldsurvey.app.filler.filler import AUTOSAVE_IDLE_MS, FormFiller

__all__ = ["AUTOSAVE_IDLE_MS", "FormFiller"]
