"""Everything under a package's ``data/`` folder, written into the bag in a fixed order.

``Payload`` receives what the exporter read from the store (records, their revisions, the
forms and villages they use) and writes records.jsonl, the forms, the analysis tables, one
PDF sheet per record and the photos. Each step reports progress and may be cancelled
between steps; nothing here touches the database.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fieldsurvey.core.exchange.bagzip import BagZipWriter
from fieldsurvey.core.exchange.content import (
    form_file,
    form_files_index,
    form_media,
    forms_index,
    media_names,
    media_problem,
    record_line,
    safe_part,
    villages_csv,
)
from fieldsurvey.core.exchange.relevance import RelevanceFilter
from fieldsurvey.core.exchange.tablefiles import write_csv, write_dta, write_xlsx
from fieldsurvey.core.exchange.tables import RecordMeta, TableBuilder, codebook, table_specs
from fieldsurvey.core.forms.model import Form
from fieldsurvey.core.reports.record_sheet import RecordSheet, RecordSheetData, data_time
from fieldsurvey.core.store.models import FormDef, FormFile, Record, Revision, Village

Tick = Callable[[str], None]


@dataclass
class Selection:
    """What the exporter read from the store for one package."""

    records: list[Record]
    revisions: dict[str, list[Revision]]
    defs: list[FormDef]  # the form versions the records use, oldest first per form
    forms: dict[tuple[str, str], Form]
    villages: list[Village]
    media_root: Path | None  # <db dir>/media
    warnings: list[str] = field(default_factory=list)
    files: list[FormFile] = field(default_factory=list)  # kept with those versions, sorted

    @property
    def revision_count(self) -> int:
        return sum(len(v) for v in self.revisions.values())

    def steps(self, media: int, sheets: bool = True) -> int:
        """Progress units: start, records, forms, each form's tables, the workbook, one per
        sheet and per photo, and the final rename."""
        forms = len({fd.form_id for fd in self.defs})
        return 5 + forms + (len(self.records) if sheets else 0) + media


class Payload:
    def __init__(
        self,
        sel: Selection,
        bag: BagZipWriter,
        *,
        lang: str,
        labels: bool,
        group_paths: bool,
        bom: bool = True,
        sheets: bool = True,
    ) -> None:
        self.sel = sel
        self.with_sheets = sheets
        self.bag = bag
        self.lang = lang
        self.labels = labels
        self.group_paths = group_paths
        self.bom = bom
        self.moment = max(data_time(r.updated_at) for r in sel.records)
        self.irrelevant: dict[str, set[str] | frozenset[str]] = {}
        self._filters: dict[tuple[str, str], RelevanceFilter] = {}
        self.media = self._media()

    def _media(self) -> list[tuple[str, str, Path]]:
        """(record id, file name, source) for every photo that can travel; warn about others."""
        out = []
        for record in self.sel.records:
            form = self.sel.forms[(record.form_id, record.form_version)]
            folder = self.sel.media_root / record.id if self.sel.media_root else None
            for name in media_names(form, self.sel.revisions[record.id]):
                problem = media_problem(name, folder)
                if problem:
                    self.sel.warnings.append(
                        f"record {record.id}: photo {name!r} not included: {problem}"
                    )
                else:
                    out.append((record.id, name, folder / name))  # type: ignore[operator]
        return out

    def relevance(self, record: Record) -> set[str] | frozenset[str]:
        found = self.irrelevant.get(record.id)
        if found is None:
            key = (record.form_id, record.form_version)
            flt = self._filters.get(key) or self._filters.setdefault(
                key, RelevanceFilter(self.sel.forms[key])
            )
            found = flt.irrelevant(record.answers_dict(), data_time(record.updated_at))
            self.irrelevant[record.id] = found
        return found

    # -- the steps, in package order -------------------------------------------------------
    def write(self, tick: Tick) -> None:
        self.records(tick)
        self.forms(tick)
        self.tables(tick)
        if self.with_sheets:
            self.sheets(tick)
        self.photos(tick)

    def records(self, tick: Tick) -> None:
        with self.bag.open("data/records.jsonl") as out:
            for record in self.sel.records:
                out.write(record_line(record, self.sel.revisions[record.id]).encode("utf-8"))
        tick("records.jsonl")

    def forms(self, tick: Tick) -> None:
        self.bag.add_bytes("data/forms/forms.csv", forms_index(self.sel.defs))
        for fd in self.sel.defs:
            self.bag.add_bytes(f"data/{form_file(fd)}", fd.definition)
        if self.sel.files:
            self.bag.add_bytes("data/forms/form_files.csv", form_files_index(self.sel.files))
        for f in self.sel.files:
            self.bag.add_bytes(f"data/{form_media(f.form_id, f.version, f.file_name)}", f.data)
        self.bag.add_bytes("data/forms/villages.csv", villages_csv(self.sel.villages))
        tick("forms")

    def tables(self, tick: Tick) -> None:
        sheets: list[tuple[str, list[str], list[list]]] = []
        all_specs = []
        for form_id in dict.fromkeys(fd.form_id for fd in self.sel.defs):
            versions = [self.sel.forms[(fd.form_id, fd.version)] for fd in self.sel.defs
                        if fd.form_id == form_id]  # fmt: skip
            specs = table_specs(versions, group_paths=self.group_paths)
            all_specs += specs
            codes = TableBuilder(specs)
            shown = TableBuilder(specs, labels=True, lang=self.lang) if self.labels else codes
            for record in self.sel.records:
                if record.form_id != form_id:
                    continue
                form = self.sel.forms[(record.form_id, record.form_version)]
                meta = _meta(record)
                answers, irr = record.answers_dict(), self.relevance(record)
                codes.add(form, meta, answers, irr)
                if shown is not codes:
                    shown.add(form, meta, answers, irr)
            for spec in specs:
                with self.bag.open(f"data/csv/{spec.name}.csv") as out:
                    write_csv(out, spec.header, shown.rows[spec.name], bom=self.bom)  # type: ignore[arg-type]
                buf = io.BytesIO()
                write_dta(buf, spec, codes.rows[spec.name], lang=self.lang, moment=self.moment)
                self.bag.add_bytes(f"data/stata/{spec.name}.dta", buf.getvalue())
                sheets.append((spec.name, spec.header, shown.rows[spec.name]))
            tick(f"tables of {form_id}")
        header, rows = codebook(all_specs)
        with self.bag.open("data/csv/codebook.csv") as out:
            write_csv(out, header, rows, bom=self.bom)  # type: ignore[arg-type]
        buf = io.BytesIO()
        write_xlsx(buf, [*sheets, ("codebook", header, rows)], self.moment)
        self.bag.add_bytes("data/xlsx/tables.xlsx", buf.getvalue())
        tick("tables.xlsx")

    def sheets(self, tick: Tick) -> None:
        villages = {v.code: v for v in self.sel.villages}
        for record in self.sel.records:
            data = RecordSheetData(
                record=record,
                form=self.sel.forms[(record.form_id, record.form_version)],
                answers=record.answers_dict(),
                irrelevant=self.relevance(record),
                head_revision=record.head_revision_id,
                village=villages.get(record.village_code or ""),
                media_dir=self.sel.media_root / record.id if self.sel.media_root else None,
            )
            pdf = RecordSheet(data, lang=self.lang).render()
            village = safe_part(record.village_code or "no-village")
            self.bag.add_bytes(
                f"data/pdf/{safe_part(record.form_id)}/{village}_{record.id}.pdf", pdf
            )
            tick(f"sheet {record.id[:8]}")

    def photos(self, tick: Tick) -> None:
        for record_id, name, source in self.media:
            self.bag.add_file(f"data/media/{record_id}/{name}", source)
            tick(f"photo {name}")


def _meta(record: Record) -> RecordMeta:
    return RecordMeta(
        uuid=record.id,
        version=record.form_version,
        status=record.status,
        submission_time=record.updated_at,
        village_code=record.village_code,
        enumerator=record.enumerator,
        device=record.device_id,
        revision=record.head_revision_id,
    )
