"""XLSForm question types and column names, as tables rather than if-chains.

Aliases follow pyxform's (``aliases.py``): the spellings XLSForm authors actually use.
"""

from __future__ import annotations

import re

# canonical type -> does it take a list name after it?
QUESTION_TYPES: dict[str, bool] = {
    "text": False,
    "integer": False,
    "decimal": False,
    "select_one": True,
    "select_multiple": True,
    "select_one_from_file": True,
    "date": False,
    "time": False,
    "dateTime": False,
    "geopoint": False,
    "note": False,
    "calculate": False,
    "image": False,
    "acknowledge": False,
    "range": False,
    # metadata, filled in by the app, never shown
    "start": False,
    "end": False,
    "today": False,
    "deviceid": False,
    "username": False,
}
METADATA_TYPES = frozenset({"start", "end", "today", "deviceid", "username"})
STRUCTURE_TYPES = frozenset({"begin_group", "end_group", "begin_repeat", "end_repeat"})

TYPE_ALIASES: dict[str, str] = {
    "string": "text",
    "int": "integer",
    "select one": "select_one",
    "select all that apply": "select_multiple",
    "select multiple": "select_multiple",
    "select_one_external": "select_one",
    "select one from file": "select_one_from_file",
    "datetime": "dateTime",
    "location": "geopoint",
    "gps": "geopoint",
    "photo": "image",
    "trigger": "acknowledge",
    "begin group": "begin_group",
    "end group": "end_group",
    "begin repeat": "begin_repeat",
    "end repeat": "end_repeat",
    "begin_survey": "begin_group",
}

# header (lower-case, spaces allowed) -> canonical column name
COLUMN_ALIASES: dict[str, str] = {
    "relevance": "relevant",
    "bind::relevant": "relevant",
    "calculate": "calculation",
    "bind::calculate": "calculation",
    "bind::constraint": "constraint",
    "bind::required": "required",
    "bind::readonly": "read_only",
    "readonly": "read_only",
    "read only": "read_only",
    "constraint message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "bind::jr:constraintmsg": "constraint_message",
    "required message": "required_message",
    "jr:requiredmsg": "required_message",
    "bind::jr:requiredmsg": "required_message",
    "choice filter": "choice_filter",
    "repeat count": "repeat_count",
    "jr:count": "repeat_count",
    "control::jr:count": "repeat_count",
    "list name": "list_name",
    "default_value": "default",
    "media::image": "image",
}
TRANSLATABLE_COLUMNS = frozenset(
    {
        "label",
        "hint",
        "constraint_message",
        "required_message",
        "image",
        "guidance_hint",
        "form_title",
    }
)
KNOWN_SURVEY_COLUMNS = frozenset(
    {
        "type",
        "name",
        "label",
        "hint",
        "guidance_hint",
        "required",
        "required_message",
        "relevant",
        "constraint",
        "constraint_message",
        "calculation",
        "default",
        "read_only",
        "choice_filter",
        "appearance",
        "parameters",
        "repeat_count",
        "image",
        "trigger",
        "note",
    }
)

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_LANG_RE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[^()]+)\)\s*$")

TRUE_WORDS = frozenset({"yes", "true", "true()", "1"})
FALSE_WORDS = frozenset({"no", "false", "false()", "0", ""})


def split_header(header: str) -> tuple[str, str, str]:
    """``'label::English (en)'`` -> ``('label', 'en', 'English')``; untranslated -> ``(col, '', '')``."""
    text = header.strip()
    base, sep, lang = text.partition("::")
    base_key = base.strip().lower()
    canonical = COLUMN_ALIASES.get(base_key, base_key.replace(" ", "_"))
    if not sep or canonical not in TRANSLATABLE_COLUMNS:
        full = COLUMN_ALIASES.get(text.lower(), canonical if not sep else text.lower())
        return full, "", ""
    m = _LANG_RE.match(lang.strip())
    if m:
        return canonical, m.group("code").strip(), m.group("name").strip()
    return canonical, lang.strip(), lang.strip()


def parse_language(text: str) -> str:
    """A ``default_language`` setting such as ``'English (en)'`` -> ``'en'``."""
    m = _LANG_RE.match(text.strip())
    return m.group("code").strip() if m else text.strip()


def normalise_type(raw: str) -> tuple[str, str]:
    """``'select_one yes_no'`` -> ``('select_one', 'yes_no')``; unknown types come back as-is."""
    text = " ".join(raw.split())
    lower = text.lower()
    for alias, canonical in sorted(TYPE_ALIASES.items(), key=lambda kv: -len(kv[0])):
        if lower == alias or lower.startswith(alias + " "):
            rest = text[len(alias) :].strip()
            return canonical, rest
    head, _, rest = text.partition(" ")
    for known in (*QUESTION_TYPES, *STRUCTURE_TYPES):
        if head.lower() == known.lower():
            return known, rest.strip()
    return head, rest.strip()
