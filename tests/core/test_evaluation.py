"""Evaluating a record: types, relevance, calculations in repeats, required and constraints."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldsurvey.core.forms.builder import load_form
from fieldsurvey.core.forms.evaluation import evaluate, relevant_answers
from fieldsurvey.core.i18n import MESSAGES

HEAD = [
    "type",
    "name",
    "label::English (en)",
    "label::简体中文 (zh)",
    "relevant",
    "constraint",
    "constraint_message::English (en)",
    "constraint_message::简体中文 (zh)",
    "calculation",
    "required",
    "repeat_count",
]
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::简体中文 (zh)"],
    ["yn", "yes", "Yes", "是"],
    ["yn", "no", "No", "否"],
    ["crop", "tea", "Tea", "茶叶"],
    ["crop", "rice", "Rice", "水稻"],
]
NOW = dt.datetime(2026, 11, 28, 12, 0)


@pytest.fixture
def form(xlsform):
    return load_form(
        xlsform(
            [
                HEAD,
                [
                    "integer",
                    "pop",
                    "Population",
                    "人口",
                    "",
                    ". > 0 and . <= 20000",
                    "Between 1 and 20000",
                    "1 至 20000 之间",
                    "",
                    "yes",
                ],
                [
                    "integer",
                    "resident",
                    "Resident",
                    "常住",
                    "",
                    ". <= ${pop} * 1.5",
                    "Too many residents",
                    "常住人口过多",
                    "",
                    "yes",
                ],
                ["select_one yn", "tourism", "Tourism?", "旅游？", "", "", "", "", "", "yes"],
                [
                    "integer",
                    "homestays",
                    "Homestays",
                    "民宿数",
                    "${tourism} = 'yes'",
                    ". >= 0",
                    "",
                    "",
                    "",
                    "yes",
                ],
                ["select_multiple crop", "crops", "Crops", "作物", "", "", "", "", "", ""],
                [
                    "date",
                    "visit",
                    "Visit date",
                    "走访日期",
                    "",
                    ". <= today()",
                    "Not in the future",
                    "不能晚于今天",
                    "",
                    "",
                ],
                ["integer", "n_coops", "Cooperatives", "合作社数", "", "", "", "", "", ""],
                [
                    "begin_repeat",
                    "coop",
                    "Cooperative",
                    "合作社",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "${n_coops}",
                ],
                ["integer", "members", "Members", "成员", "", ". >= 1", "", "", "", "yes"],
                [
                    "integer",
                    "women",
                    "Women",
                    "女性",
                    "${members} > 0",
                    ". <= ${members}",
                    "No more than members",
                    "不超过成员数",
                    "",
                    "",
                ],
                [
                    "calculate",
                    "share",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "round(${women} div ${members} * 100, 1)",
                ],
                ["end_repeat"],
                ["calculate", "total_members", "", "", "", "", "", "", "sum(${members})"],
                ["calculate", "density", "", "", "", "", "", "", "${resident} div ${pop}"],
            ],
            CHOICES,
        )
    )


GOOD = {
    "pop": 800,
    "resident": 500,
    "tourism": "yes",
    "homestays": 4,
    "crops": ["tea"],
    "visit": "2026-10-01",
    "n_coops": 2,
    "coop": [
        {"_row_id": "r1", "members": 40, "women": 10},
        {"_row_id": "r2", "members": 5, "women": 5},
    ],
}


def test_valid_record_has_no_problems_and_typed_answers(form):
    ev = evaluate(form, GOOD, now=NOW, complete=True)
    assert ev.problems == []
    assert ev.answers["crops"] == ["tea"] and ev.answers["visit"] == "2026-10-01"


def test_calculations_inside_and_across_repeat_rows(form):
    ev = evaluate(form, GOOD, now=NOW, complete=True)
    assert [r["share"] for r in ev.answers["coop"]] == [25, 100]
    assert ev.answers["total_members"] == 45
    assert ev.answers["density"] == 0.625


def test_relevance_hides_and_excuses_required(form):
    answers = {**GOOD, "tourism": "no"}
    del answers["homestays"]
    ev = evaluate(form, answers, now=NOW, complete=True)
    assert ev.problems == []
    assert not ev.is_relevant("homestays")


def test_non_relevant_answers_are_kept_in_draft_but_left_out_of_exports(form):
    ev = evaluate(form, {**GOOD, "tourism": "no"}, now=NOW)
    assert ev.answers["homestays"] == 4  # kept: switching back must not lose it
    assert "homestays" not in relevant_answers(form, ev)


def test_required_checked_only_when_complete(form):
    assert evaluate(form, {"pop": 10}, now=NOW).problems == []
    rules = {(p.name, p.rule) for p in evaluate(form, {"pop": 10}, now=NOW, complete=True).problems}
    assert ("resident", "required") in rules and ("tourism", "required") in rules


def test_constraint_messages_in_the_forms_language(form):
    ev = evaluate(form, {**GOOD, "resident": 5000}, now=NOW, lang="zh")
    assert [(p.path, p.message) for p in ev.problems] == [("resident", "常住人口过多")]
    ev = evaluate(form, {**GOOD, "visit": "2027-01-01"}, now=NOW, lang="en")
    assert [str(p) for p in ev.problems] == ["visit: Not in the future"]


def test_constraint_in_a_repeat_row_names_the_row(form):
    rows = [{"members": 40, "women": 10}, {"members": 5, "women": 9}]
    ev = evaluate(form, {**GOOD, "coop": rows}, now=NOW)
    assert [p.path for p in ev.problems] == ["coop[2]/women"]


def test_repeat_count_checked_on_completion(form):
    ev = evaluate(form, {**GOOD, "n_coops": 3}, now=NOW, complete=True)
    assert [(p.path, p.rule) for p in ev.problems] == [("coop", "repeat_count")]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("pop", "many"),
        ("pop", 1.5),
        ("visit", "2026-02-30"),
        ("crops", ["tea", "coffee"]),
        ("tourism", "maybe"),
        ("coop", "rows"),
    ],
)
def test_wrong_types_are_problems_not_crashes(form, name, value):
    ev = evaluate(form, {**GOOD, name: value}, now=NOW)
    mine = [p for p in ev.problems if p.name == name]
    assert len(mine) == 1 and mine[0].rule in ("type", "choice")


def test_unknown_field_is_reported(form):
    assert [p.rule for p in evaluate(form, {**GOOD, "nope": 1}, now=NOW).problems] == ["unknown"]


def test_row_ids_are_made_once_and_kept(form):
    answers = {**GOOD, "coop": [{"members": 3}]}
    first = evaluate(form, answers, now=NOW).answers["coop"][0]["_row_id"]
    assert (
        first
        and evaluate(
            form, {**answers, "coop": [{"_row_id": first, "members": 3}]}, now=NOW
        ).answers["coop"][0]["_row_id"]
        == first
    )


def test_division_by_zero_gives_an_empty_calculation(form):
    ev = evaluate(form, {**GOOD, "coop": [{"members": 0, "women": 0}]}, now=NOW)
    assert ev.answers["coop"][0]["share"] is None  # NaN is stored as no value, not a crash


def test_numbers_given_as_text_are_stored_as_numbers(form):
    ev = evaluate(form, {**GOOD, "pop": "1,200", "resident": " 900 "}, now=NOW)
    assert ev.answers["pop"] == 1200 and ev.answers["resident"] == 900 and ev.problems == []


SETTLE_HEAD = ["type", "name", "label", "relevant", "required", "calculation"]


def _settle_form(xlsform, rows):
    return load_form(xlsform([SETTLE_HEAD, *rows]))


def _agree(form, answers):
    """evaluate and the exporter's fast relevance must say the same."""
    from fieldsurvey.core.exchange.relevance import RelevanceFilter

    ev = evaluate(form, answers, now=NOW)
    assert set(RelevanceFilter(form).irrelevant(answers, NOW)) == ev.irrelevant
    return ev


