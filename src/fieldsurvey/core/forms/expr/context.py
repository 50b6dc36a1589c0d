"""What evaluation asks of the record being evaluated, and a simple mapping-backed version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class EvalContext(Protocol):
    """The record an expression is evaluated against.

    Kept to five questions so the record model, the form checker and tests can each answer
    them their own way; the expression module never sees the record's storage.
    """

    def value(self, name: str) -> Any:
        """``${name}``: a scalar, or a NodeSet when *name* is in a repeat other than the current
        row's; "" when unanswered."""
        ...

    def current(self) -> Any:
        """The value of ``.`` (the field the expression belongs to)."""
        ...

    def position(self) -> int:
        """1-based index of the current repeat row, for ``position(..)``."""
        ...

    def choice_label(self, name: str, value: str) -> str:
        """The label of choice *value* of field *name*, for ``jr:choice-name``."""
        ...

    def now(self) -> dt.datetime:
        """The current time; ``today()`` and ``now()`` read it here so tests are repeatable."""
        ...


@dataclass
class MappingContext:
    """An EvalContext over plain dictionaries: for tests, previews and the form checker.

    ``labels`` maps field name to {choice code: label}; unknown codes label as the code itself.
    """

    values: Mapping[str, Any] = field(default_factory=dict)
    current_value: Any = ""
    row: int = 1
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    clock: dt.datetime = field(default_factory=lambda: dt.datetime(2024, 5, 17, 9, 30))

    def value(self, name: str) -> Any:
        return self.values.get(name, "")

    def current(self) -> Any:
        return self.current_value

    def position(self) -> int:
        return self.row

    def choice_label(self, name: str, value: str) -> str:
        return self.labels.get(name, {}).get(value, value)

    def now(self) -> dt.datetime:
        return self.clock
