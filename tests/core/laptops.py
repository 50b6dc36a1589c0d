"""Laptops and a coordinator for import and merge tests: real databases, real packages.

Each laptop is a database made as ``fieldsurvey init`` makes one; records travel only as
exchange packages written by the real exporter and read by the real importer.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from sqlmodel import select

from fieldsurvey.core.exchange import ExportOptions, export_package
from fieldsurvey.core.exchange.importer import PackageOutcome, import_packages
from fieldsurvey.core.store.models import Conflict, Record, Revision
from fieldsurvey.core.workspace import Workspace

PROFILE = "village_profile"
VILLAGE = "SY-SAN-001"


class Fleet:
    """Laptops by name, each a Workspace in its own file, and the packages they wrote."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.laptops: dict[str, Workspace] = {}
        self.count = 0

    def laptop(self, name: str, db: Path | str | None = None) -> Workspace:
        if db is None:  # a folder each, as on separate machines (photos live beside the file)
            (self.folder / name).mkdir(exist_ok=True)
            db = self.folder / name / f"{name}.db"
        ws = Workspace.open(db)
        ws.initialise(enumerator=name, device=f"Laptop {name}")
        self.laptops[name] = ws
        return ws

    def export(self, ws: Workspace, **options: Any) -> Path:
        self.count += 1
        out = self.folder / f"package-{self.count:03d}.zip"
        options.setdefault("status", "all")
        export_package(ws, ExportOptions(out=out, **options))
        return out

    def close(self) -> None:
        for ws in self.laptops.values():
            ws.close()
        self.laptops.clear()


def bring(ws: Workspace, *packages: Path) -> list[PackageOutcome]:
    """Import, and insist that nothing was refused."""
    outcomes = import_packages(ws, list(packages))
    for o in outcomes:
        assert o.result in ("imported", "already had"), (o.file, o.reasons)
    return outcomes


def state(ws: Workspace) -> dict[str, Any]:
    """What a person sees of every record: answers, status, review flag, and each open
    conflict with its values; everything but ids made here (merge revisions are the same
    everywhere, resolutions are not)."""
    out: dict[str, Any] = {}
    with ws.store.session(write=False) as s:
        for r in s.exec(select(Record).order_by(Record.id)):
            conflicts = {
                c.path: sorted(
                    json.dumps([x["value"], x["deleted"], x["revision"]], sort_keys=True)
                    for x in json.loads(c.candidates)
                )
                for c in s.exec(select(Conflict).where(Conflict.record_id == r.id))
            }
            out[r.id] = {
                "answers": r.answers_dict(),
                "status": r.status,
                "flag": r.review_flag,
                "village": r.village_code,
                "conflicts": conflicts,
            }
    return out


def revision_ids(ws: Workspace) -> set[str]:
    with ws.store.session(write=False) as s:
        return set(s.exec(select(Revision.id)))


def table_dump(path: Path) -> list[tuple[Any, ...]]:
    """Every row of every table of a SQLite database, for 'nothing changed' checks."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows: list[tuple[Any, ...]] = []
        for t in sorted(tables):
            rows += sorted((t, *r) for r in con.execute(f'SELECT * FROM "{t}"'))
        return rows
    finally:
        con.close()
