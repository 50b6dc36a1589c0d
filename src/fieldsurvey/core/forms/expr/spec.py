"""How a library function is described to the parser and the compiler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

VALUES = "values"  # impl(*argument values)
CONTEXT = "context"  # impl(ctx, *argument values)
LAZY = "lazy"  # impl(ctx, *argument closures): decides itself what to evaluate (if, coalesce)
SPECIAL = "special"  # parsed and compiled by dedicated code (position, jr:choice-name)


@dataclass(frozen=True)
class Function:
    """Arity bounds (``max_args`` None = variadic), implementation and calling convention.

    The arity lives here so unknown names and wrong argument counts are syntax errors when the
    form is loaded rather than surprises during data entry.
    """

    min_args: int
    max_args: int | None
    impl: Callable[..., Any] | None
    kind: str = VALUES
    pure: bool = True  # same arguments, same result: may be constant-folded at parse time

    def accepts(self, count: int) -> bool:
        """Whether *count* arguments fit this function."""
        return count >= self.min_args and (self.max_args is None or count <= self.max_args)

    def arity_text(self) -> str:
        """The accepted argument counts, for error messages."""
        if self.max_args is None:
            return f"at least {_plural(self.min_args)}"
        if self.min_args == self.max_args:
            return _plural(self.min_args)
        return f"{self.min_args} to {self.max_args} arguments"


def _plural(count: int) -> str:
    return f"{count} argument" + ("" if count == 1 else "s")