def test_required_reading_a_later_non_relevant_answer_sees_it_empty(xlsform):
    form = _settle_form(
        xlsform,
        [
            ["integer", "gate", "Gate", "", "", ""],
            ["text", "req", "Req", "", "${needs} != ''", ""],
            ["text", "needs", "Needs", "${gate} > 0", "", ""],
            ["text", "shown", "Shown", "${needs} != ''", "", ""],
        ],
    )
    answers = {"gate": 0, "needs": "kept from before", "shown": "s"}
    ev = evaluate(form, answers, now=NOW, complete=True)
    assert ev.problems == []  # req is not required: what it reads is not relevant
    assert _agree(form, answers).irrelevant == {"needs", "shown"}


def test_non_relevance_carries_through_a_chain_of_calculations(xlsform):
    form = _settle_form(
        xlsform,
        [
            ["integer", "a", "A", "", "", ""],
            ["integer", "b", "B", "${a} > 0", "", ""],
            ["calculate", "c", "", "", "", "${b} * 2"],
            ["integer", "d", "D", "${c} > 0", "", ""],
            ["calculate", "e", "", "", "", "${d} + 1"],
            ["integer", "f", "F", "${e} > 0", "", ""],
        ],
    )
    ev = _agree(form, {"a": 0, "b": 5, "d": 3, "f": 7})
    assert ev.irrelevant == {"b", "d", "f"}
    assert ev.answers["e"] is None  # d is not relevant, so d + 1 is no number


