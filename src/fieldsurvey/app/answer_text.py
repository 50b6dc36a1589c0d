"""A stored answer as a person reads it: choice labels in the form's language, a repeat row
as its answers one per line, and an empty answer said as such."""

from __future__ import annotations

from typing import Any

from fieldsurvey.app.i18n import tr
from fieldsurvey.core.forms.answers import is_empty
from fieldsurvey.core.forms.labels import render_label
from fieldsurvey.core.forms.model import ROW_ID, Field, Form, Repeat, pick

MAX_ROW_LINES = 8
LIST_SEPARATORS = {"zh": "、"}  # between the labels of several choices; "; " otherwise


def answer_text(form: Form | None, name: str, value: Any, lang: str) -> str:
    """*value* of question *name*: codes of a choice question shown by their labels."""
    if is_empty(value):
        return tr("(no answer)")
    node = form.nodes.get(name) if form is not None else None
    if isinstance(value, dict):
        return row_text(form, value, lang)
    if isinstance(node, Repeat) and isinstance(value, list):
        return tr("{count} row(s)", count=len(value))
    if isinstance(node, Field) and node.is_select and form is not None:
        codes = (
            value.split() if isinstance(value, str) and node.kind == "select_multiple" else value
        )
        codes = codes if isinstance(codes, list) else [codes]
        separator = LIST_SEPARATORS.get(lang, "; ")
        return separator.join(_choice_label(form, node, str(c), lang) for c in codes)
    if isinstance(value, bool):
        return tr("Yes") if value else tr("No")
    if isinstance(value, list):
        return LIST_SEPARATORS.get(lang, "; ").join(str(v) for v in value)
    return str(value)


def _choice_label(form: Form, node: Field, code: str, lang: str) -> str:
    choices = form.choice_list(node)
    choice = choices.get(code) if choices is not None else None
    label = pick(choice.labels, lang, form.default_language) if choice is not None else ""
    return label or code


def row_text(form: Form | None, row: dict[str, Any], lang: str) -> str:
    """A repeat row: its answered questions, "label: answer" one per line."""
    lines = []
    order = {n.name: i for i, n in enumerate(form.walk())} if form is not None else {}
    for name, value in sorted(row.items(), key=lambda kv: order.get(kv[0], len(order))):
        if name == ROW_ID or is_empty(value) or _derived(form, name):
            continue
        label = question_label(form, name, lang, row)
        lines.append(f"{label}: {answer_text(form, name, value, lang)}")
    if len(lines) > MAX_ROW_LINES:
        lines = [*lines[:MAX_ROW_LINES], tr("… and {count} more", count=len(lines) - MAX_ROW_LINES)]
    return "\n".join(lines) or tr("(an empty row)")


def _derived(form: Form | None, name: str) -> bool:
    node = form.nodes.get(name) if form is not None else None
    return isinstance(node, Field) and node.calculation is not None


def question_label(
    form: Form | None, name: str, lang: str, values: dict[str, Any] | None = None
) -> str:
    """The label in *lang*; a ``${name}`` in it is filled from *values* (a repeat row's
    answers), or left out when they are not at hand."""
    node = form.nodes.get(name) if form is not None else None
    if form is None or node is None:
        return name
    label = render_label(form.label(node, lang), (values or {}).get)
    return " ".join(label.split()) or name
