"""Setting one answer from command-line text: ``name=value`` or ``repeat[row]/name=value``.

Rows are counted from 1, as shown; the row after the last one adds a row, which is the only way
the command line can fill a repeat that has none yet. Values stay text (evaluation types them),
except a JSON list or object, and select_multiple codes given with commas or spaces.
"""

from __future__ import annotations

import json
from typing import Any

from fieldsurvey.core.errors import InvalidDataError, UsageError
from fieldsurvey.core.forms.model import Field, Form, Repeat


def assign(form: Form, answers: dict[str, Any], path: str, raw: str) -> None:
    """Set the answer at *path* in *answers* (changed in place) from command-line text."""
    target, scope = answers, None
    *parts, name = path.split("/")
    for part in parts:
        target, scope = _row(form, target, scope, part, path)
    node = form.nodes.get(name)
    if isinstance(node, Repeat):
        raise UsageError(f"'{path}': '{name}' is a repeat; set its answers as {name}[1]/NAME=VALUE")
    if not isinstance(node, Field) or not node.has_answer:
        why = "a note holds no answer" if isinstance(node, Field) else "no question has this name"
        raise InvalidDataError("1 problem(s); nothing was saved", [f"{path}: {why}"])
    if node.repeat is not scope:
        raise UsageError(f"'{path}': {_where(node)}")
    target[name] = _value(node, raw)


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
        raise UsageError(f"'{part}': write a repeat row as name[row], e.g. cooperative[1]")
    rep = form.nodes.get(name)
    if not isinstance(rep, Repeat):
        raise UsageError(f"'{path}': '{name}' is not a repeat in this form")
    if rep.repeat is not scope:
        raise UsageError(f"'{path}': {_where(rep)}")
    rows = target.get(name)
    if not isinstance(rows, list):
        rows = target[name] = []
    if number == len(rows) + 1:
        rows.append({})
    if not 1 <= number <= len(rows):
        raise UsageError(
            f"'{path}': '{name}' has rows 1 to {len(rows)}; {len(rows) + 1} adds a row"
            if rows
            else f"'{path}': '{name}' has no rows yet; {name}[1] adds the first"
        )
    return rows[number - 1], rep


def _where(node: Field | Repeat) -> str:
    """Where a question really is, for a path that looked for it somewhere else."""
    chain = [a.name for a in node.ancestors() if isinstance(a, Repeat)]
    tail = f"{node.name}[1]/NAME=VALUE" if isinstance(node, Repeat) else f"{node.name}=VALUE"
    if not chain:
        return f"'{node.name}' is not inside a repeat; write just {tail}"
    rows = "/".join(f"{r}[1]" for r in chain)
    return f"'{node.name}' is inside '{chain[-1]}'; write it as {rows}/{tail}"


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