def test_calculations_referencing_later_calculations(xlsform):
    form = _settle_form(
        xlsform,
        [
            ["integer", "n", "N", "", "", ""],
            ["calculate", "twice_plus", "", "", "", "${plus} * 2"],
            ["calculate", "plus", "", "", "", "${n} + 1"],
            ["integer", "big", "Big", "${twice_plus} > 10", "", ""],
        ],
    )
    ev = _agree(form, {"n": 5, "big": 1})
    assert ev.answers["plus"] == 6 and ev.answers["twice_plus"] == 12
    assert ev.is_relevant("big")


def test_relevance_in_nested_groups_inside_repeat_rows(xlsform):
    form = _settle_form(
        xlsform,
        [
            ["begin_repeat", "rep", "Rep", "", "", ""],
            ["integer", "ri", "RI", "", "", ""],
            ["begin_group", "outer", "Outer", "${ri} > 5", "", ""],
            ["text", "it", "IT", "", "", ""],
            ["begin_group", "inner", "Inner", "${it} = 'x'", "", ""],
            ["text", "deep", "Deep", "", "yes", ""],
            ["end_group", "", "", "", "", ""],
            ["end_group", "", "", "", "", ""],
            ["end_repeat", "", "", "", "", ""],
        ],
    )
    rows = [{"ri": 6, "it": "x"}, {"ri": 1, "it": "x", "deep": "old"}]
    ev = evaluate(form, {"rep": rows}, now=NOW, complete=True)
    assert [p.path for p in ev.problems] == ["rep[1]/deep"]  # row 2's inner group is hidden
    assert {"rep[2]/outer", "rep[2]/it", "rep[2]/inner", "rep[2]/deep"} <= ev.irrelevant
    assert not {"rep[1]/outer", "rep[1]/inner"} & ev.irrelevant
    _agree(form, {"rep": rows})


def test_fast_relevance_agrees_on_random_chains(xlsform):
    import random

    rng = random.Random(7)
    names = [f"q{i}" for i in range(8)]
    rows = []
    for i, name in enumerate(names):
        other = rng.choice(names[:i] + names[i + 1 :])
        relevant = rng.choice(["", f"${{{other}}} > 2", f"${{{other}}} = ''", ""])
        if rng.random() < 0.3:
            rows.append(["calculate", name, "", relevant, "", f"${{{other}}} + 1"])
        else:
            rows.append(["integer", name, name, relevant, "", ""])
    form = _settle_form(xlsform, rows)
    for _ in range(300):
        answers = {
            r[1]: rng.randint(0, 5) for r in rows if r[0] == "integer" and rng.random() < 0.7
        }
        _agree(form, answers)


def test_a_choice_the_filter_does_not_offer_is_a_problem(xlsform):
    form = load_form(
        xlsform(
            [
                ["type", "name", "label", "choice_filter"],
                ["select_multiple crop", "grown", "Grown", ""],
                ["select_multiple crop", "sold", "Sold", "selected(${grown}, name)"],
                ["select_one crop", "main", "Main", "selected(${sold}, name)"],
            ],
            CHOICES,
        )
    )
    ok = evaluate(form, {"grown": ["tea", "rice"], "sold": ["tea"], "main": "tea"}, now=NOW)
    assert ok.problems == []
    ev = evaluate(form, {"grown": ["tea"], "sold": ["tea", "rice"], "main": "tea"}, now=NOW)
    assert [(p.path, p.rule) for p in ev.problems] == [("sold", "choice_filter")]
    assert "'rice'" in ev.problems[0].message
    ev = evaluate(form, {"grown": ["tea", "rice"], "sold": ["tea"], "main": "rice"}, now=NOW)
    assert [(p.path, p.rule) for p in ev.problems] == [("main", "choice_filter")]
    zh = evaluate(form, {"grown": ["tea"], "sold": ["rice"]}, now=NOW, lang="zh")
    assert zh.problems[0].message == "根据前面的回答，“rice”不在可选范围内。"


@pytest.mark.parametrize(
    ("text", "stored"),
    [("1,200", 1200), ("12,345", 12345), ("1,5", None), ("1,00", None), ("12,34", None)],
)
def test_a_comma_is_only_a_thousands_separator(form, text, stored):
    ev = evaluate(form, {**GOOD, "pop": text}, now=NOW)
    type_problems = [p for p in ev.problems if p.name == "pop" and p.rule == "type"]
    assert ev.answers["pop"] == stored
    assert bool(type_problems) is (stored is None)  # "1,5" is refused, never read as 15


# -- one mistake, one problem -----------------------------------------------------------------


