"""Recursive-descent (precedence-climbing) parser from text to the syntax tree in ``nodes``.

Precedence, loosest first, as XPath 1.0: ``or``, ``and``, ``= !=``, ``< <= > >=``, ``+ -``,
``* div mod``, unary ``-``.  Every failure is an ``ExprSyntaxError`` with the offset of the
offending token; nesting is capped so hostile input cannot exhaust Python's recursion limit
(which would otherwise surface as ``RecursionError`` from the parser or the evaluator).
"""

from __future__ import annotations

import re

from fieldsurvey.core.forms.expr import lexer
from fieldsurvey.core.forms.expr.errors import ExprSyntaxError
from fieldsurvey.core.forms.expr.functions import FUNCTIONS
from fieldsurvey.core.forms.expr.lexer import Token
from fieldsurvey.core.forms.expr.nodes import (
    Call,
    Chain,
    ChoiceName,
    Column,
    Const,
    Current,
    Logical,
    Negate,
    Node,
    Position,
    Ref,
)

MAX_NESTING = 48  # parentheses plus function calls; nested if() chains rarely pass 20
# Active expression() frames (each precedence level with operators adds one).  Together with
# MAX_NESTING this keeps parsing, compiling and evaluating within ~350 Python frames, safely
# under the default recursion limit of 1000 even when called from deep in a GUI stack.
MAX_DEPTH = 160

_PRECEDENCE = {
    "or": 1,
    "and": 2,
    "=": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "div": 6,
    "mod": 6,
}
_CHOICE_REF_RE = re.compile(r"\s*\$\{(" + lexer.REF_NAME + r")\}\s*")


class Parser:
    """Parses one expression; use ``parse_tree``."""

    def __init__(self, text: str, *, columns: bool = False) -> None:
        self.columns = columns
        self.text = text
        self.tokens = lexer.tokenize(text)
        self.tok: Token = next(self.tokens)
        self.nesting = 0
        self.depth = 0

    def advance(self) -> Token:
        token = self.tok
        if token.kind != lexer.END:
            self.tok = next(self.tokens)
        return token

    def fail(self, message: str, token: Token | None = None) -> ExprSyntaxError:
        return ExprSyntaxError(message, (token or self.tok).pos)

    def parse(self) -> Node:
        if self.tok.kind == lexer.END:
            raise ExprSyntaxError("empty expression", 0)
        node = self.expression(0)
        if self.tok.kind == lexer.RPAREN:
            raise self.fail("unmatched ')'")
        if self.tok.kind != lexer.END:
            raise self.fail(f"expected an operator, found {self.tok.describe()}")
        return node

    def expression(self, min_precedence: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail("expression is nested too deeply")
        left = self.unary()
        while self.tok.kind == lexer.OP and self.tok.value in _PRECEDENCE:
            precedence = _PRECEDENCE[self.tok.value]
            if precedence < min_precedence:
                break
            operands: list[tuple[str, Node]] = []
            while self.tok.kind == lexer.OP and _PRECEDENCE.get(self.tok.value) == precedence:
                op = self.advance().value
                operands.append((op, self.expression(precedence + 1)))
            if precedence <= 2:
                left = Logical(operands[0][0], (left, *(node for _, node in operands)))
            else:
                left = Chain(left, tuple(operands))
        self.depth -= 1
        return left

    def unary(self) -> Node:
        signs = 0
        while self.tok.kind == lexer.OP and self.tok.value == "-":
            self.advance()
            signs += 1
        node = self.primary()
        return Negate(node, signs % 2 == 1) if signs else node

    def primary(self) -> Node:
        token = self.tok
        kind = token.kind
        if kind in (lexer.NUM, lexer.STR):
            self.advance()
            return Const(token.value)
        if kind == lexer.REF:
            self.advance()
            return Ref(token.value)
        if kind == lexer.DOT:
            self.advance()
            return Current()
        if kind == lexer.DOTDOT:
            raise self.fail("'..' is only supported as position(..)")
        if kind == lexer.LPAREN:
            self.enter(token)
            self.advance()
            node = self.expression(0)
            self.close(token)
            return node
        if kind == lexer.NAME:
            return self.call(token)
        if kind == lexer.END:
            raise self.fail("expected a value, found the end of the expression")
        raise self.fail(f"expected a value, found {token.describe()}")

    def enter(self, opener: Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.fail("expression is nested too deeply", opener)

    def close(self, opener: Token, expected: str = "')' or an operator") -> None:
        """Consume the ')' matching *opener*."""
        if self.tok.kind == lexer.RPAREN:
            self.advance()
            self.nesting -= 1
            return
        if self.tok.kind == lexer.END:
            raise self.fail(f"{opener.text!r} at position {opener.pos} is never closed", opener)
        raise self.fail(f"expected {expected}, found {self.tok.describe()}")

    def call(self, name_token: Token) -> Node:
        name = name_token.value
        self.advance()
        function = FUNCTIONS.get(name)
        if self.tok.kind != lexer.LPAREN:
            if function is not None:
                raise self.fail(f"function {name!r} needs parentheses: {name}(...)", name_token)
            if name in _PRECEDENCE:  # an operator keyword where a value belongs
                raise self.fail(f"expected a value, found {name!r}", name_token)
            if self.columns and function is None:
                return Column(name)
            raise self.fail(
                f"unexpected name {name!r} (a field is written ${{{name}}})", name_token
            )
        if function is None:
            raise self.fail(f"unknown function {name!r}", name_token)
        opener = self.tok
        self.enter(opener)
        self.advance()
        if name == "position":
            return self.position(name_token, opener)
        args: list[Node] = []
        arg_tokens: list[Token] = []
        if self.tok.kind != lexer.RPAREN:
            while True:
                arg_tokens.append(self.tok)
                args.append(self.expression(0))
                if self.tok.kind != lexer.COMMA:
                    break
                self.advance()
        self.close(opener, "',' or ')'")
        if not function.accepts(len(args)):
            raise self.fail(f"{name}() takes {function.arity_text()}, got {len(args)}", name_token)
        if name == "jr:choice-name":
            return self.choice_name(args, arg_tokens[1])
        return Call(name, tuple(args))

    def position(self, name_token: Token, opener: Token) -> Node:
        if self.tok.kind != lexer.DOTDOT:
            raise self.fail("position() is only supported as position(..)", name_token)
        self.advance()
        self.close(opener)
        return Position()

    def choice_name(self, args: list[Node], field_token: Token) -> Node:
        field = args[1]
        match = None
        if isinstance(field, Const) and isinstance(field.value, str):
            match = _CHOICE_REF_RE.fullmatch(field.value)
        if match is None:
            raise self.fail(
                "jr:choice-name() needs a quoted reference like '${field}' as its second argument",
                field_token,
            )
        return ChoiceName(args[0], match.group(1))


def parse_tree(text: str, *, columns: bool = False) -> Node:
    """The syntax tree of *text*; raises ExprSyntaxError (only) when it is malformed.
    With *columns*, bare names are choice columns (``choice_filter`` expressions)."""
    if not isinstance(text, str):
        raise ExprSyntaxError(f"expected expression text, got {type(text).__name__}", 0)
    return Parser(text, columns=columns).parse()
