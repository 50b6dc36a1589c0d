"""A malformed form is refused with every problem located by sheet, row and column."""

from __future__ import annotations

import pytest

from fieldsurvey.core.forms.builder import check_form, load_form
from fieldsurvey.core.forms.problems import FormRejected

HEAD = [
    "type",
    "name",
    "label::English (en)",
    "label::简体中文 (zh)",
    "relevant",
    "constraint",
    "calculation",
    "required",
]
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::简体中文 (zh)"],
    ["yn", "yes", "Yes", "是"],
    ["yn", "no", "No", "否"],
]


def problems_of(xlsform, survey, choices=CHOICES, settings=()):
    result = check_form(xlsform([HEAD, *survey], choices, settings))
    assert result.form is None
    return result.problems


def one(problems, code):
    found = [p for p in problems if p.code == code]
    assert found, f"no {code} in {[str(p) for p in problems]}"
    return found[0]


def test_good_form_loads(xlsform):
    form = load_form(
        xlsform(
            [
                HEAD,
                ["integer", "age", "Age", "年龄", "", ". >= 0", "", "yes"],
                ["select_one yn", "ok", "OK?", "好吗？", "${age} > 3", "", "", ""],
                ["calculate", "double", "", "", "", "", "${age} * 2", ""],
            ],
            CHOICES,
            [["form_id", "version", "default_language"], ["demo", "3", "English (en)"]],
        )
    )
    assert form.form_id == "demo" and form.version == "3"
    assert form.languages == ["en", "zh"] and form.default_language == "en"
    assert form.label(form.node("age"), "zh") == "年龄"


@pytest.mark.parametrize(
    ("rows", "code", "row", "column", "words"),
    [
        ([["integr", "age", "Age", "年龄"]], "unknown_type", 2, "type", "integr"),
        ([["select_one colours", "c", "Colour", "颜色"]], "missing_list", 2, "type", "colours"),
        (
            [["text", "a", "A", "甲"], ["text", "a", "B", "乙"]],
            "duplicate_name",
            3,
            "name",
            "row 2",
        ),
        ([["integer", "a", "A", "甲", "${a} >"]], "expression_syntax", 2, "relevant", "character"),
        (
            [
                ["integer", "a", "A", "甲", "", "", "", ""],
                ["text", "b", "B", "乙", "${nothing} = 1"],
            ],
            "unknown_reference",
            3,
            "relevant",
            "${nothing}",
        ),
        ([["begin_group", "g", "G", "组"], ["text", "a", "A", "甲"]], "unclosed", 2, "type", "g"),
        (
            [["text", "a", "A", "甲"], ["end_group", "", "", ""]],
            "unbalanced",
            3,
            "type",
            "end_group",
        ),
        (
            [["begin_repeat", "r", "R", "重复"], ["text", "a", "A", "甲"], ["end_group"]],
            "unbalanced",
            4,
            "type",
            "end_repeat",
        ),
        ([["text", "2bad", "A", "甲"]], "bad_name", 2, "name", "2bad"),
        ([["text", "", "A", "甲"]], "no_name", 2, "name", "no name"),
        ([["calculate", "c", "", "", "", "", "", ""]], "no_calculation", 2, "calculation", "c"),
        (
            [
                ["calculate", "c1", "", "", "", "", "${c2} + 1"],
                ["calculate", "c2", "", "", "", "", "${c1} + 1"],
            ],
            "cycle",
            2,
            "calculation",
            "loop",
        ),
        ([["integer", "a", "A", "甲", "", "max(1"]], "expression_syntax", 2, "constraint", "max(1"),
        ([["text", "a", "", ""]], "no_label", 2, "label", "no label"),
        (
            [["select_one_from_file nowhere.csv", "v", "V", "村"]],
            "missing_file",
            2,
            "type",
            "nowhere.csv",
        ),
        (
            [["integer", "a", "A", "甲", "", "", "", "${a} = undefined_fn(1)"]],
            "expression_syntax",
            2,
            "required",
            "undefined_fn",
        ),
    ],
)
def test_malformed_form_is_located(xlsform, rows, code, row, column, words):
    problem = one(problems_of(xlsform, rows), code)
    assert (problem.sheet, problem.row) == ("survey", row)
    assert problem.column.startswith(column)
    assert problem.letter  # a spreadsheet column letter, e.g. "E"
    assert words in problem.message or words in str(problem)


def test_all_problems_reported_at_once(xlsform):
    problems = problems_of(
        xlsform,
        [
            ["integr", "a", "A", "甲"],
            ["text", "b", "B", "乙", "${zzz}"],
            ["select_one nolist", "c", "C", "丙"],
        ],
    )
    assert {p.code for p in problems} >= {"unknown_type", "unknown_reference", "missing_list"}
    assert sorted(p.row for p in problems) == [2, 3, 4]


def test_choice_sheet_problems_are_located(xlsform):
    choices = [*CHOICES, ["yn", "yes", "Yes again", "是"], ["", "x", "X", "X"]]
    problems = problems_of(xlsform, [["select_one yn", "a", "A", "甲"]], choices)
    dup = one(problems, "duplicate_choice")
    assert (dup.sheet, dup.row, dup.column) == ("choices", 4, "name")
    missing = one(problems, "no_list_name")
    assert (missing.sheet, missing.row) == ("choices", 5)


def test_not_a_workbook(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"this is not a zip file")
    result = check_form(bad)
    assert result.form is None and result.problems[0].code == "unreadable"


def test_load_form_raises_with_all_problems(xlsform):
    path = xlsform([HEAD, ["integr", "a", "A", "甲"], ["text", "b", "B", "乙", "${zz}"]])
    with pytest.raises(FormRejected) as info:
        load_form(path)
    assert info.value.exit_code == 3
    assert len(info.value.details) == 2
    assert "row 2" in info.value.details[0] and "row 3" in info.value.details[1]


def test_a_choice_filter_column_the_list_lacks_is_located(xlsform):
    survey = [
        ["type", "name", "label", "choice_filter"],
        ["select_one yn", "first", "First", ""],
        ["select_one yn", "second", "Second", "region = ${first}"],
        ["select_one yn", "third", "Third", "name != ${first}"],  # 'name' is always a column
    ]
    result = check_form(xlsform(survey, CHOICES))
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (3, "choice_filter", "'region' is not a column of the choices in list 'yn'")
    ]
    with_column = [[*CHOICES[0], "region"], [*CHOICES[1], "yes"], [*CHOICES[2], ""]]
    assert check_form(xlsform(survey, with_column)).problems == []


def test_a_damaged_workbook_is_one_problem_for_the_whole_file(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_text("type,name,label\ntext,a,A\n", encoding="utf-8")  # a CSV named .xlsx
    (problem,) = check_form(path).problems
    assert str(problem) == f"{path}: workbook: not a readable .xlsx workbook (BadZipFile)"
