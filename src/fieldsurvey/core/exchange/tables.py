"""Analysis tables in the shape KoboToolbox and ODK exports have taught analysts to expect.

One table per form and one per repeat; one column per question (named by the question, or by
its group path); select_multiple as one column of space-separated codes plus a 0/1 column per
choice (``name/code``); geopoints also split into ``_name_latitude`` and friends; metadata
columns (``_uuid``, ``_index``, ...) after the questions; repeat rows keyed by ``_index`` and
joined to their parent by ``_parent_index`` and ``_parent_uuid``.

Building is the hot path of a large export, so each (table, form version) is compiled once
into a list of small operations and a record is turned into rows by one loop over them.
Non-relevant answers come out empty; text that a spreadsheet would run as a formula is
neutralised here, once, so every format written from these rows is guarded alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldsurvey.core.forms.model import ROW_ID, Choice, Field, Form, Labels, Repeat, pick

FORMULA_START = frozenset("=+-@\t\r")
MAIN_META = (
    "_uuid",
    "_index",
    "_version",
    "_status",
    "_submission_time",
    "_village_code",
    "_enumerator",
    "_device",
    "_revision",
)
ROW_META = ("_index", "_parent_index", "_parent_uuid", "_submission_uuid", "_row_id")
META_LABELS: dict[str, Labels] = {
    "_uuid": {"en": "Record identifier (UUID)", "zh": "记录标识（UUID）"},
    "_index": {"en": "Row number in this table", "zh": "本表行号"},
    "_version": {"en": "Form version", "zh": "表单版本"},
    "_status": {"en": "Record status", "zh": "记录状态"},
    "_submission_time": {"en": "Last saved (UTC)", "zh": "最后保存时间（UTC）"},
    "_village_code": {"en": "Village code", "zh": "村庄代码"},
    "_enumerator": {"en": "Enumerator", "zh": "调查员"},
    "_device": {"en": "Device identifier", "zh": "设备标识"},
    "_revision": {"en": "Head revision identifier", "zh": "当前版本标识"},
    "_parent_index": {"en": "_index of the parent row", "zh": "上级行的 _index"},
    "_parent_uuid": {"en": "UUID of the parent (record or row)", "zh": "上级记录或行的 UUID"},
    "_submission_uuid": {"en": "UUID of the record", "zh": "所属记录的 UUID"},
    "_row_id": {"en": "Row identifier (UUID)", "zh": "行标识（UUID）"},
}
GEO_PARTS = ("latitude", "longitude", "altitude", "precision")
NUMERIC_TYPES = frozenset({"integer", "decimal", "range"})

# operations of a compiled table
_VALUE, _LABEL, _MULTI, _CHOICE, _GEO, _META, _ABSENT = range(7)


def guard(text: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (OWASP's CSV injection rule)."""
    return "'" + text if text and text[0] in FORMULA_START else text


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # value | select_one | select_multiple | choice | geo | meta
    qtype: str  # the question's type, or "metadata"
    name: str  # field name, or the metadata key
    labels: Labels = field(default_factory=dict, compare=False)
    code: str = ""  # the choice of a 0/1 column; the part index of a geopoint column
    choices: tuple[Choice, ...] = field(default=(), compare=False)


@dataclass
class TableSpec:
    name: str  # also the file stem: "<form>" or "<form>-<repeat>"
    form_id: str
    repeat: str | None = None
    parent: str | None = None
    columns: list[Column] = field(default_factory=list)

    @property
    def header(self) -> list[str]:
        return [c.header for c in self.columns]


def table_specs(forms: list[Form], *, group_paths: bool = False) -> list[TableSpec]:
    """The tables for one form across the versions records use (oldest first). Columns follow
    the newest version; a column only older versions have is placed after its old neighbour."""
    newest = forms[-1]
    specs: dict[str | None, TableSpec] = {None: TableSpec(newest.form_id, newest.form_id)}
    for form in reversed(forms):
        for rep in (n for n in form.walk() if isinstance(n, Repeat)):
            if rep.name not in specs:
                parent = rep.repeat.name if rep.repeat else None
                specs[rep.name] = TableSpec(
                    f"{form.form_id}-{rep.name}", form.form_id, rep.name, specs[parent].name
                )
        columns: dict[str | None, list[Column]] = {key: [] for key in specs}
        for f in form.fields():
            if f.has_answer:
                key = f.repeat.name if f.repeat else None
                columns[key] += _field_columns(form, f, group_paths)
        for key, cols in columns.items():
            _merge(specs[key].columns, cols)
    for key, spec in specs.items():
        meta = MAIN_META if key is None else ROW_META
        spec.columns += [Column(m, "meta", "metadata", m, META_LABELS[m]) for m in meta]
    return list(specs.values())


