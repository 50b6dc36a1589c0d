"""Parsing: grammar, precedence, references, syntax errors and their positions."""

from __future__ import annotations

import math
import pickle
from typing import Any

import pytest

from fieldsurvey.core.forms.expr import Expr, ExprSyntaxError, NodeSet, parse
from fieldsurvey.core.forms.expr.context import MappingContext
from fieldsurvey.core.forms.expr.parser import MAX_NESTING


def ev(text: str, **values: Any) -> Any:
    return parse(text).evaluate(MappingContext(values))


class RecordingContext(MappingContext):
    """Remembers which names were asked for, to prove short-circuiting."""

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(values)
        self.asked: list[str] = []

    def value(self, name: str) -> Any:
        self.asked.append(name)
        return super().value(name)


# --- literals and operands ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("1.5", 1.5),
        (".5", 0.5),
        ("3.", 3.0),
        ("'it'", "it"),
        ("\"say 'hi'\"", "say 'hi'"),
        ("''", ""),
        ("  7  ", 7),
        ("\t1\n+\r\n2", 3),
    ],
)
def test_literals(text: str, expected: Any) -> None:
    assert ev(text) == expected


def test_integer_literal_is_int_and_decimal_literal_is_float() -> None:
    assert type(ev("12")) is int
    assert type(ev("12.0")) is float


def test_huge_literal_becomes_infinite_float_not_an_error() -> None:
    assert ev("9" * 400) == math.inf


def test_reference_and_current_value() -> None:
    ctx = MappingContext({"age": 30}, current_value="here")
    assert parse("${age}").evaluate(ctx) == 30
    assert parse(".").evaluate(ctx) == "here"
    assert parse("${missing}").evaluate(ctx) == ""


def test_reference_names_may_contain_dots_and_dashes() -> None:
    assert ev("${hh.size-2} + 1", **{"hh.size-2": 4}) == 5


# --- precedence and associativity --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("100 div 10 div 5", 2),
        ("2 * 3 mod 4", 2),
        ("7 mod 4 * 2", 6),
        ("-2 * 3", -6),
        ("- 2 + 3", 1),
        ("2 - -2", 4),
        ("- - 3", 3),
        ("---3", -3),
        ("5 div-1", -5),
        ("1 + 1 = 2", True),
        ("1 < 2 + 3", True),
        ("1 < 2 = true()", True),
        ("3 > 2 > 1", False),  # (3 > 2) > 1 is true > 1 is 1 > 1
        ("1 = 1 and 2 = 3 or 4 = 4", True),
        ("1 = 2 or 3 = 3 and 4 = 5", False),
        ("true() or false() and false()", True),
        ("(true() or false()) and false()", False),
        ("2 = 1 + 1 and 3 > 2", True),
        ("1 != 2", True),
        ("6 div 2 * 3", 9),
        ("2 + 3 * 4 - 10 div 5", 12),
    ],
)
def test_precedence(text: str, expected: Any) -> None:
    assert ev(text) == expected


def test_even_number_of_minus_signs_still_converts_to_number() -> None:
    assert math.isnan(ev("--'abc'"))
    assert ev("--'7'") == 7


def test_keywords_are_operators_only_in_operator_position() -> None:
    assert ev("${a}mod 3", a=7) == 1
    assert ev("${a} div 2", a=7) == 3.5
    assert ev("(1)and(0)") is False
    with pytest.raises(ExprSyntaxError, match="unknown function 'div'"):
        parse("div(1)")


def test_keywords_are_case_sensitive() -> None:
    with pytest.raises(ExprSyntaxError):
        parse("1 AND 2")


def test_long_flat_chains_do_not_recurse() -> None:
    assert ev(" + ".join(["1"] * 5000)) == 5000
    assert ev(" and ".join(["1"] * 5000)) is True
    assert ev("-" * 5001 + "1") == -1


def test_nesting_up_to_the_limit_parses() -> None:
    depth = MAX_NESTING
    assert ev("(" * depth + "1" + ")" * depth) == 1


