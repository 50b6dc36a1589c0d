"""Form text as shown: ``${name}`` filled in from the current answers, ``**bold**`` rendered.

Labels come from the form in the form's language; nothing here goes through the UI catalogue.
"""

from __future__ import annotations

import html
import re
from typing import Any

from fieldsurvey.app.filler.context import AnswerContext
from fieldsurvey.core.forms.expr import NodeSet
from fieldsurvey.core.forms.labels import render_label
from fieldsurvey.core.forms.model import Field, Form, pick

BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])", re.S)


def has_references(text: str) -> bool:
    return "${" in text


def format_value(value: Any, f: Field | None, form: Form, lang: str) -> str:
    """A value as a person reads it: choice labels for choices, numbers without noise."""
    if value is None or value == "":
        return ""
    if isinstance(value, NodeSet):
        return ", ".join(format_value(v, f, form, lang) for v in value if v != "")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    if f is not None and f.is_select:
        clist = form.choice_list(f)
        codes = value.split() if isinstance(value, str) and f.kind == "select_multiple" else value
        codes = codes if isinstance(codes, list) else [codes]
        labels = []
        for code in codes:
            choice = clist.get(str(code)) if clist else None
            labels.append(pick(choice.labels, lang, form.default_language) if choice else code)
        return ", ".join(str(x) for x in labels)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def interpolate(text: str, ctx: AnswerContext) -> str:
    """``${name}`` filled in as a person reads the answer (choice labels, not codes)."""
    state = ctx.state

    def lookup(name: str) -> str:
        raw = ctx.value(name)
        f = state.plan.fields.get(name)
        if f is not None and f.kind == "select_multiple" and isinstance(raw, str):
            raw = raw.split()
        return format_value(raw, f, state.form, state.lang)

    return render_label(text, lookup)


def rich(text: str) -> str:
    """Plain form text (with ``**bold**`` and ``*italic*``) as Qt rich text."""
    out = html.escape(text, quote=False)
    out = BOLD.sub(r"<b>\1</b>", out)
    out = ITALIC.sub(r"<i>\1</i>", out)
    return out.replace("\n", "<br>")


def plain(text: str) -> str:
    """Form text without markup, for tooltips, lists and accessible names."""
    return BOLD.sub(r"\1", text).replace("\n", " ")
