"""The one exception the expression parser raises."""

from __future__ import annotations


class ExprSyntaxError(ValueError):
    """A malformed expression, with where it went wrong.

    ``position`` is a 0-based offset into the source text (``len(text)`` when the text ended too
    early) so the form checker can point the author at the exact character.
    """

    def __init__(self, message: str, position: int) -> None:
        super().__init__(f"{message} (at position {position})")
        self.message = message
        self.position = position

    def __reduce__(self) -> tuple[type[ExprSyntaxError], tuple[str, int]]:
        # Keep the two-argument constructor working across pickling (e.g. multiprocessing).
        return (type(self), (self.message, self.position))
