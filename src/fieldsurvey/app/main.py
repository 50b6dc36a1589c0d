"""Start the desktop app: fonts, language, the database (or the first-run welcome), the window."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from fieldsurvey import paths
from fieldsurvey.app.collector import install_collector
from fieldsurvey.app.fonts import install_fonts
from fieldsurvey.app.i18n import LANGUAGES, install_qt_translations, set_language, tr
from fieldsurvey.app.prefs import APPLICATION, ORGANISATION, set_ui_language, ui_language
from fieldsurvey.core.errors import EXIT_OK, EXIT_REFUSED
from fieldsurvey.core.store.models import SETTING_LANGUAGE
from fieldsurvey.core.workspace import Workspace


def application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationDisplayName("FieldSurvey")
    install_collector(app)
    install_qt_translations()
    if not app.property("fieldsurvey_fonts"):
        app.setProperty("fieldsurvey_fonts", install_fonts(app) or "none")
    return app


def apply_language(ws: Workspace) -> str:
    """The database's UI language wins (it travels with the data); remember it for next time."""
    lang = ws.store.get_setting(SETTING_LANGUAGE) or ""
    if lang not in LANGUAGES:
        return ui_language()
    set_language(lang)
    set_ui_language(lang)
    return lang


def install_excepthook() -> None:
    """A mistake in a slot must not vanish into a terminal nobody reads, nor show a traceback:
    log it and tell the person in a sentence."""
    from fieldsurvey.app.ui import show_error

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        logging.getLogger("fieldsurvey").error("unexpected error", exc_info=(kind, exc, tb))
        if isinstance(exc, KeyboardInterrupt):
            QApplication.quit()
            return
        show_error(None, tr("Something went wrong"), exc)

    sys.excepthook = hook


def run_app(db: str | None = None) -> int:
    from fieldsurvey.app.main_window import MainWindow
    from fieldsurvey.app.startup import open_workspace
    from fieldsurvey.app.worker import worker

    app = application()
    install_excepthook()
    set_language(ui_language())
    target: str | Path = db or paths.default_database()
    ws = open_workspace(target)
    if ws is None:
        return EXIT_REFUSED if Path(str(target)).exists() else EXIT_OK
    apply_language(ws)
    window = MainWindow(ws)
    window.show()
    QTimer.singleShot(0, window.offer_recovery)
    try:
        code = app.exec()
    finally:
        worker().shutdown()
        window.ws.close()
    return int(code)
