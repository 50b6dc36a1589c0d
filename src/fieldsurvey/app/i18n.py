"""UI text in English or Simplified Chinese.

Every user-facing string in the app is written as ``tr("English text")``; the Chinese comes
from the JSON catalogues in ``resources/translations/zh_CN/`` (one file per area of the app,
merged at start). A test scans the app for ``tr("...")`` calls and fails on any string that has
no translation, so a new label cannot ship untranslated.
"""

from __future__ import annotations

import json
from functools import lru_cache

from fieldsurvey import paths

LANGUAGES = {"en": "English", "zh": "简体中文"}
_state = {"lang": "en"}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = paths.resources_dir() / "translations" / "zh_CN"
    for file in sorted(folder.glob("*.json")):
        merged.update(json.loads(file.read_text(encoding="utf-8")))
    return merged


def set_language(lang: str) -> None:
    _state["lang"] = lang if lang in LANGUAGES else "en"
    install_qt_translations()


_qt: dict[str, object] = {}


def install_qt_translations() -> None:
    """Qt's own words (OK and Cancel in message boxes, the file dialog, a text box's Cut and
    Paste menu) in the UI language, from the translations PySide6 ships."""
    from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

    app = QCoreApplication.instance()
    if app is None:
        return  # installed by the app's start, once there is an application
    old = _qt.pop("translator", None)
    if old is not None:
        app.removeTranslator(old)  # type: ignore[arg-type]
    if _state["lang"] != "zh":
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load("qtbase_zh_CN", folder):
        app.installTranslator(translator)
        _qt["translator"] = translator


def language() -> str:
    return _state["lang"]


def tr(text: str, **fields: object) -> str:
    """*text* in the UI language, with ``{name}`` fields filled in."""
    if _state["lang"] == "zh":
        text = catalogue().get(text, text)
    return text.format(**fields) if fields else text