def _field_columns(form: Form, f: Field, group_paths: bool) -> list[Column]:
    header = (
        "/".join([*(a.name for a in f.ancestors() if a.name), f.name]) if group_paths else f.name
    )
    clist = form.choice_list(f)
    choices = tuple(clist.choices) if clist else ()
    if f.kind == "select_multiple":
        return [Column(header, "select_multiple", f.kind, f.name, f.labels, "", choices)] + [
            Column(f"{header}/{c.name}", "choice", f.kind, f.name, f.labels, c.name, (c,))
            for c in choices
        ]
    if f.kind in ("select_one", "select_one_from_file"):
        return [Column(header, "select_one", f.kind, f.name, f.labels, "", choices)]
    cols = [Column(header, "value", f.kind, f.name, f.labels)]
    if f.kind == "geopoint":
        stem = header.rsplit("/", 1)
        stem[-1] = "_" + stem[-1]
        cols += [
            Column(f"{'/'.join(stem)}_{part}", "geo", f.kind, f.name, f.labels, str(i))
            for i, part in enumerate(GEO_PARTS)
        ]
    return cols


def _merge(target: list[Column], cols: list[Column]) -> None:
    known = {c.header: i for i, c in enumerate(target)}
    at = 0
    for col in cols:
        if col.header in known:
            at = known[col.header] + 1
            continue
        target.insert(at, col)
        known = {c.header: i for i, c in enumerate(target)}
        at += 1


# -- rows -------------------------------------------------------------------------------------


@dataclass
class RecordMeta:
    """The metadata columns of one record, as the main table shows them."""

    uuid: str
    version: str
    status: str
    submission_time: str
    village_code: str | None
    enumerator: str
    device: str
    revision: str


Op = tuple[int, str, Any]


class TableBuilder:
    """Turns records into rows of every table of one form; codes, or labels in *lang*."""

    def __init__(self, specs: list[TableSpec], *, labels: bool = False, lang: str = "en") -> None:
        self.specs = specs
        self.labels = labels
        self.lang = lang
        self.rows: dict[str, list[list[Any]]] = {s.name: [] for s in specs}
        self._plans: dict[int, dict[str | None, list[Op]]] = {}
        self._children: dict[str | None, list[TableSpec]] = {}
        for spec in specs:
            if spec.repeat is not None:
                parent = next(s.repeat for s in specs if s.name == spec.parent)
                self._children.setdefault(parent, []).append(spec)

    def _plan(self, form: Form) -> dict[str | None, list[Op]]:
        plan = self._plans.get(id(form))
        if plan is None:
            plan = {s.repeat: [self._op(form, c) for c in s.columns] for s in self.specs}
            self._plans[id(form)] = plan
        return plan

    def _op(self, form: Form, col: Column) -> Op:
        if col.kind == "meta":
            return (_META, col.name, col.name)
        f = form.nodes.get(col.name)
        if not isinstance(f, Field) or not f.has_answer:
            return (_ABSENT, col.name, None)
        multiple = f.kind == "select_multiple"
        if col.kind in ("choice", "select_multiple") and not multiple:
            return (_VALUE if col.kind == "select_multiple" else _ABSENT, col.name, None)
        if col.kind == "choice":
            return (_CHOICE, col.name, col.code)
        if col.kind == "geo":
            return (_GEO, col.name, int(col.code)) if f.kind == "geopoint" else (_ABSENT, "", None)
        if col.kind == "select_one" and (multiple or not f.is_select):
            return (_VALUE, col.name, None)  # the question changed type between versions
        if col.kind in ("select_one", "select_multiple"):
            names = None
            if self.labels:
                clist = form.choice_list(f)
                choices = clist.choices if clist else []
                names = {c.name: pick(c.labels, self.lang, form.default_language) for c in choices}
            return (_LABEL if col.kind == "select_one" else _MULTI, col.name, names)
        return (_VALUE, col.name, None)

    def add(
        self, form: Form, meta: RecordMeta, answers: dict[str, Any], irrelevant: Iterable[str]
    ) -> None:
        """One record: its main row and its repeat rows, in order."""
        plan = self._plan(form)
        irr = irrelevant if irrelevant else None
        main = self.rows[self.specs[0].name]
        index = len(main) + 1
        values = {
            "_uuid": meta.uuid,
            "_index": index,
            "_version": meta.version,
            "_status": meta.status,
            "_submission_time": meta.submission_time,
            "_village_code": meta.village_code,
            "_enumerator": meta.enumerator,
            "_device": meta.device,
            "_revision": meta.revision,
        }
        main.append(_cells(plan[None], answers, irr, "", values))
        self._repeats(plan, None, answers, irr, "", index, meta.uuid, meta.uuid)

    def _repeats(
        self,
        plan: dict[str | None, list[Op]],
        parent: str | None,
        row: dict[str, Any],
        irr: Any,
        prefix: str,
        parent_index: int,
        parent_uuid: str,
        record_uuid: str,
    ) -> None:
        for spec in self._children.get(parent, ()):
            name = spec.repeat or ""
            if irr and prefix + name in irr:
                continue  # a non-relevant repeat has no rows
            table = self.rows[spec.name]
            for j, sub in enumerate(row.get(name) or ()):
                index = len(table) + 1
                row_id = str(sub.get(ROW_ID) or "")
                values = {
                    "_index": index,
                    "_parent_index": parent_index,
                    "_parent_uuid": parent_uuid,
                    "_submission_uuid": record_uuid,
                    "_row_id": row_id,
                }
                sub_prefix = f"{prefix}{name}[{j + 1}]/"
                table.append(_cells(plan[spec.repeat], sub, irr, sub_prefix, values))
                self._repeats(plan, spec.repeat, sub, irr, sub_prefix, index, row_id, record_uuid)


