"""Analysis tables: CSV read back with pandas, repeats joined, formula guard, XLSX, Stata, codebook,
and the fast relevance pass held equal to evaluate()."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from fieldsurvey.core.demo import add_demo_data
from fieldsurvey.core.exchange import ExportOptions, export_package
from fieldsurvey.core.exchange.relevance import RelevanceFilter
from fieldsurvey.core.exchange.tables import FORMULA_START, table_specs
from fieldsurvey.core.forms.builder import load_form
from fieldsurvey.core.forms.evaluation import evaluate, relevant_answers
from fieldsurvey.core.forms.model import Field, Form, Group, Repeat, pick
from fieldsurvey.core.workspace import Workspace

LANGS = [["type", "name", "label::English (en)", "label::简体中文 (zh)", "relevant"]]
SETTINGS = [["form_id", "version", "default_language"], ["notes", "1", "English (en)"]]
TEXT_FORM = LANGS + [
    ["text", "remark", "Remark", "备注", ""],
    ["integer", "count", "Count", "数量", ""],
    ["decimal", "amount", "Amount", "金额", ""],
    ["select_one yn", "ok", "All well?", "一切正常？", ""],
    ["text", "why", "Why not?", "为什么？", "${ok} = 'no'"],
    ["begin_repeat", "items", "Items", "物品", ""],
    ["text", "item", "Item", "物品名称", ""],
    ["select_multiple colour", "colours", "Colours", "颜色", ""],
    ["end_repeat", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", "label::English (en)", "label::简体中文 (zh)"],
    ["yn", "yes", "Yes", "是"],
    ["yn", "no", "No", "否"],
    ["colour", "red", "Red", "红"],
    ["colour", "green", "Green", "绿"],
]
HARD_TEXTS = [
    "松阳高腔；清明祭祖；黄泥墙夯土营造技艺",
    "tea 🍵 and fireworks 🎉",
    "she said \"yes\", then 'no'",
    "a, b, c,, d",
    "two\nlines",
    "windows\r\nline end",
    "  spaces kept  ",
    '=HYPERLINK("http://x","click")',
    "+86 138 5780 1234",
    "-not a number",
    "@SUM(A1:A9)",
    "\tleading tab",
    "\rleading carriage return",
    "'already quoted",
]


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def unguard(text: str) -> str:
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_START else text


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "survey.db") as opened:
        opened.initialise(enumerator="王丽", device="Laptop 3")
        add_demo_data(opened)
        yield opened


def export(ws: Workspace, folder: Path, **options: Any) -> Path:
    folder.mkdir(exist_ok=True)
    result = export_package(ws, ExportOptions(out=folder / "pkg.zip", status="all", **options))
    with zipfile.ZipFile(result.path) as zf:
        zf.extractall(folder / "x")
    return next((folder / "x").iterdir()) / "data"


def expected_cell(f: Field, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, str):
        return "'" + value if value[:1] in FORMULA_START else value
    return str(value)


# -- CSV --------------------------------------------------------------------------------------


def test_main_tables_read_back_to_the_relevant_stored_answers(
    ws: Workspace, tmp_path: Path
) -> None:
    data = export(ws, tmp_path)
    for form_id in ("village_profile", "practice_assessment"):
        table = read_csv(data / "csv" / f"{form_id}.csv").set_index("_uuid")
        for record in ws.records(form_id=form_id):
            form = ws.form(record.form_id, record.form_version)
            ev = evaluate(form, record.answers_dict(), now=dt.datetime(2026, 12, 1))
            relevant = relevant_answers(form, ev)
            row = table.loc[record.id]
            assert row["_status"] == record.status and row["_version"] == record.form_version
            assert (
                row["_village_code"] == record.village_code
                and row["_revision"] == record.head_revision_id
            )
            for f in form.fields():
                if f.has_answer and f.repeat is None:
                    assert row[f.name] == expected_cell(f, relevant.get(f.name)), f.name
                if f.kind == "select_multiple" and f.repeat is None:
                    chosen = relevant.get(f.name)
                    for c in form.choice_list(f).choices:
                        want = "" if chosen is None else str(int(c.name in chosen))
                        assert row[f"{f.name}/{c.name}"] == want
        assert list(table["_index"]) == [str(i) for i in range(1, len(table) + 1)]


def test_labels_mode_writes_choice_labels_that_map_back_to_codes(
    ws: Workspace, tmp_path: Path
) -> None:
    data = export(ws, tmp_path, labels=True, lang="zh")
    table = read_csv(data / "csv" / "village_profile.csv").set_index("_uuid")
    form = ws.form("village_profile")
    for record in ws.records(form_id="village_profile"):
        answers = relevant_answers(form, evaluate(form, record.answers_dict()))
        row = table.loc[record.id]
        for f in (f for f in form.fields() if f.is_select and f.repeat is None):
            labels = {pick(c.labels, "zh"): c.name for c in form.choice_list(f).choices}
            if answers.get(f.name) is None:
                assert row[f.name] == ""
            elif f.kind == "select_multiple":
                assert [labels[x] for x in row[f.name].split("; ")] == answers[f.name]
            else:
                assert labels[row[f.name]] == answers[f.name]
    assert (
        table.loc[
            next(
                r.id
                for r in ws.records()
                if r.village_code == "SY-SAN-001" and r.form_id == "village_profile"
            ),
            "township",
        ]
        == "三都乡"
    )


def test_repeat_tables_join_to_their_parents(ws: Workspace, tmp_path: Path) -> None:
    data = export(ws, tmp_path)
    main = read_csv(data / "csv" / "village_profile.csv")
    coops = read_csv(data / "csv" / "village_profile-cooperative.csv")
    joined = coops.merge(main, left_on="_parent_uuid", right_on="_uuid", suffixes=("", "_main"))
    assert len(joined) == len(coops) == 3
    assert (joined["_parent_index"] == joined["_index_main"]).all()
    assert (joined["_submission_uuid"] == joined["_uuid"]).all()
    for record in ws.records(form_id="village_profile"):
        rows = record.answers_dict().get("cooperative") or []
        mine = coops[coops["_parent_uuid"] == record.id]
        assert list(mine["_row_id"]) == [r["_row_id"] for r in rows]
        assert list(mine["coop_name"]) == [r["coop_name"] for r in rows]
        assert list(mine["coop_members"]) == [str(r["coop_members"]) for r in rows]
    stakeholders = read_csv(data / "csv" / "practice_assessment-stakeholder.csv")
    assert set(stakeholders["_parent_uuid"]) <= set(
        read_csv(data / "csv" / "practice_assessment.csv")["_uuid"]
    )


def test_non_relevant_answers_are_left_empty(ws: Workspace, tmp_path: Path) -> None:
    saved = ws.add_record(
        "village_profile",
        {"township": "sandu", "village": "SY-SAN-002", "consent": "OK", "main_industries": ["tea"],
         "tea_area": 120, "homestays": 5, "historic_buildings": 0, "restored_buildings": 4},
    )  # fmt: skip
    data = export(ws, tmp_path)
    row = read_csv(data / "csv" / "village_profile.csv").set_index("_uuid").loc[saved.record.id]
    assert row["tea_area"] == "120" and row["homestays"] == "" and row["restored_buildings"] == ""
    assert row["main_industries"] == "tea" and row["main_industries/tea"] == "1"
    assert row["main_industries/tourism"] == "0"


def test_hard_text_round_trips_and_formulas_are_neutralised(tmp_path: Path, xlsform) -> None:
    path = xlsform(TEXT_FORM, CHOICES, SETTINGS, name="notes.xlsx")
    with Workspace.open(tmp_path / "survey.db") as ws:
        ws.add_form(path)
        ids = []
        for i, text in enumerate(HARD_TEXTS):
            answers = {"remark": text, "count": -5 + i, "amount": -2.5, "ok": "no", "why": text,
                       "items": [{"item": text, "colours": ["red", "green"]}]}  # fmt: skip
            ids.append(ws.add_record("notes", answers).record.id)
        data = export(ws, tmp_path)
    raw = (data / "csv" / "notes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert b'"she said ""yes"", then \'no\'"' in raw  # RFC 4180 doubled quotes
    table = read_csv(data / "csv" / "notes.csv").set_index("_uuid")
    items = read_csv(data / "csv" / "notes-items.csv").set_index("_parent_uuid")
    for record_id, text in zip(ids, HARD_TEXTS):
        row = table.loc[record_id]
        for cell in (row["remark"], row["why"], items.loc[record_id, "item"]):
            assert unguard(cell) == text
            assert cell[:1] not in FORMULA_START  # nothing a spreadsheet would run
        assert row["amount"] == "-2.5"  # numbers stay numbers, negative or not
    assert table.loc[ids[0], "count"] == "-5"
    assert table.loc[ids[7], "remark"] == '\'=HYPERLINK("http://x","click")'
    assert table.loc[ids[13], "remark"] == "'already quoted"  # not a formula: left alone
    assert items.loc[ids[0], "colours"] == "red green" and items.loc[ids[0], "colours/green"] == "1"


def test_the_byte_order_mark_can_be_left_out(ws: Workspace, tmp_path: Path) -> None:
    data = export(ws, tmp_path, bom=False)
    raw = (data / "csv" / "village_profile.csv").read_bytes()
    assert (
        raw.startswith(b"username,township,")  # metadata first, as in ODK exports
        and "杨家堂".encode() in (data / "csv" / "village_profile-cooperative.csv").read_bytes()
    )


def test_group_paths_name_columns_by_their_groups(ws: Workspace, tmp_path: Path) -> None:
    data = export(ws, tmp_path, group_paths=True)
    header = list(read_csv(data / "csv" / "village_profile.csv").columns)
    assert "identification/township" in header and "economy/main_industries/tea" in header
    assert "identification/_gps_latitude" in header and header[-9:][0] == "_uuid"
    coop = list(read_csv(data / "csv" / "village_profile-cooperative.csv").columns)
    assert "governance/cooperative/coop_name" in coop


def test_codebook_lists_every_column_in_both_languages(ws: Workspace, tmp_path: Path) -> None:
    data = export(ws, tmp_path)
    book = read_csv(data / "csv" / "codebook.csv")
    columns = book[book["type"] != "choice"]
    for csv_file in (data / "csv").glob("*.csv"):
        if csv_file.name != "codebook.csv":
            listed = list(columns[columns["table"] == csv_file.stem]["column"])
            assert listed == list(read_csv(csv_file).columns)
    pop = columns[columns["column"] == "registered_pop"].iloc[0]
    assert (pop["label_en"], pop["label_zh"], pop["type"]) == (
        "Registered population (hukou)",
        "户籍人口",
        "integer",
    )
    tea = book[(book["column"] == "main_industries") & (book["choice"] == "tea")].iloc[0]
    assert tea["choice_label_zh"] == "茶叶" and tea["choice_label_en"]
    assert "notes" not in set(columns["type"]) and "group" not in set(columns["type"])
    assert "elderly_share" in set(columns["column"])  # calculations are columns


def test_codebook_maps_each_column_to_its_stata_variable(ws: Workspace, tmp_path: Path) -> None:
    """Stata names are cut to 32 characters; an analyst joining the .dta back to the codebook
    or the CSV needs to know which is which."""
    data = export(ws, tmp_path)
    book = read_csv(data / "csv" / "codebook.csv")
    columns = book[
        (book["type"] != "choice") & (book["table"] == "practice_assessment-stakeholder")
    ]
    variables = list(pd.read_stata(data / "stata" / "practice_assessment-stakeholder.dta").columns)
    assert list(columns["stata_variable"]) == variables
    long = columns[columns["column"].str.len() > 32].iloc[0]
    assert len(long["stata_variable"]) <= 32 and long["stata_variable"] in variables


# -- XLSX and Stata ------------------------------------------------------------------------


def test_workbook_has_one_sheet_per_table_with_typed_cells(ws: Workspace, tmp_path: Path) -> None:
    data = export(ws, tmp_path)
    wb = openpyxl.load_workbook(data / "xlsx" / "tables.xlsx")
    assert wb.sheetnames == ["practice_assessment", "practice_assessment-stakeholder",
                             "village_profile", "village_profile-cooperative", "codebook"]  # fmt: skip
    sheet = wb["village_profile"]
    rows = list(sheet.iter_rows(values_only=True))
    csv_table = read_csv(data / "csv" / "village_profile.csv")
    assert list(rows[0]) == list(csv_table.columns)
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    header = rows[0]
    first = dict(zip(header, rows[1]))
    assert isinstance(first["registered_pop"], int) and isinstance(
        first["collective_income"], float
    )
    assert first["respondent_name"] == csv_table.iloc[0]["respondent_name"]
    for values, (_, expected) in zip(rows[1:], csv_table.iterrows()):
        for got, want in zip(values, expected):  # Excel keeps one kind of number: 63.0 is 63
            assert (float(want) == got) if isinstance(got, (int, float)) else (got or "") == want


def test_stata_files_are_version_118_with_value_labels(ws: Workspace, tmp_path: Path) -> None:
    data = export(ws, tmp_path, lang="zh")
    path = data / "stata" / "village_profile.dta"
    assert path.read_bytes().startswith(b"<stata_dta><header><release>118</release>")
    frame = pd.read_stata(path)
    assert "三都乡" in set(frame["township"].astype(str))
    assert frame["registered_pop"].dtype.kind == "f"
    assert "main_industries_tea" in frame.columns  # "/" is not allowed in Stata names
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
        assert labels["registered_pop"] == "户籍人口"
        assert reader.value_labels()["township"][10.0] == "三都乡"
    codes = pd.read_stata(path, convert_categoricals=False)
    book = read_csv(data / "csv" / "codebook.csv")
    sandu = book[(book["column"] == "township") & (book["choice"] == "sandu")].iloc[0]
    assert float(sandu["stata_value"]) in set(codes["township"])


def test_xlsx_and_stata_bytes_do_not_depend_on_the_clock(ws: Workspace, tmp_path: Path) -> None:
    first = export(ws, tmp_path / "a")
    second = export(ws, tmp_path / "b")
    for name in ("xlsx/tables.xlsx", "stata/village_profile.dta", "csv/codebook.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    with zipfile.ZipFile(io.BytesIO((first / "xlsx/tables.xlsx").read_bytes())) as zf:
        assert len({i.date_time for i in zf.infolist()}) == 1


# -- table layout across form versions -------------------------------------------------------


def test_columns_of_older_versions_join_the_newest_layout(tmp_path: Path, xlsform) -> None:
    def version(v: str, names: list[str]) -> Form:
        rows = LANGS + [["integer", n, n, n, ""] for n in names]
        return load_form(xlsform(rows, (), [SETTINGS[0], ["notes", v, "English (en)"]]))

    old, new = version("1", ["a", "b", "c"]), version("2", ["a", "c", "d"])
    (spec,) = table_specs([old, new])
    assert spec.header[:4] == ["a", "b", "c", "d"] and spec.header[4] == "_uuid"


# -- the fast relevance pass -----------------------------------------------------------------


def _random_answers(form: Form, group: Group, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for node in group.children:
        if isinstance(node, Repeat):
            out[node.name] = [
                {**_random_answers(form, node, rng), "_row_id": str(i)}
                for i in range(rng.randint(0, 3))
            ]
        elif isinstance(node, Group):
            out.update(_random_answers(form, node, rng))
        elif isinstance(node, Field) and node.has_answer and rng.random() > 0.3:
            value = _random_value(form, node, rng)
            if value is not None:
                out[node.name] = value
    return out


def _random_value(form: Form, f: Field, rng: random.Random) -> Any:
    clist = form.choice_list(f)
    codes = [c.name for c in clist.choices] if clist else []
    if f.kind == "select_multiple":
        return rng.sample(codes, rng.randint(0, min(3, len(codes))))
    if f.kind in ("select_one", "select_one_from_file"):
        return rng.choice(codes)
    return {
        "integer": rng.randint(-2, 30),
        "decimal": rng.choice([0, 1.5, 20.25, -3.0]),
        "range": rng.randint(1, 5),
        "acknowledge": "OK",
        "text": rng.choice(["a", "", "x y"]),
    }.get(f.kind)


@pytest.mark.parametrize("form_id", ["village_profile", "practice_assessment"])
def test_fast_relevance_agrees_with_evaluate(ws: Workspace, form_id: str) -> None:
    form = ws.form(form_id)
    flt = RelevanceFilter(form)
    rng = random.Random(form_id)
    now = dt.datetime(2026, 12, 1)
    for _ in range(400):
        answers = _random_answers(form, form.root, rng)
        assert set(flt.irrelevant(answers, now)) == evaluate(form, answers, now=now).irrelevant
    assert flt.fallbacks == 0  # the fast path handled every record
    for record in ws.records(form_id=form_id):
        answers = record.answers_dict()
        assert set(flt.irrelevant(answers, now)) == evaluate(form, answers, now=now).irrelevant