def test_a_value_refused_for_its_type_is_its_only_problem(form):
    """'12OO' (letter O) for the population: one type problem, not also "required" for the
    same question and broken constraints wherever the population is compared with."""
    for answers in (
        {**GOOD, "pop": "12OO"},
        {**GOOD, "pop": "12OO", "resident": 5000},  # would break its constraint for any pop
    ):
        ev = evaluate(form, answers, now=NOW, complete=True)
        assert [(p.path, p.rule) for p in ev.problems] == [("pop", "type")]
        assert ev.problems[0].message == "Enter a whole number."
        assert ev.answers["pop"] is None and ev.answers["density"] is None


def test_constraints_reading_a_refused_repeat_answer_wait_for_it(form):
    answers = {**GOOD, "coop": [{"members": "forty", "women": 10}, GOOD["coop"][1]]}
    ev = evaluate(form, answers, now=NOW, complete=True)
    assert [(p.path, p.rule) for p in ev.problems] == [("coop[1]/members", "type")]


def test_other_problems_are_still_found_beside_a_refused_value(form):
    ev = evaluate(form, {**GOOD, "pop": "12OO", "homestays": -1}, now=NOW)
    assert [(p.path, p.rule) for p in ev.problems] == [
        ("pop", "type"),
        ("homestays", "constraint"),
    ]
    ev = evaluate(form, {**GOOD, "pop": "12OO", "tourism": None}, now=NOW, complete=True)
    assert [(p.path, p.rule) for p in ev.problems] == [("pop", "type"), ("tourism", "required")]


def test_a_choice_refused_is_not_also_filtered_out(xlsform):
    form = load_form(
        xlsform(
            [
                ["type", "name", "label", "choice_filter", "required"],
                ["select_one crop", "grown", "Grown", "", "yes"],
                ["select_one crop", "main", "Main", "name = ${grown}", "yes"],
            ],
            CHOICES,
        )
    )
    ev = evaluate(form, {"grown": "coffee", "main": "tea"}, now=NOW, complete=True)
    assert [(p.path, p.rule) for p in ev.problems] == [("grown", "choice")]


# -- numbers a store can keep, and text that is text ------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (2**63 - 1, 2**63 - 1),
        (-(2**63), -(2**63)),
        ("9223372036854775807", 2**63 - 1),
        (9007199254740993, 9007199254740993),  # above 2**53: kept exactly, not via a float
        ("9007199254740993", 9007199254740993),
        ("1,200", 1200),
        (1e18, 10**18),
    ],
)
def test_whole_numbers_within_64_bits_are_kept_exactly(form, value, stored):
    ev = evaluate(form, {**GOOD, "n_coops": value, "coop": []}, now=NOW)
    assert ev.answers["n_coops"] == stored
    assert [p for p in ev.problems if p.name == "n_coops"] == []


@pytest.mark.parametrize("value", [1e30, "1e30", 10**30, 2**63, -(2**63) - 1, "9" * 25])
def test_whole_numbers_beyond_64_bits_are_refused(form, value):
    ev = evaluate(form, {**GOOD, "n_coops": value}, now=NOW)
    assert ev.answers["n_coops"] is None
    assert [(p.rule, p.message) for p in ev.problems if p.name == "n_coops"] == [
        ("type", "Enter a whole number from -9223372036854775808 to 9223372036854775807.")
    ]
    zh = evaluate(form, {**GOOD, "n_coops": value}, now=NOW, lang="zh")
    assert "9223372036854775807" in next(p.message for p in zh.problems if p.name == "n_coops")


@pytest.mark.parametrize(
    "value", [float("inf"), float("-inf"), float("nan"), "inf", "1e999", "nan"]
)
def test_decimals_that_are_not_finite_are_refused(xlsform, value):
    form = load_form(xlsform([["type", "name", "label"], ["decimal", "area", "Area"]]))
    ev = evaluate(form, {"area": value}, now=NOW)
    assert ev.answers["area"] is None
    assert [(p.rule, p.message) for p in ev.problems] == [("type", "Enter a number.")]


def test_a_decimal_given_as_a_large_whole_number_is_not_changed(xlsform):
    form = load_form(xlsform([["type", "name", "label"], ["decimal", "area", "Area"]]))
    assert evaluate(form, {"area": 9007199254740993}, now=NOW).answers["area"] == 9007199254740993


@pytest.mark.parametrize(
    ("kind", "value", "key"),
    [
        ("text", True, "not_text"),
        ("text", False, "not_text"),
        ("integer", True, "not_integer"),
        ("decimal", False, "not_number"),
    ],
)
def test_true_and_false_are_no_text_or_number(xlsform, kind, value, key):
    form = load_form(xlsform([["type", "name", "label"], [kind, "q", "Q"]]))
    ev = evaluate(form, {"q": value}, now=NOW)
    assert ev.answers["q"] is None
    assert [(p.rule, p.message) for p in ev.problems] == [("type", MESSAGES[key]["en"])]