def _cells(ops: list[Op], row: dict[str, Any], irr: Any, prefix: str, meta: dict) -> list[Any]:
    out: list[Any] = []
    append = out.append
    get = row.get
    for op, name, arg in ops:
        if op == _META:
            v = meta[arg]
            append(guard(v) if type(v) is str else v)
            continue
        v = get(name)
        if v is None or op == _ABSENT or (irr and (prefix + name if prefix else name) in irr):
            append(None)
        elif op == _VALUE:
            append(guard(v) if type(v) is str else v)
        elif op == _CHOICE:
            append(1 if arg in v else 0)
        elif op == _LABEL:
            append(guard(arg.get(v, v) if arg else v))
        elif op == _MULTI:
            append(guard("; ".join(arg.get(c, c) for c in v) if arg else " ".join(v)))
        else:  # _GEO: the number as written in the geopoint ("612", not "612.0")
            parts = str(v).split()
            x = float(parts[arg]) if arg < len(parts) else None
            append(int(x) if x is not None and x.is_integer() else x)
    return out


_STATA_BAD = re.compile(r"[^A-Za-z0-9_]")
_STATA_RESERVED = frozenset(
    "aggregate array boolean break byte case catch class colvector complex const continue "
    "default delegate delete do double else eltypedef end enum explicit export external float "
    "for friend function global goto if inline int local long NULL pragma protected quad "
    "rowvector short typedef typename virtual _all _N _skip _b _pi str# in _pred strL _coef "
    "_rc using _cons _se with _n".split()
)


def stata_names(headers: Sequence[str]) -> list[str]:
    """Valid, unique Stata variable names (32 characters, letters, digits and _)."""
    out: list[str] = []
    seen: set[str] = set()
    for h in headers:
        base = _STATA_BAD.sub("_", h)
        if not base or base[0].isdigit():
            base = "v" + base
        if base in _STATA_RESERVED:
            base = "_" + base
        base = base[:32]
        candidate, n = base, 1
        while candidate in seen:
            n += 1
            candidate = f"{base[: 32 - len(str(n)) - 1]}_{n}"
        seen.add(candidate)
        out.append(candidate)
    return out


def codebook(specs: list[TableSpec]) -> tuple[list[str], list[list[Any]]]:
    """Every column of every table with its labels in both languages, type and choices; a
    choice gets a row of its own under its column (with the number Stata files use)."""
    header = [
        "table",
        "column",
        "question",
        "type",
        "label_en",
        "label_zh",
        "choice",
        "choice_label_en",
        "choice_label_zh",
        "stata_value",
        "stata_variable",
    ]
    rows: list[list[Any]] = []
    for spec in specs:
        for col, variable in zip(spec.columns, stata_names(spec.header)):
            qtype = col.qtype if col.kind != "geo" else f"geopoint {GEO_PARTS[int(col.code)]}"
            qtype = "select_multiple choice (0/1)" if col.kind == "choice" else qtype
            en, zh = pick(col.labels, "en"), pick(col.labels, "zh")
            rows.append(
                [spec.name, col.header, col.name, qtype, en, zh, "", "", "", None, variable]
            )
            if col.kind in ("select_one", "select_multiple"):
                for n, c in enumerate(col.choices, start=1):
                    value = n if col.kind == "select_one" else None
                    label_en, label_zh = pick(c.labels, "en"), pick(c.labels, "zh")
                    rows.append([spec.name, col.header, col.name, "choice", "", "", c.name,
                                 label_en, label_zh, value, variable])  # fmt: skip
    return header, [[guard(v) if isinstance(v, str) else v for v in r] for r in rows]
