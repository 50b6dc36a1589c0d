"""Tokenizer for XLSForm expressions.

Tokens are produced lazily so that the first error reported is the first one in the text,
whether it is a lexical or a grammatical one.

XPath's disambiguation rule applies: after something that ends an operand (a number, string,
``${ref}``, ``.``, ``..`` or ``)``) a word is read as an operator (``and or div mod``),
anywhere else it is a function name.  In operator position the keyword needs only to be followed
by a character that cannot continue a word, so ``5 div-1`` reads as ``5 div -1``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from fieldsurvey.core.forms.expr.errors import ExprSyntaxError

NUM = "number"
STR = "string"
REF = "reference"
DOT = "."
DOTDOT = ".."
LPAREN = "("
RPAREN = ")"
COMMA = ","
OP = "operator"
NAME = "name"
END = "end"

REF_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_NUMBER_RE = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_REF_RE = re.compile(r"\$\{(" + REF_NAME + r")\}")
_NAME_RE = re.compile(REF_NAME + r"(?::" + REF_NAME + r")?")
_KEYWORD_RE = re.compile(r"(and|or|div|mod)(?![A-Za-z0-9_])")
_SYMBOLS = {"!=": "!=", "<=": "<=", ">=": ">=", "=": "=", "<": "<", ">": ">"}
_SYMBOLS.update({"+": "+", "-": "-", "*": "*"})
_PUNCT = {"(": LPAREN, ")": RPAREN, ",": COMMA}
_ENDS_OPERAND = frozenset({NUM, STR, REF, DOT, DOTDOT, RPAREN})


class Token(NamedTuple):
    """One token: its kind, offset in the source, source text and (for literals) value."""

    kind: str
    pos: int
    text: str
    value: Any = None

    def describe(self) -> str:
        """How an error message names this token."""
        return "the end of the expression" if self.kind == END else repr(self.text)


def _number(text: str) -> int | float:
    # Long digit runs go through float() (which never refuses) and may become inf.
    if "." in text or len(text) > 16:
        return float(text)
    return int(text)


def tokenize(text: str) -> Iterator[Token]:
    """Yield the tokens of *text*, ending with an END token; raise ExprSyntaxError on junk."""
    pos = 0
    length = len(text)
    previous = END
    while True:
        while pos < length and text[pos].isspace():
            pos += 1
        if pos >= length:
            yield Token(END, length, "")
            return
        token = _next_token(text, pos, operator_position=previous in _ENDS_OPERAND)
        previous = token.kind
        pos += len(token.text)
        yield token


def _next_token(text: str, pos: int, operator_position: bool) -> Token:
    char = text[pos]
    if char in _PUNCT:
        return Token(_PUNCT[char], pos, char)
    if char.isdigit() or (char == "." and text[pos + 1 : pos + 2].isdigit()):
        match = _NUMBER_RE.match(text, pos)
        if match is None:  # a non-ASCII digit that isdigit() accepts
            raise ExprSyntaxError(f"unexpected character {char!r}", pos)
        return Token(NUM, pos, match.group(), _number(match.group()))
    if char == ".":
        if text.startswith("..", pos):
            return Token(DOTDOT, pos, "..")
        return Token(DOT, pos, ".")
    if char in "'\"":
        end = text.find(char, pos + 1)
        if end < 0:
            raise ExprSyntaxError("unterminated string literal", pos)
        return Token(STR, pos, text[pos : end + 1], text[pos + 1 : end])
    if char == "$":
        match = _REF_RE.match(text, pos)
        if match is None:
            raise ExprSyntaxError("expected a reference like ${name}", pos)
        return Token(REF, pos, match.group(), match.group(1))
    two = text[pos : pos + 2]
    if two in _SYMBOLS:
        return Token(OP, pos, two, two)
    if char in _SYMBOLS:
        return Token(OP, pos, char, char)
    if operator_position:
        match = _KEYWORD_RE.match(text, pos)
        if match is not None:
            return Token(OP, pos, match.group(), match.group())
    match = _NAME_RE.match(text, pos)
    if match is not None:
        return Token(NAME, pos, match.group(), match.group())
    raise ExprSyntaxError(f"unexpected character {char!r}", pos)
