"""Every error message the core can give a person has its Simplified Chinese.

The core writes an error as an English template with ``{fields}`` and keyword values
(``RefusedError("{path} does not exist", path=path)``); the desktop app shows
``exc.localized(lang)``, looked up in ``resources/translations/zh_CN/core_messages.json``. This
scan fails on a template with no translation, on a translation whose fields differ, and on an
f-string or computed message, which no catalogue could translate.
"""

from __future__ import annotations

import ast
import errno
import string
from pathlib import Path

import pytest

import fieldsurvey.core
from fieldsurvey.core.errors import FieldSurveyError, Phrase, RefusedError
from fieldsurvey.core.i18n import core_catalogue
from fieldsurvey.core.workspace import Workspace

CORE = Path(fieldsurvey.core.__file__).resolve().parent
BASE = "FieldSurveyError"


def _trees() -> dict[Path, ast.Module]:
    return {
        path: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for path in sorted(CORE.rglob("*.py"))
    }


def _base_names(node: ast.ClassDef) -> set[str]:
    return {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}


def error_classes(trees: dict[Path, ast.Module]) -> tuple[set[str], set[str]]:
    """Names of FieldSurveyError and its subclasses in the core, and those among them that
    have their own ``__init__`` (their ``super().__init__`` call is checked instead)."""
    classes = [n for tree in trees.values() for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    names = {BASE}
    grown = True
    while grown:
        before = len(names)
        names |= {c.name for c in classes if _base_names(c) & names}
        grown = len(names) > before
    own_init = {
        c.name
        for c in classes
        if c.name in names
        and c.name != BASE
        and any(isinstance(f, ast.FunctionDef) and f.name == "__init__" for f in c.body)
    }
    return names, own_init


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _is_super_init(node: ast.Call) -> bool:
    func = node.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and _called(func.value) == "super"
    )


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def messages() -> tuple[dict[str, list[str]], list[str]]:
    """Templates (with where they are written) and the places that break the rules."""
    trees = _trees()
    names, own_init = error_classes(trees)
    wanted = (names - own_init) | {"Phrase"}
    templates: dict[str, list[str]] = {}
    bad: list[str] = []
    for path, tree in trees.items():
        where_in = path.relative_to(CORE.parent.parent)
        classes = [  # the subclasses' own __init__ (FieldSurveyError's passes on the English)
            n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name in names - {BASE}
        ]
        supers = {
            id(call)
            for cls in classes
            for call in ast.walk(cls)
            if isinstance(call, ast.Call) and _is_super_init(call)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if _called(node) not in wanted and id(node) not in supers:
                continue
            where = f"{where_in}:{node.lineno}"
            first = node.args[0] if node.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                bad.append(
                    f"{where}: the message must be a string literal, not {ast.unparse(first) if first else 'missing'}"
                )
                continue
            template = first.value
            templates.setdefault(template, []).append(where)
            if any(k.arg is None for k in node.keywords):
                continue  # **params: cannot be checked here
            given = {k.arg for k in node.keywords} - {"details", "stored"}
            if given and _fields(template) != given:
                bad.append(
                    f"{where}: fields {sorted(_fields(template))} but values {sorted(given)}"
                )
            if not given and _fields(template):
                bad.append(f"{where}: {template!r} has fields but no values are given")
    return templates, bad


def test_the_scan_finds_the_errors():
    names, own_init = error_classes(_trees())
    assert {"RefusedError", "UsageError", "InvalidDataError", "AmbiguousIdError"} <= names
    assert "FormRejected" in own_init
    templates, _ = messages()
    assert "{path} is open in another FieldSurvey window or process" in templates
    assert len(templates) > 50


def test_every_error_message_is_a_literal_template_with_its_values():
    _, bad = messages()
    assert not bad, "error messages the catalogue cannot translate:\n" + "\n".join(bad)


def test_every_error_message_has_a_chinese_translation():
    templates, _ = messages()
    known = core_catalogue()
    missing = [
        f"{text!r}  ({', '.join(places)})"
        for text, places in templates.items()
        if not known.get(text)
    ]
    assert not missing, (
        f"{len(missing)} error message(s) have no entry in "
        "resources/translations/zh_CN/core_messages.json:\n" + "\n".join(sorted(missing))
    )


def test_chinese_messages_keep_their_fields():
    wrong = [k for k, v in core_catalogue().items() if _fields(k) != _fields(v)]
    assert not wrong, "translations with different {fields}:\n" + "\n".join(wrong)


def test_the_catalogue_holds_no_stale_messages():
    """An entry no code uses is a message that was reworded and lost its translation."""
    templates, _ = messages()
    stale = set(core_catalogue()) - set(templates) - set(REASONS)
    assert not stale, "entries no error uses:\n" + "\n".join(sorted(stale))


# Reasons the operating system or SQLite give, translated where they appear in a message.
REASONS = (
    "No space left on device",
    "Permission denied",
    "Operation not permitted",
    "Read-only file system",
    "No such file or directory",
    "Is a directory",
    "Input/output error",
    "database or disk is full",
    "attempt to write a readonly database",
    "disk I/O error",
    "unable to open database file",
    "file is not a database",
    "database is locked",
)


def test_the_common_reasons_are_translated():
    known = core_catalogue()
    assert [r for r in REASONS if not known.get(r)] == []


# -- behaviour ------------------------------------------------------------------------------


def test_a_locked_database_is_refused_in_chinese_and_english(tmp_path: Path):
    path = tmp_path / "survey.db"
    holder = Workspace.open(path, create=True)
    try:
        with pytest.raises(RefusedError) as info:
            Workspace.open(path, create=False)
    finally:
        holder.close()
    exc = info.value
    shown = str(path.absolute())
    assert exc.message == f"{shown} is open in another FieldSurvey window or process"
    assert str(exc) == exc.message
    assert exc.localized("en") == exc.message
    assert exc.localized("fr") == exc.message  # any other language: English
    zh = exc.localized("zh")
    assert shown in zh and "另一个 FieldSurvey 窗口或进程" in zh
    assert zh == core_catalogue()[exc.template].format(path=shown)


def test_a_message_without_values_keeps_its_braces():
    exc = RefusedError("write it as {name}")
    assert exc.message == "write it as {name}" and exc.params == {}


def test_phrases_and_reasons_are_translated_inside_a_message(tmp_path: Path):
    full = OSError(errno.ENOSPC, "No space left on device")
    exc = RefusedError(
        "{path}: could not write the package ({reason}); nothing was written",
        [Phrase("row {row}: the village code is empty", row=3)],
        path=tmp_path / "pkg.zip",
        reason=full,
    )
    assert exc.message.endswith("(No space left on device); nothing was written")
    assert exc.details == ["row 3: the village code is empty"]
    zh = exc.localized("zh")
    assert "磁盘空间已满" in zh and "No space" not in zh
    assert exc.localized_details("zh") == ["第 3 行：村庄编码为空"]
    assert exc.localized_details("en") == exc.details


def test_a_village_code_already_used_is_refused_in_chinese(tmp_path: Path):
    from fieldsurvey.core.errors import InvalidDataError

    ws = Workspace.open(tmp_path / "survey.db", create=True)
    try:
        ws.add_village(code="SY-TEST-001", name_zh="测试村")
        with pytest.raises(InvalidDataError) as info:
            ws.add_village(code="SY-TEST-001", name_zh="重复")
        with pytest.raises(ValueError):  # still a ValueError for callers that catch one
            ws.add_village(code="SY-TEST-002", latitude=95.0, name_zh="北极村")
    finally:
        ws.close()
    assert info.value.message == "village code 'SY-TEST-001' is already in the registry"
    assert "SY-TEST-001" in info.value.localized("zh") and "村庄编码" in info.value.localized("zh")


def test_a_field_survey_error_is_still_an_exception_with_details():
    exc = FieldSurveyError("{count} problem(s); nothing was saved", ["a: b"], count=2)
    assert exc.args == ("2 problem(s); nothing was saved",)
    assert exc.details == ["a: b"] and exc.localized_details("zh") == ["a: b"]
