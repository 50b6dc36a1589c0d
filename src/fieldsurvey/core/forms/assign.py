"""Setting one answer from command-line text: ``name=value`` or ``repeat[row]/name=value``.

Rows are counted from 1, as shown; the row after the last one adds a row, which is the only way
the command line can fill a repeat that has none yet. Values stay text (evaluation types them),
except a JSON list or object, and select_multiple codes given with commas or spaces.
"""

from __future__ import annotations

import json
from typing import Any

from fieldsurvey.core.errors import InvalidDataError, Phrase, UsageError
from fieldsurvey.core.forms.model import Field, Form, Repeat
from fieldsurvey.core.i18n import tr


def assign(form: Form, answers: dict[str, Any], path: str, raw: str) -> None:
    """Set the answer at *path* in *answers* (changed in place) from command-line text."""
    target, scope = answers, None
    *parts, name = path.split("/")
    for part in parts:
        target, scope = _row(form, target, scope, part, path)
    node = form.nodes.get(name)
    if isinstance(node, Repeat):
        raise UsageError(
            "'{path}': '{name}' is a repeat; set its answers as {name}[1]/NAME=VALUE",
            path=path,
            name=name,
        )
    if not isinstance(node, Field) or not node.has_answer:
        why = (
            Phrase("{path}: a note holds no answer", path=path)
            if isinstance(node, Field)
            else Phrase("{path}: no question has this name", path=path)
        )
        raise InvalidDataError("{count} problem(s); nothing was saved", [why], count=1)
    if node.repeat is not scope:
        raise UsageError("'{path}': {where}", path=path, where=_where(node))
    if is_read_only(node):
        # its value is the form's to work out: a value set here would be recalculated away
        why = f"{path}: {tr('read_only', form.default_language)}"
        raise InvalidDataError("{count} problem(s); nothing was saved", [why], count=1)
    target[name] = _value(node, raw)


def is_read_only(f: Field) -> bool:
    """A question nobody answers: a calculation, or one the form marks read_only."""
    return f.kind == "calculate" or f.calculation is not None or f.read_only


def _row(
    form: Form, target: dict[str, Any], scope: Repeat | None, part: str, path: str
) -> tuple[dict[str, Any], Repeat]:
    """The row that ``name[row]`` names inside *target*; one past the last is a new row."""
    name, bracket, index = part.partition("[")
    try:
        number = int(index.removesuffix("]")) if bracket and index.endswith("]") else None
    except ValueError:
        number = None
    if number is None:
        raise UsageError(
            "'{part}': write a repeat row as name[row], e.g. cooperative[1]", part=part
        )
    rep = form.nodes.get(name)
    if not isinstance(rep, Repeat):
        raise UsageError("'{path}': '{name}' is not a repeat in this form", path=path, name=name)
    if rep.repeat is not scope:
        raise UsageError("'{path}': {where}", path=path, where=_where(rep))
    rows = target.get(name)
    if not isinstance(rows, list):
        rows = target[name] = []
    if number == len(rows) + 1:
        rows.append({})
    if not 1 <= number <= len(rows):
        if not rows:
            raise UsageError(
                "'{path}': '{name}' has no rows yet; {name}[1] adds the first",
                path=path,
                name=name,
            )
        raise UsageError(
            "'{path}': '{name}' has rows 1 to {last}; {next} adds a row",
            path=path,
            name=name,
            last=len(rows),
            next=len(rows) + 1,
        )
    return rows[number - 1], rep


def _where(node: Field | Repeat) -> Phrase:
    """Where a question really is, for a path that looked for it somewhere else."""
    chain = [a.name for a in node.ancestors() if isinstance(a, Repeat)]
    tail = f"{node.name}[1]/NAME=VALUE" if isinstance(node, Repeat) else f"{node.name}=VALUE"
    if not chain:
        return Phrase(
            "'{name}' is not inside a repeat; write just {tail}", name=node.name, tail=tail
        )
    rows = "/".join(f"{r}[1]" for r in chain)
    return Phrase(
        "'{name}' is inside '{repeat}'; write it as {rows}/{tail}",
        name=node.name,
        repeat=chain[-1],
        rows=rows,
        tail=tail,
    )


def _value(f: Field, raw: str) -> Any:
    if raw == "":
        return None
    if raw.startswith(("[", "{")):
        try:
            return json.loads(raw)
        except (ValueError, RecursionError):
            pass
    if f.kind == "select_multiple":
        return raw.replace(",", " ").split()
    return raw
