"""Evaluating a record: types, relevance, calculations in repeats, required and constraints."""

from __future__ import annotations

import datetime as dt

import pytest

from fieldsurvey.core.forms.builder import load_form
from fieldsurvey.core.forms.evaluation import evaluate, relevant_answers

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
