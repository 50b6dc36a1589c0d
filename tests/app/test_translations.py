"""Every ``tr("...")`` in the app has its Chinese, and every ``tr()`` is given a literal."""

from __future__ import annotations

import ast
from pathlib import Path

import fieldsurvey.app
from fieldsurvey.app.i18n import catalogue

APP = Path(fieldsurvey.app.__file__).resolve().parent


def tr_calls(root: Path = APP) -> tuple[dict[str, list[str]], list[str]]:
    """Literal texts (with where they are used) and the places that pass a non-literal."""
    texts: dict[str, list[str]] = {}
    bad: list[str] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name != "tr":
                continue
            where = f"{path.relative_to(APP.parent.parent)}:{node.lineno}"
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                texts.setdefault(first.value, []).append(where)
            else:
                bad.append(where)
    return texts, bad


def test_every_tr_call_has_a_literal_text():
    _, bad = tr_calls()
    assert not bad, "tr() must be called with a string literal:\n" + "\n".join(bad)


def test_every_ui_text_has_a_chinese_translation():
    texts, _ = tr_calls()
    assert texts, "no tr() calls found: is the scan looking in the right folder?"
    known = catalogue()
    missing = [
        f"{text!r}  ({', '.join(places)})" for text, places in texts.items() if not known.get(text)
    ]
    assert not missing, (
        f"{len(missing)} UI text(s) have no entry in resources/translations/zh_CN/*.json:\n"
        + "\n".join(sorted(missing))
    )


def test_translations_keep_their_fields():
    """A Chinese text must use the same {fields} as its English, or format() fails at run time."""
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    wrong = [k for k, v in catalogue().items() if v and fields(k) != fields(v)]
    assert not wrong, "translations with different {fields}:\n" + "\n".join(wrong)


def test_qt_own_words_follow_the_ui_language(qapp):
    """OK in a message box, the file dialog and a text box's menu are Qt's own words."""
    from PySide6.QtCore import QCoreApplication

    from fieldsurvey.app.i18n import set_language

    set_language("zh")
    try:
        assert QCoreApplication.translate("QPlatformTheme", "OK") == "确定"
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        set_language("en")
    assert QCoreApplication.translate("QPlatformTheme", "OK") == "OK"
