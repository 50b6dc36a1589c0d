"""XPath 1.0 coercions, comparisons and arithmetic, including the awkward corners."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldsurvey.core.forms.expr import NodeSet, parse, to_boolean, to_number, to_string
from fieldsurvey.core.forms.expr.context import MappingContext

NAN = float("nan")
INF = float("inf")
UTC8 = dt.timezone(dt.timedelta(hours=8))


def ev(text: str, **values: Any) -> Any:
    return parse(text).evaluate(MappingContext(values))


def same(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN and distinguishes int from float-only values."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b and type(a) is type(b)


class Weird:
    """An object no coercion knows about."""


# --- number() ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", NAN),
        ("abc", NAN),
        ("12", 12),
        (" 12 ", 12),
        ("\t-3\n", -3),
        ("1.5", 1.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("-0", 0),
        ("1e3", NAN),
        ("+1", NAN),
        ("Infinity", NAN),
        ("NaN", NAN),
        ("0x10", NAN),
        ("1_000", NAN),
        ("\u0661\u0662", NAN),  # Arabic-Indic digits are not XPath digits
        ("1 2", NAN),
        ("12345678901234567890", 12345678901234567890.0),
        (True, 1),
        (False, 0),
        (7, 7),
        (2.5, 2.5),
        (2**60, float(2**60)),
        (10**400, INF),
        (-(10**400), -INF),
        (dt.date(1970, 1, 2), 1),
        (dt.date(1969, 12, 31), -1),
        (dt.datetime(1970, 1, 2, 12), 1.5),
        (dt.datetime(1970, 1, 1, 8, tzinfo=UTC8), 0.0),
        (dt.time(6, 0), 0.25),
        (NodeSet(["4", "5"]), 4),
        (NodeSet(), NAN),
        (None, NAN),
        (Weird(), NAN),
    ],
)
def test_to_number(value: Any, expected: Any) -> None:
    assert same(to_number(value), expected)


# --- string() ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text", "text"),
        (12, "12"),
        (-7, "-7"),
        (3.0, "3"),
        (0.5, "0.5"),
        (-0.0, "0"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "0.0000001"),
        (1e21, "1000000000000000000000"),
        (NAN, "NaN"),
        (INF, "Infinity"),
        (-INF, "-Infinity"),
        (True, "true"),
        (False, "false"),
        (dt.date(2020, 1, 2), "2020-01-02"),
        (dt.datetime(2020, 1, 2, 3, 4, 5), "2020-01-02T03:04:05"),
        (dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC8), "2020-01-02T03:04:05+08:00"),
        (dt.time(3, 4), "03:04:00"),
        (NodeSet(["a", "b"]), "a"),
        (NodeSet([2.0]), "2"),
        (NodeSet(), ""),
        (None, ""),
        (Weird(), ""),
    ],
)
def test_to_string(value: Any, expected: str) -> None:
    assert to_string(value) == expected


def test_to_string_of_an_int_too_long_to_print() -> None:
    assert to_string(10**5000) == "Infinity"


# --- boolean() ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", False),
        ("x", True),
        ("false", True),
        ("0", True),
        (0, False),
        (0.0, False),
        (-0.0, False),
        (NAN, False),
        (1, True),
        (-0.5, True),
        (INF, True),
        (True, True),
        (False, False),
        (NodeSet(), False),
        (NodeSet([""]), True),  # XPath: a node-set is true when it has any node
        (dt.date(2020, 1, 1), True),
        (dt.time(0, 0), True),
        (None, False),
        (Weird(), False),
    ],
)
def test_to_boolean(value: Any, expected: bool) -> None:
    assert to_boolean(value) is expected


# --- comparisons -------------------------------------------------------------------------------

D = dt.date(2024, 5, 1)  # the fake context's today() is 2024-05-17


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # number vs anything compares numbers; otherwise strings for = and !=
        ("1 = '1'", True),
        ("1 = '1.0'", True),
        ("'1' = '1.0'", False),
        ("'abc' = 'abc'", True),
        ("'abc' = 'ABC'", False),
        ("'abc' = 0", False),
        ("'abc' != 0", True),
        ("'' = 0", False),
        # booleans win over everything for = and !=
        ("true() = 'x'", True),
        ("true() = ''", False),
        ("false() = 0", True),
        ("true() = 'false'", True),
        ("1 = true()", True),
        # < <= > >= always compare numbers
        ("'2' < '10'", True),
        ("'b' > 'a'", False),
        ("'abc' < 1", False),
        ("'abc' >= 1", False),
        ("true() > 0", True),
        # NaN: every comparison false, except !=
        ("number('x') = number('x')", False),
        ("number('x') != number('x')", True),
        ("0 div 0 < 1", False),
        ("0 div 0 >= 1", False),
        ("1 div 0 > 1000000", True),
    ],
)
def test_comparisons(text: str, expected: bool) -> None:
    assert ev(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${x} = 5", True),
        ("${x} = 4", False),
        ("${x} != 5", True),  # some member differs from 5
        ("${x} > 8", True),
        ("${x} < 0", False),
        ("${x} = '9'", True),
        ("${x} = ${y}", True),  # some pair is equal (9)
        ("${x} = true()", True),
        ("${e} = ''", False),  # an empty node-set has no member to compare
        ("${e} != ''", False),
        ("${e} = false()", True),
        ("${e} < 1", False),
    ],
)
def test_nodeset_comparisons_are_existential(text: str, expected: bool) -> None:
    values = {"x": NodeSet(["1", "5", "9"]), "y": NodeSet([9, 10]), "e": NodeSet()}
    assert ev(text, **values) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${d} < today()", True),
        ("${d} > today()", False),
        ("${d} <= '2024-05-01'", True),
        ("${d} < '2024-05-01'", False),
        ("${d} = '2024-05-01'", True),
        ("'2024-05-01' = ${d}", True),
        ("${d} < '2024-05-01T12:00:00'", True),
        ("${d} = ${dt}", False),
        ("${d} < ${dt}", True),
        ("${d} = date('2024-05-01')", True),
        ("${d} = 19844", True),
        ("${d} = 'abc'", False),
        ("${d} != 'abc'", True),
        ("${d} < 'abc'", False),
        ("${d} != ''", True),
        ("${d} = true()", True),
        ("${t} > '09:00'", True),
        ("${t} < '10:00:00'", False),
        ("${dt} > '2024-05-01T06:00:00+08:00'", True),  # 06:00+08:00 is 22:00 the day before
    ],
)
def test_date_comparisons(text: str, expected: bool) -> None:
    values = {"d": D, "dt": dt.datetime(2024, 5, 1, 8, 0), "t": dt.time(10, 30)}
    assert ev(text, **values) is expected


# --- arithmetic --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 div 0", INF),
        ("-1 div 0", -INF),
        ("0 div 0", NAN),
        ("1 div -0.0", -INF),
        ("5 mod 0", NAN),
        ("5.5 mod 0", NAN),
        ("5 mod 3", 2),
        ("-5 mod 3", -2),
        ("5 mod -3", 2),
        ("5.5 mod 2", 1.5),
        ("(1 div 0) mod 2", NAN),
        ("5 mod (1 div 0)", 5),
        ("6 div 3", 2),
        ("7 div 2", 3.5),
        ("-7 div 2", -3.5),
        ("1.5 + 1.5", 3.0),
        ("'3' + 4", 7),
        ("'3.5' * 2", 7.0),
        ("1 + 'abc'", NAN),
        ("'' + 1", NAN),
        ("true() + 1", 2),
        ("-(0 div 0)", NAN),
        ("(1 div 0) - (1 div 0)", INF - INF),
        ("(1 div 0) * 0", NAN),
        ("9007199254740992 + 1", 9007199254740992.0),
    ],
)
def test_arithmetic(text: str, expected: Any) -> None:
    assert same(ev(text), expected)


def test_divide_by_zero_never_raises_and_prints_xpath_style() -> None:
    assert ev("string(1 div 0)") == "Infinity"
    assert ev("string(-1 div 0)") == "-Infinity"
    assert ev("string(0 div 0)") == "NaN"
    assert ev("concat(${a} div ${b}, '')", a=3, b=0) == "Infinity"
    assert ev("${a} mod ${b}", a="x", b="") != ev("${a} mod ${b}", a="x", b="")  # NaN


def test_int_operands_keep_int_results() -> None:
    assert type(ev("2 + 3 * 4")) is int
    assert type(ev("8 div 4")) is int
    assert type(ev("'8' div '4'")) is int
    assert type(ev("7 div 2")) is float
    assert ev("concat(${a} + 1, '')", a="3") == "4"


def test_arithmetic_overflow_gives_infinity() -> None:
    assert ev("${a} * ${a}", a=1e308) == INF
    assert ev("${a} + ${a}", a=1e308) == INF
    assert ev("-${a} * ${a}", a=1e308) == -INF
    assert ev("${a} * 2", a=10**400) == INF


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("x", 1),
        (dt.date(2020, 1, 1), "x"),
        (dt.time(1, 0), dt.datetime(2020, 1, 1)),
        (NodeSet(), NodeSet([1])),
        (True, None),
        (Weird(), 2.5),
        (NAN, INF),
        (10**400, -(10**400)),
    ],
)
def test_mismatched_types_give_defined_results(a: Any, b: Any) -> None:
    for op in ("+", "-", "*", "div", "mod"):
        result = ev(f"${{a}} {op} ${{b}}", a=a, b=b)
        assert isinstance(result, (int, float))
    for op in ("=", "!=", "<", "<=", ">", ">="):
        assert isinstance(ev(f"${{a}} {op} ${{b}}", a=a, b=b), bool)


# --- round trips -------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.integers(min_value=-(2**53), max_value=2**53))
def test_int_string_round_trip(value: int) -> None:
    assert to_number(to_string(value)) == value


@settings(max_examples=300)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_string_round_trip(value: float) -> None:
    text = to_string(value)
    assert "e" not in text.lower()
    assert to_number(text) == value
