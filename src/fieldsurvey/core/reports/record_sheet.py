"""One record on paper: what was asked, what was answered, by whom, where and when.

``sheet_data`` is the query function (it reads the workspace); ``RecordSheet`` only assembles
the story from small section helpers on the ``Report`` base, which owns the page. Only
relevant questions appear, in the chosen language, grouped by the form's sections; repeats
become tables and photos thumbnails.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Spacer,
    Table,
    TableStyle,
)

from fieldsurvey.core.forms.model import Field, Form, Group, Node, Repeat, pick
from fieldsurvey.core.reports.base import CELL_FONT, RULE, SHADE, Report
from fieldsurvey.core.store.models import Record, Village

Row = dict[str, Any]
PHOTO_BOX = (62 * mm, 46 * mm)
THUMB_PIXELS = 640
MAX_TABLE_COLUMNS = 6
KEEP_ROWS = 8
NUMERIC = frozenset({"integer", "decimal", "range", "calculate"})
_REF = re.compile(r"\$\{[^}]*\}")

WORDS = {
    "en": {
        "village": "Village",
        "status": "Status",
        "enumerator": "Enumerator",
        "created": "Created",
        "saved": "Last saved",
        "form": "Form",
        "record": "Record",
        "revision": "Revision",
        "general": "General",
        "none": "—",
        "no_rows": "No entries.",
        "missing": "file not found",
        "unreadable": "cannot be shown",
        "draft": "Draft",
        "complete": "Complete",
        "acknowledged": "Acknowledged",
    },
    "zh": {
        "village": "村庄",
        "status": "状态",
        "enumerator": "调查员",
        "created": "创建时间",
        "saved": "最后保存",
        "form": "表单",
        "record": "记录",
        "revision": "版本",
        "general": "概况",
        "none": "—",
        "no_rows": "无记录。",
        "missing": "未找到文件",
        "unreadable": "无法显示",
        "draft": "草稿",
        "complete": "已完成",
        "acknowledged": "已确认",
    },
}


@dataclass
class RecordSheetData:
    """Everything a sheet shows, gathered by ``sheet_data`` (or by the exporter in bulk)."""

    record: Record
    form: Form
    answers: Row
    irrelevant: set[str] | frozenset[str]
    head_revision: str
    village: Village | None = None
    media_dir: Path | None = None  # <db dir>/media/<record id>


def sheet_data(ws: Any, record: Record, *, irrelevant: set[str] | None = None) -> RecordSheetData:
    """The query function: the record's form version, village, relevance and photo folder."""
    from fieldsurvey.core.exchange.relevance import RelevanceFilter  # exchange imports reports

    form = ws.form(record.form_id, record.form_version)
    answers = record.answers_dict()
    if irrelevant is None:
        irrelevant = set(RelevanceFilter(form).irrelevant(answers, data_time(record.updated_at)))
    village = next((v for v in ws.villages() if v.code == record.village_code), None)
    db = ws.store.path
    media = db.parent / "media" / record.id if db is not None else None
    return RecordSheetData(
        record, form, answers, irrelevant, record.head_revision_id, village, media
    )


def data_time(stamp: str) -> dt.datetime:
    """A stored UTC stamp as the naive time evaluate and PDFs use."""
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).replace(tzinfo=None)


