"""Register the bundled CJK font so Chinese renders on machines that have none installed."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from fieldsurvey import paths

FONT_FILE = "DroidSansFallbackFull.ttf"


def install_fonts(app: QApplication) -> str:
    """Load the bundled font and make it the fallback for the app's default family."""
    font_id = QFontDatabase.addApplicationFont(str(paths.resources_dir() / "fonts" / FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return ""
    family = families[0]
    base = app.font()
    QFont.insertSubstitution(base.family(), family)
    base.setFamilies([base.family(), family])
    app.setFont(base)
    return family
