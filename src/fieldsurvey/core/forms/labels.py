"""Labels and notes that show answers: ``"Name of cooperative ${coop_index}"``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")


def render_label(text: str, lookup: Callable[[str], Any]) -> str:
    """*text* with each ``${name}`` replaced by ``lookup(name)`` (empty when unanswered)."""
    if "${" not in text:
        return text

    def value(match: re.Match[str]) -> str:
        found = lookup(match.group(1))
        if found is None:
            return ""
        if isinstance(found, float) and found.is_integer():
            return str(int(found))
        if isinstance(found, list):
            return " ".join(str(v) for v in found)
        return str(found)

    return _REF.sub(value, text)
