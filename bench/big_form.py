"""A synthetic 300-question XLSForm with a 50-row repeat, for benchmarks."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HEADER = [
    "type",
    "name",
    "label::English (en)",
    "label::简体中文 (zh)",
    "relevant",
    "constraint",
    "calculation",
    "required",
]
REPEAT_FIELDS = 6
TOP_QUESTIONS = 300 - REPEAT_FIELDS


def write_big_form(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(HEADER)
    for i in range(TOP_QUESTIONS):
        if i % 50 == 0:
            ws.append(["begin_group", f"g{i}", f"Section {i}", f"第{i}节"])
        kind = i % 6
        if kind == 0:
            ws.append(
                ["integer", f"q{i}", f"Q{i}", f"问{i}", "", ". >= 0 and . <= 100000", "", "yes"]
            )
        elif kind == 1:
            ws.append(
                ["decimal", f"q{i}", f"Q{i}", f"问{i}", f"${{q{i - 1}}} > 10", ". >= 0", "", ""]
            )
        elif kind == 2:
            ws.append(["select_one yn", f"q{i}", f"Q{i}", f"问{i}", "", "", "", "yes"])
        elif kind == 3:
            ws.append(
                [
                    "text",
                    f"q{i}",
                    f"Q{i}",
                    f"问{i}",
                    f"${{q{i - 1}}} = 'yes'",
                    "string-length(.) < 200",
                    "",
                    "",
                ]
            )
        elif kind == 4:
            ws.append(
                [
                    "select_multiple crops",
                    f"q{i}",
                    f"Q{i}",
                    f"问{i}",
                    "",
                    "count-selected(.) <= 3",
                    "",
                    "",
                ]
            )
        else:
            ws.append(
                [
                    "calculate",
                    f"q{i}",
                    "",
                    "",
                    "",
                    "",
                    f"coalesce(${{q{i - 5}}}, 0) * 2 + if(selected(${{q{i - 1}}}, 'tea'), 1, 0)",
                    "",
                ]
            )
        if i % 50 == 49:
            ws.append(["end_group"])
    ws.append(["end_group"]) if TOP_QUESTIONS % 50 else None
    ws.append(["begin_repeat", "members", "Members", "成员", "", "", "", ""])
    ws.append(["text", "m_name", "Name", "姓名", "", "", "", "yes"])
    ws.append(["integer", "m_age", "Age", "年龄", "", ". >= 0 and . <= 120", "", "yes"])
    ws.append(["select_one yn", "m_works", "Works?", "就业？", "${m_age} >= 16", "", "", ""])
    ws.append(["decimal", "m_income", "Income", "收入", "${m_works} = 'yes'", ". >= 0", "", ""])
    ws.append(
        ["calculate", "m_share", "", "", "", "", "round(coalesce(${m_income}, 0) div 1000, 1)", ""]
    )
    ws.append(["text", "m_note", "Note", "备注", "${m_age} > 60", "", "", ""])
    ws.append(["end_repeat"])
    ws.append(["calculate", "total_income", "", "", "", "", "sum(${m_income})", ""])
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::简体中文 (zh)"])
    for name, en, zh in (("yes", "Yes", "是"), ("no", "No", "否")):
        choices.append(["yn", name, en, zh])
    for name, en, zh in (
        ("tea", "Tea", "茶叶"),
        ("bamboo", "Bamboo", "竹子"),
        ("fruit", "Fruit", "水果"),
        ("rice", "Rice", "水稻"),
    ):
        choices.append(["crops", name, en, zh])
    settings = wb.create_sheet("settings")
    settings.append(["form_id", "version", "default_language"])
    settings.append(["bench_big", "1", "English (en)"])
    wb.save(path)
    return path


def big_answers() -> dict:
    answers: dict = {}
    for i in range(TOP_QUESTIONS):
        kind = i % 6
        if kind == 0:
            answers[f"q{i}"] = i * 3
        elif kind == 1:
            answers[f"q{i}"] = i * 1.5
        elif kind == 2:
            answers[f"q{i}"] = "yes" if i % 4 else "no"
        elif kind == 3:
            answers[f"q{i}"] = f"answer {i} 答案"
        elif kind == 4:
            answers[f"q{i}"] = ["tea", "fruit"]
    answers["members"] = [
        {
            "_row_id": f"row-{j}",
            "m_name": f"Member {j}",
            "m_age": 10 + j,
            "m_works": "yes" if j % 2 else "no",
            "m_income": 1000.0 * j,
            "m_note": "ok",
        }
        for j in range(50)
    ]
    return answers
