"""The XLSForm expression language: parsed once to a tree, then interpreted.

Public contract (used by the form loader, record evaluation and the GUI):

- ``parse(text) -> Expr``: raises ``ExprSyntaxError`` (with ``.position``, 0-based offset in
  *text*, and ``.message``) for malformed input; never any other exception.
- ``Expr.source``: the text; ``Expr.references``: frozenset of ``${name}`` names used (including
  names inside the quoted second argument of ``jr:choice-name``); ``Expr.evaluate(ctx)``: the
  value, computed by interpretation. Run-time errors (division by zero, bad types) give XPath's
  defined results (NaN, Infinity, "", False), never an exception.
- ``EvalContext``: what evaluation asks of the record being evaluated.
- ``NodeSet``: the values of a field referenced from outside its repeat (all rows).
- Value helpers ``to_number``, ``to_string``, ``to_boolean`` follow XPath 1.0 coercion.
"""

from fieldsurvey.core.forms.expr.api import (
    EvalContext,
    Expr,
    ExprSyntaxError,
    NodeSet,
    parse,
    parse_choice_filter,
    to_boolean,
    to_number,
    to_string,
)

__all__ = [
    "EvalContext",
    "Expr",
    "ExprSyntaxError",
    "NodeSet",
    "parse",
    "parse_choice_filter",
    "to_boolean",
    "to_number",
    "to_string",
]