class RecordSheet(Report):
    def __init__(self, data: RecordSheetData, *, lang: str = "en") -> None:
        self.data = data
        self.words = WORDS.get(lang, WORDS["en"])
        super().__init__(
            lang=lang,
            title=data.form.title_in(lang),
            created=data_time(data.record.updated_at),
            author=data.record.enumerator,
        )

    # -- page texts ------------------------------------------------------------------------
    def header_right(self) -> str:
        return self.village_text()

    def footer_left(self) -> str:
        w, rec = self.words, self.data.record
        return f"{w['record']} {rec.id} · {w['revision']} {self.data.head_revision}"

    # -- the story -------------------------------------------------------------------------
    def story(self) -> list[Flowable]:
        out: list[Flowable] = [*self.title_block(), *self.facts()]
        loose: list[Node] = []  # questions outside any group, gathered under "General"
        for node in self.data.form.root.children:
            if isinstance(node, Group) and not isinstance(node, Repeat):
                out += self.section_of(self.words["general"], loose, "h2") if loose else []
                loose = []
                out += self.section(node, "h2")
            else:
                loose.append(node)
        return out + (self.section_of(self.words["general"], loose, "h2") if loose else [])

    def title_block(self) -> list[Flowable]:
        return [self.para(self.title, "title"), self.para(self.village_text(), "subtitle")]

    def facts(self) -> list[Flowable]:
        w, rec = self.words, self.data.record
        pairs = [
            (w["status"], w.get(rec.status, rec.status)),
            (w["enumerator"], rec.enumerator or w["none"]),
            (w["created"], _when(rec.created_at)),
            (w["saved"], _when(rec.updated_at)),
            (w["form"], f"{rec.form_id} · {rec.form_version}"),
            (w["record"], rec.id),
        ]
        cells = [[self.cell(k, "label"), self.cell(v, "body")] for k, v in pairs]
        rows = [cells[i] + cells[i + 1] for i in range(0, len(cells), 2)]
        width = self.frame_width
        table = Table(rows, colWidths=[width * f for f in (0.13, 0.32, 0.12, 0.43)])
        table.setStyle(
            TableStyle(
                [
                    CELL_FONT,
                    ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 2),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return [Spacer(1, 3 * mm), table, Spacer(1, 2 * mm)]

    def section(self, group: Group, style: str) -> list[Flowable]:
        if group.name in self.data.irrelevant:  # sections are top-level: path is the name
            return []
        return self.section_of(self.label(group), group.children, style)

    def section_of(self, title: str, nodes: list[Node], style: str) -> list[Flowable]:
        """A heading, then runs of question/answer rows broken by repeats and sub-groups."""
        body: list[Flowable] = []
        pending: list[list[Flowable]] = []
        for node in nodes:
            if node.name in self.data.irrelevant:
                continue
            if isinstance(node, Repeat):
                body += self.qa_table(pending) + self.repeat_table(node)
                pending = []
            elif isinstance(node, Group):
                body += self.qa_table(pending) + self.section(node, "h3")
                pending = []
            elif isinstance(node, Field) and _shown(node):
                pending.append([self.question(node), self.answer(node)])
        body += self.qa_table(pending)
        if not body:
            return []
        # a heading never ends a page; the table under it may split across pages
        return [CondPageBreak(25 * mm), self.para(title, style), *body]

    def qa_table(self, rows: list[list[Flowable]]) -> list[Flowable]:
        if not rows:
            return []
        width = self.frame_width
        table = Table(rows, colWidths=[width * 0.42, width * 0.58])
        table.setStyle(
            TableStyle(
                [
                    CELL_FONT,
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
                    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        return [table]

    def repeat_table(
        self, rep: Repeat, rows: list[Row] | None = None, path: str = "", heading: str = ""
    ) -> list[Flowable]:
        """A repeat's rows: a grid when they fit one, else a block per row. *path* is the
        enclosing rows' path (``outer[2]/``) for a nested repeat, *heading* their label."""
        fields = [n for n in rep.walk() if isinstance(n, Field) and _shown(n) and n.repeat is rep]
        inner = [n for n in rep.walk() if isinstance(n, Repeat) and n.repeat is rep]
        if rows is None:
            rows = self.data.answers.get(rep.name) or []
        title = self.para(f"{heading} · {self.label(rep)}" if heading else self.label(rep), "h3")
        if not rows:
            return [title, self.para(self.words["no_rows"], "small")]
        photos = any(f.kind == "image" for f in fields)
        if inner or photos or len(fields) > MAX_TABLE_COLUMNS:
            return [title, *self.repeat_blocks(rep, fields, inner, rows, path, heading)]
        head = [self.cell("#", "th")] + [self.question(f, "th") for f in fields]
        body = [head]
        for i, row in enumerate(rows):
            prefix = f"{path}{rep.name}[{i + 1}]/"
            cells: list[Flowable] = [self.cell(str(i + 1), "td")]
            for f in fields:
                hidden = prefix + f.name in self.data.irrelevant
                cells.append(self.cell("" if hidden else self.value_text(f, row.get(f.name)), "td"))
            body.append(cells)
        width = self.frame_width
        number = 8 * mm
        table = Table(
            body, colWidths=[number] + [(width - number) / len(fields)] * len(fields), repeatRows=1
        )
        table.setStyle(
            TableStyle(
                [
                    CELL_FONT,
                    ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                    ("GRID", (0, 0), (-1, -1), 0.25, RULE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        if len(rows) <= KEEP_ROWS:
            return [KeepTogether([title, table])]  # a short table is not split over pages
        return [CondPageBreak(30 * mm), title, table]

    def repeat_blocks(
        self,
        rep: Repeat,
        fields: list[Field],
        inner: list[Repeat],
        rows: list[Row],
        path: str,
        heading: str,
    ) -> list[Flowable]:
        """Wide repeats, repeats with photos and repeats holding repeats: each row as its own
        question/answer table, followed by its own nested rows."""
        out: list[Flowable] = []
        for i, row in enumerate(rows):
            prefix = f"{path}{rep.name}[{i + 1}]/"
            name = f"{self.label(rep)} {i + 1}"
            name = f"{heading} · {name}" if heading else name
            pairs = [
                [self.question(f), self.row_answer(f, row.get(f.name))]
                for f in fields
                if prefix + f.name not in self.data.irrelevant
            ]
            out += [self.para(name, "small"), *self.qa_table(pairs)]
            for nested in inner:
                if prefix + nested.name in self.data.irrelevant:
                    continue
                out += self.repeat_table(nested, row.get(nested.name) or [], prefix, name)
        return out

    # -- values ----------------------------------------------------------------------------
    def answer(self, f: Field) -> Flowable:
        return self.row_answer(f, self.data.answers.get(f.name))

    def row_answer(self, f: Field, value: Any) -> Flowable:
        if f.kind == "image" and value:
            return self.photo(str(value))
        return self.cell(self.value_text(f, value))

    def photo(self, name: str) -> Flowable:
        folder = self.data.media_dir
        path = folder / name if folder is not None and "/" not in name else None
        if path is None or not path.is_file():
            return self.para(f"{name} ({self.words['missing']})", "small")
        try:
            return _thumbnail(path)
        except Exception:  # noqa: BLE001 - any unreadable image is shown as text, not a crash
            return self.para(f"{name} ({self.words['unreadable']})", "small")

    def value_text(self, f: Field, value: Any) -> str:
        if value is None or value == "" or value == []:
            return self.words["none"]
        clist = self.data.form.choice_list(f)
        if clist is not None:
            codes = value if isinstance(value, list) else [value]
            labels = []
            for code in codes:
                choice = clist.get(str(code))
                labels.append(pick(choice.labels, self.lang, self.default_lang) if choice else code)
            return ("、" if self.lang == "zh" else "; ").join(str(x) for x in labels)
        if f.kind == "geopoint":
            return _geopoint(str(value))
        if f.kind == "acknowledge":
            return self.words["acknowledged"]
        if f.kind in ("dateTime", "start", "end"):
            return str(value).replace("T", " ")
        return str(value)

    @property
    def default_lang(self) -> str:
        return self.data.form.default_language

    def question(self, f: Field, style: str = "label") -> Flowable | list[Flowable]:
        """The question's label; for a number, its hint below it, which is where the forms
        give the unit (persons, 万元, km): "520" alone could be read as yuan or as 万元."""
        label = self.cell(self.label(f), style)
        hint = pick(f.hints, self.lang, self.default_lang) if f.kind in NUMERIC else ""
        if not hint:
            return label
        return [label, self.cell(_REF.sub("#", hint).replace("**", ""), "small")]

    def label(self, node: Node) -> str:
        text = pick(node.labels, self.lang, self.default_lang) or node.name
        return _REF.sub("#", text).replace("**", "")

    def village_text(self) -> str:
        v = self.data.village
        code = self.data.record.village_code
        if v is None:
            return code or ""
        first, second = (v.name_zh, v.name_en) if self.lang == "zh" else (v.name_en, v.name_zh)
        names = " ".join(x for x in (first, second) if x)
        return f"{names} ({v.code})" if names else v.code


def _shown(f: Field) -> bool:
    """Questions a person answered or reads: not notes, not unlabelled calculations."""
    if f.kind in ("note", "start", "end", "today", "deviceid", "username"):
        return False
    return bool(f.labels) or f.kind != "calculate"


def _when(stamp: str) -> str:
    return stamp[:16].replace("T", " ") + " UTC" if stamp else ""


def _geopoint(value: str) -> str:
    parts = value.split()
    if len(parts) < 2:
        return value
    text = f"{parts[0]}, {parts[1]}"
    if len(parts) >= 3:
        text += f" · {parts[2]} m"
    if len(parts) >= 4:
        text += f" · ±{parts[3]} m"
    return text


def _thumbnail(path: Path) -> Image:
    """A small JPEG of the photo: sheets stay light, and the same photo gives the same bytes."""
    from PIL import Image as PILImage

    with PILImage.open(path) as im:
        im = im.convert("RGB")
        im.thumbnail((THUMB_PIXELS, THUMB_PIXELS))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=80)
        w, h = im.size
    scale = min(PHOTO_BOX[0] / w, PHOTO_BOX[1] / h)
    buf.seek(0)
    return Image(buf, width=w * scale, height=h * scale, hAlign="LEFT")
