"""What a view asks the main window to open: an existing record, or a new one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OpenRequest:
    form_id: str
    record_id: str | None = None  # None: a new record
    village_code: str | None = None
    answers: dict[str, Any] | None = field(default=None, compare=False)  # a copy or recovered work
    recovered_from: str | None = None  # the autosave this reopens, discarded once saved
    dropped: tuple[str, ...] = ()  # a copy's answers the newest form version has no place for