def test_nesting_beyond_the_limit_is_a_syntax_error() -> None:
    depth = MAX_NESTING + 1
    with pytest.raises(ExprSyntaxError, match="nested too deeply") as info:
        parse("(" * depth + "1" + ")" * depth)
    assert info.value.position == MAX_NESTING
    with pytest.raises(ExprSyntaxError, match="nested too deeply"):
        parse("abs(" * depth + "1" + ")" * depth)


def _hostile(levels: int) -> str:
    """Every nesting level uses every precedence level: the deepest recursion per level."""
    text = "1"
    for _ in range(levels):
        text = f"${{a}} or ${{a}} and ${{a}} = ${{a}} < ${{a}} + ${{a}} * -abs({text})"
    return text


def test_pathological_depth_is_a_syntax_error_not_a_recursion_error() -> None:
    with pytest.raises(ExprSyntaxError, match="nested too deeply"):
        parse(_hostile(MAX_NESTING))


def test_deepest_accepted_expressions_fit_in_a_deep_caller_stack() -> None:
    nested_ifs = "1"
    for i in range(MAX_NESTING - 1):
        nested_ifs = f"if(${{a}} = {i}, {i}, {nested_ifs})"
    deepest = [nested_ifs, "(" * MAX_NESTING + "1" + ")" * MAX_NESTING]
    for levels in range(MAX_NESTING):
        try:
            parse(_hostile(levels))
        except ExprSyntaxError:
            deepest.append(_hostile(levels - 1))
            break

    def from_depth(frames: int, text: str) -> Any:
        if frames:
            return from_depth(frames - 1, text)
        return parse(text).evaluate(MappingContext({"a": 1}))

    for text in deepest:  # 500 frames already used by the caller; default limit is 1000
        from_depth(500, text)


# --- short-circuit -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("false() and ${x} = 1", False),
        ("true() or ${x} = 1", True),
        ("1 = 2 and ${x} and ${x}", False),
        ("if(true(), 'yes', ${x})", "yes"),
        ("if(false(), ${x}, 'no')", "no"),
        ("coalesce('a', ${x})", "a"),
    ],
)
def test_short_circuit_skips_the_other_side(text: str, expected: Any) -> None:
    ctx = RecordingContext({"x": 1})
    assert parse(text).evaluate(ctx) == expected
    assert ctx.asked == []


def test_and_or_evaluate_the_right_side_when_needed() -> None:
    ctx = RecordingContext({"x": 1})
    assert parse("true() and ${x} = 1").evaluate(ctx) is True
    assert ctx.asked == ["x"]


# --- analysis ----------------------------------------------------------------------------------


def test_references() -> None:
    expr = parse("${a} > 3 and selected(${b}, 'x') or jr:choice-name(${c}, '${c_list}')")
    assert expr.references == frozenset({"a", "b", "c", "c_list"})
    assert parse("1 + 2").references == frozenset()
    assert parse("'${not_a_reference}'").references == frozenset()


def test_uses_current_and_now() -> None:
    assert parse(". > 3").uses_current
    assert not parse("${a} > 3").uses_current
    assert not parse("position(..)").uses_current
    assert parse("${d} < today()").uses_now
    assert parse("format-date-time(now(), '%H')").uses_now
    assert not parse("date('2020-01-01')").uses_now


def test_expr_is_immutable_comparable_and_picklable() -> None:
    expr = parse("${a} + 1")
    assert expr.source == "${a} + 1"
    assert isinstance(expr, Expr)
    with pytest.raises(AttributeError):
        expr.source = "2"  # type: ignore[misc]
    assert expr == parse("${a} + 1")
    assert hash(expr) == hash(parse("${a} + 1"))
    assert expr != parse("${a} + 2")
    assert "a} + 1" in repr(expr)
    clone = pickle.loads(pickle.dumps(expr))
    assert clone == expr
    assert clone.evaluate(MappingContext({"a": 1})) == 2


