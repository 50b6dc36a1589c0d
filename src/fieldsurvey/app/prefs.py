"""Per-user preferences kept outside any database: window geometry and the last UI language.

The UI language lives in the database too (``ui.language``), so it travels with the data; a
copy here lets the app speak the right language before a database is open (the welcome
dialog, or the message saying a file cannot be opened).
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, QSettings

from fieldsurvey.app.i18n import LANGUAGES

ORGANISATION = "FieldSurvey"
APPLICATION = "FieldSurvey"


def qsettings() -> QSettings:
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


def system_language() -> str:
    return "zh" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def ui_language() -> str:
    lang = str(qsettings().value("ui/language", "") or "")
    return lang if lang in LANGUAGES else system_language()


def set_ui_language(lang: str) -> None:
    qsettings().setValue("ui/language", lang)
