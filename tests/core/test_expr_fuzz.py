"""Property tests: parsing only ever raises ExprSyntaxError; evaluation never raises."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldsurvey.core.forms.expr import Expr, ExprSyntaxError, NodeSet, parse
from fieldsurvey.core.forms.expr.context import MappingContext
from fieldsurvey.core.forms.expr.functions import FUNCTIONS

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIELDS = ("a", "b", "c")

TOKENS = [
    "1", "0", "2.5", ".5", "007", "99999999999999999999", "'a'", '"b c"', "''", "'2024-01-31'",
    "'${a}'", "${a}", "${b}", "${c}", "${a.b-c}", ".", "..", "(", ")", ",", "+", "-", "*", "div",
    "mod", "and", "or", "=", "!=", "<", "<=", ">", ">=", "if", "concat", "sum", "count",
    "position", "jr:choice-name", "today", "format-date", "selected", "substr", "foo", "x:y",
    "$", "{", "}", "!", "'", '"', "@", "/", "[", "]", "|", "\u00a0", "\n", "é", "²",
]  # fmt: skip

timezones = st.builds(
    dt.timezone, st.timedeltas(min_value=dt.timedelta(hours=-23), max_value=dt.timedelta(hours=23))
)
scalars = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        ["", "a b c", "2020-01-01", "2020-01-01T10:00:00+08:00", "10:30", "12", "-0.5"]
    ),
    st.integers(),
    st.sampled_from([10**400, -(10**400), 2**53 + 1]),
    st.floats(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=timezones),
    st.times(),
    st.none(),
)
values = st.one_of(scalars, st.lists(scalars, max_size=4).map(NodeSet))
contexts = st.builds(
    MappingContext,
    values=st.fixed_dictionaries({name: values for name in FIELDS}),
    current_value=values,
    row=st.integers(min_value=1, max_value=50),
    labels=st.just({"a": {"x": "X"}}),
    clock=st.datetimes(),
)

ALLOWED_RESULTS = (str, int, float, bool, dt.date, dt.datetime, dt.time, NodeSet, type(None))


def _check_parse(text: str) -> Expr | None:
    try:
        return parse(text)
    except ExprSyntaxError as error:
        assert isinstance(error.message, str) and error.message
        assert isinstance(error.position, int)
        assert 0 <= error.position <= len(text)
        return None


@FAST
@given(st.text(max_size=60))
def test_random_text_only_raises_syntax_errors(text: str) -> None:
    _check_parse(text)


@FAST
@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from(["", " "]), contexts)
def test_token_soup_only_raises_syntax_errors(tokens: list[str], sep: str, ctx: Any) -> None:
    expr = _check_parse(sep.join(tokens))
    if expr is not None:
        assert isinstance(expr.evaluate(ctx), ALLOWED_RESULTS)


# --- well-formed expressions, built from the grammar -------------------------------------------

_SPECIAL = {"position", "jr:choice-name"}
_CALLABLE = sorted(name for name in FUNCTIONS if name not in _SPECIAL)

leaves = st.one_of(
    st.sampled_from([f"${{{name}}}" for name in FIELDS]),
    st.sampled_from([".", "position(..)", "1", "0", "-1", "2.5", "''", "'x'", "'a b'"]),
    st.integers(-(10**6), 10**6).map(str),
    st.sampled_from(["'2024-02-29'", "'10:00'", "'2024-01-01T00:00:00Z'", "'%Y %b %3'"]),
)


@st.composite
def calls(draw: st.DrawFn, children: st.SearchStrategy[str]) -> str:
    name = draw(st.sampled_from(_CALLABLE + ["jr:choice-name"]))
    if name == "jr:choice-name":
        return f"jr:choice-name({draw(children)}, '${{a}}')"
    function = FUNCTIONS[name]
    high = function.max_args if function.max_args is not None else function.min_args + 3
    count = draw(st.integers(function.min_args, high))
    return f"{name}({', '.join(draw(children) for _ in range(count))})"


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    ops = ["or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod"]
    return st.one_of(
        st.tuples(children, st.sampled_from(ops), children).map(" ".join),
        children.map(lambda c: f"-{c}"),
        children.map(lambda c: f"({c})"),
        calls(children),
    )


expressions = st.recursive(leaves, _extend, max_leaves=12)


@FAST
@given(expressions, contexts)
def test_well_formed_expressions_parse_and_never_raise(text: str, ctx: Any) -> None:
    expr = parse(text)
    assert expr.source == text
    assert expr.references <= set(FIELDS)
    result = expr.evaluate(ctx)
    assert isinstance(result, ALLOWED_RESULTS)
    # Evaluation is deterministic for a fixed context.
    again = expr.evaluate(ctx)
    assert again == result or (result != result and again != again)