def test_repeat_nodeset_in_scalar_context_takes_first_value() -> None:
    rows = NodeSet(["3", "4"])
    assert ev("${x} + 1", x=rows) == 4
    assert ev("sum(${x})", x=rows) == 7
    assert ev("count(${x})", x=rows) == 2
    assert ev("concat('first: ', ${x})", x=NodeSet(["3"])) == "first: 3"
    assert ev("string(${x})", x=NodeSet()) == ""


def test_position_of_the_current_row() -> None:
    expr = parse("position(..) = 2")
    assert expr.evaluate(MappingContext(row=2)) is True
    assert parse("position(..)").evaluate(MappingContext(row=5)) == 5
    assert parse("position( .. )").evaluate(MappingContext(row=3)) == 3


# --- syntax errors -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("", 0, "empty expression"),
        ("   ", 0, "empty expression"),
        ("1 +", 3, "end of the expression"),
        ("1 +\n", 4, "end of the expression"),
        ("(1", 0, "never closed"),
        ("2 * (1 + 2", 4, "never closed"),
        ("1)", 1, "unmatched ')'"),
        ("foo(1)", 0, "unknown function 'foo'"),
        ("1 + foo(2)", 4, "unknown function 'foo'"),
        ("a(", 0, "unknown function 'a'"),
        ("abc", 0, "unexpected name 'abc'"),
        ("if(1, 2)", 0, "if() takes 3 arguments, got 2"),
        ("true(1)", 0, "true() takes 0 arguments, got 1"),
        ("concat()", 0, "concat() takes at least 1 argument, got 0"),
        ("substr('a')", 0, "substr() takes 2 to 3 arguments, got 1"),
        ("1 2", 2, "expected an operator, found '2'"),
        ("${a} ${b}", 5, "expected an operator"),
        ("'abc", 0, "unterminated string"),
        ('1 + "abc', 4, "unterminated string"),
        ("${a", 0, "${name}"),
        ("${}", 0, "${name}"),
        ("${1a}", 0, "${name}"),
        ("$a", 0, "${name}"),
        ("1 # 2", 2, "unexpected character '#'"),
        ("1 ! 2", 2, "unexpected character '!'"),
        ("*", 0, "expected a value, found '*'"),
        ("1 + * 2", 4, "expected a value, found '*'"),
        ("concat(1 2)", 9, "expected ',' or ')', found '2'"),
        ("concat(1,)", 9, "expected a value, found ')'"),
        ("concat(,1)", 7, "expected a value, found ','"),
        ("(1 2)", 3, "expected ')' or an operator"),
        ("()", 1, "expected a value"),
        ("..", 0, "position(..)"),
        ("position()", 0, "position(..)"),
        ("position(.)", 0, "position(..)"),
        ("position(.. + 1)", 12, "expected ')'"),
        ("jr:choice-name(${a}, 'a')", 21, "quoted reference"),
        ("jr:choice-name(${a}, ${b})", 21, "quoted reference"),
        ("jr:choice-name(${a})", 0, "takes 2 arguments"),
        ("and", 0, "expected a value, found 'and'"),
        ("true", 0, "needs parentheses"),
        ("1 and", 5, "end of the expression"),
        ("1 or or 2", 5, "expected a value, found 'or'"),
        ("abc", 0, "${abc}"),
        ("x:foo(1)", 0, "unknown function 'x:foo'"),
        ("1 +\u00b2", 3, "unexpected character"),
    ],
)
def test_syntax_errors(text: str, position: int, fragment: str) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        parse(text)
    error = info.value
    assert error.position == position, error.message
    assert fragment in error.message
    assert isinstance(error, ValueError)
    assert str(position) in str(error)


def test_syntax_error_pickles_with_its_position() -> None:
    clone = pickle.loads(pickle.dumps(ExprSyntaxError("bad", 4)))
    assert (clone.message, clone.position) == ("bad", 4)


def test_non_string_input_is_a_syntax_error() -> None:
    with pytest.raises(ExprSyntaxError):
        parse(None)  # type: ignore[arg-type]
