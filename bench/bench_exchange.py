"""Exchange packages: the CSV path on 100,000 records x 60 columns, and PDF sheets per second.

CSV: the timed path starts from the records' answer dicts (as stored) and includes everything
an export does per record: the relevance pass, building the rows (codes, split
select_multiple, geopoint parts, formula guard) and writing the UTF-8 CSV. The floor is
``DataFrame.to_csv`` of the already-built table, written to the same kind of file.

PDF: 1,000 record sheets (the demo records, English and Chinese alternately), against a floor
of 1,000 one-page reportlab documents with the same bundled fonts and 60 lines of text.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from common import median_seconds, report
from fieldsurvey.core.exchange.relevance import RelevanceFilter
from fieldsurvey.core.exchange.tablefiles import write_csv
from fieldsurvey.core.exchange.tables import RecordMeta, TableBuilder, table_specs
from fieldsurvey.core.forms.builder import load_form

RECORDS = 100_000
SHEETS = 1000
HEADER = ["type", "name", "label::English (en)", "label::简体中文 (zh)", "relevant", "calculation"]
CROPS = ["tea", "bamboo", "fruit", "rice", "herbs"]


def write_form(path: Path) -> Path:
    """37 questions that make 51 data columns, plus 9 metadata columns: 60 in all."""
    wb = Workbook()
    ws = wb.active
    ws.title = "survey"
    ws.append(HEADER)
    ws.append(["begin_group", "household", "Household", "住户", "", ""])
    ws.append(["text", "name", "Name", "姓名", "", ""])
    ws.append(["select_one yn", "consent", "Consent", "同意", "", ""])
    ws.append(["date", "visit", "Visit date", "访问日期", "", ""])
    ws.append(["geopoint", "gps", "Location", "位置", "", ""])
    ws.append(["end_group"])
    ws.append(["begin_group", "farm", "Farm", "农场", "${consent} = 'yes'", ""])
    for i in range(19):
        relevant = f"${{n{i - 1}}} > 10" if i % 4 == 3 else ""
        ws.append(["integer", f"n{i}", f"Count {i}", f"数量{i}", relevant, ""])
    for i in range(5):
        ws.append(["decimal", f"d{i}", f"Amount {i}", f"金额{i}", "", ""])
    ws.append(["select_multiple crops", "crops", "Crops", "作物", "", ""])
    ws.append(["decimal", "tea_area", "Tea area", "茶园面积", "selected(${crops}, 'tea')", ""])
    ws.append(["select_multiple crops", "sold", "Sold", "出售", "count-selected(${crops}) > 1", ""])
    for i in range(3):
        ws.append(["select_one yn", f"s{i}", f"Question {i}", f"问题{i}", "", ""])
    ws.append(["text", "other", "Other", "其他", "${s0} = 'no'", ""])
    ws.append(["text", "remarks", "Remarks", "备注", "", ""])
    ws.append(["calculate", "total", "", "", "", "${n0} + ${n1}"])
    ws.append(["end_group"])
    choices = wb.create_sheet("choices")
    choices.append(["list_name", "name", "label::English (en)", "label::简体中文 (zh)"])
    choices.append(["yn", "yes", "Yes", "是"])
    choices.append(["yn", "no", "No", "否"])
    for c in CROPS:
        choices.append(["crops", c, c.title(), c])
    settings = wb.create_sheet("settings")
    settings.append(["form_id", "version", "default_language"])
    settings.append(["bench_export", "1", "English (en)"])
    wb.save(path)
    return path


def answers(rng: random.Random, i: int) -> dict:
    crops = rng.sample(CROPS, rng.randint(0, 3))
    n = [rng.randint(0, 40) for _ in range(19)]
    out = {
        "name": rng.choice(["王丽", "Chen, Wei", 'say "hi"', "=SUM(A1)", "line\nbreak", "叶建华"]),
        "consent": "yes" if i % 10 else "no",
        "visit": f"2026-10-{1 + i % 28:02d}",
        "gps": f"28.{i % 9999:04d} 119.{i % 7777:04d} 600 5",
        **{f"n{k}": v for k, v in enumerate(n)},
        **{f"d{k}": round(rng.random() * 1000, 2) for k in range(5)},
        "crops": crops,
        "tea_area": round(rng.random() * 50, 1),
        "sold": crops[:1],
        **{f"s{k}": rng.choice(["yes", "no"]) for k in range(3)},
        "other": "其他说明, with a comma",
        "remarks": "松阳 🍵 remark" if i % 3 else "-",
        "total": n[0] + n[1],
    }
    return out


def bench_csv() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        form = load_form(write_form(folder / "form.xlsx"))
        rng = random.Random(7)
        records = [answers(rng, i) for i in range(RECORDS)]
        metas = [
            RecordMeta(f"{i:08d}-0000-4000-8000-000000000000", "1", "complete",
                       "2026-10-12T09:30:00.000Z", "SY-SAN-001", "Wang Li", "dev-1", "rev")
            for i in range(RECORDS)
        ]  # fmt: skip
        now = dt.datetime(2026, 11, 1)
        specs = table_specs([form])
        main = specs[0]

        def ours() -> TableBuilder:
            flt = RelevanceFilter(form)
            builder = TableBuilder(specs)
            for meta, a in zip(metas, records):
                builder.add(form, meta, a, flt.irrelevant(a, now))
            with open(folder / "ours.csv", "wb") as fh:
                write_csv(fh, main.header, builder.rows[main.name])
            return builder

        built = ours()
        frame = pd.DataFrame(built.rows[main.name], columns=main.header)
        assert frame.shape == (RECORDS, 60), frame.shape

        def floor() -> None:
            frame.to_csv(folder / "floor.csv", index=False, encoding="utf-8-sig")

        seconds = median_seconds(ours, repeat=3, warmup=0)
        floor_s = median_seconds(floor, repeat=3, warmup=0)
        report(
            f"CSV {RECORDS:,} records x {frame.shape[1]} columns", seconds, floor_s,
            "DataFrame.to_csv", "< 2x",
        )  # fmt: skip
        flt = RelevanceFilter(form)
        for a in records[:10_000]:
            flt.irrelevant(a, now)
        print(f"  relevance fell back to evaluate() for {flt.fallbacks} of 10,000 records")


def bench_pdf() -> None:
    from fieldsurvey.core.demo import add_demo_data
    from fieldsurvey.core.reports import RecordSheet, sheet_data
    from fieldsurvey.core.workspace import Workspace

    with tempfile.TemporaryDirectory() as tmp, Workspace.open(Path(tmp) / "b.db") as ws:
        ws.initialise(enumerator="Li Na", device="bench")
        add_demo_data(ws)
        datas = [sheet_data(ws, r) for r in ws.records(status=None)]
        RecordSheet(datas[0], lang="zh").render()  # font registration, outside the timing
        start = time.perf_counter()
        for i in range(SHEETS):
            RecordSheet(datas[i % len(datas)], lang=("en", "zh")[i % 2]).render()
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        for _ in range(SHEETS):
            _plain_page()
        floor = time.perf_counter() - start
    report(f"PDF: {SHEETS:,} record sheets", seconds, floor, "plain 1-page PDFs", "< 30 s")


def _plain_page() -> bytes:
    """The least a sheet can cost: one page of text lines in the same fonts."""
    import io

    from reportlab.pdfgen import canvas

    from fieldsurvey.core.reports.fonts import CJK, register_fonts

    register_fonts()
    cjk = CJK
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    for i in range(60):
        c.setFont("Helvetica", 9)
        c.drawString(40, 800 - i * 12, f"Question {i}: answer {i}")
        c.setFont(cjk, 9)
        c.drawString(300, 800 - i * 12, "杨家堂村 常住人口")
    c.showPage()
    c.save()
    return buf.getvalue()


def main() -> None:
    bench_csv()
    bench_pdf()


if __name__ == "__main__":
    main()
