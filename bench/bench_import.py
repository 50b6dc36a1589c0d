"""Importing at a coordinator's scale: 100 packages of 1,000 records each, from 100 laptops.

The packages are real: each laptop is a database made by ``init`` holding 1,000 records as a
county's field week has them: the profile of its own village and practice assessments in any
village (about a third with a second revision), written by the real exporter (``--pdf none``:
sheets only cost hashing here) and cached in a folder so later runs skip making them. The
timed path is ``import_packages`` into a fresh coordinator database, in a child process so
its peak memory is its own: verification of every package (zip, BagIt checksums, signature,
schema and every revision's hash) and the import itself.

The floor, measured in the same run: plain ``sqlite3`` inserts of the same record and revision
rows into the same schema, in one transaction, WAL and ``synchronous=FULL``, from rows already
in memory. Targets: 20,000 records/s, within 4x the floor, under 500 MB.

    python bench/bench_import.py [--packages 100] [--records 1000] [--cache DIR]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from pathlib import Path

from sqlalchemy import insert

from fieldsurvey.core.demo import ASSESSMENTS, PROFILES
from fieldsurvey.core.exchange import ExportOptions, export_package
from fieldsurvey.core.keys import SETTING_SIGNING_KEY
from fieldsurvey.core.store.canonical import canonical_json, utc_now
from fieldsurvey.core.store.hlc import format_hlc
from fieldsurvey.core.store.models import Record, Revision
from fieldsurvey.core.store.records import hash_fields
from fieldsurvey.core.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent


def template(folder: Path) -> Path:
    db = folder / "template.db"
    if not db.exists():
        with Workspace.open(db) as ws:
            ws.initialise(enumerator="template", device="template")
    return db


def sample_answers(ws: Workspace) -> dict[str, dict]:
    """A complete profile and a complete assessment as stored, to vary."""
    out = {}
    for form_id, records in (("village_profile", PROFILES), ("practice_assessment", ASSESSMENTS)):
        answers = copy.deepcopy(records[0][2])
        out[form_id] = ws.evaluate(ws.form(form_id), answers, complete=True).answers
    return out


def make_laptop(folder: Path, index: int, records: int, base: Path, reviewed: bool = False) -> Path:
    """A laptop database with *records* profiles, and its package (cached)."""
    package = folder / f"laptop{index:03d}.zip"
    if package.exists():
        return package
    db = folder / f"laptop{index:03d}.db"
    shutil.copy(base, db)
    con = sqlite3.connect(db)
    con.execute("UPDATE settings SET value = ? WHERE key = 'device.id'", (str(uuid.uuid4()),))
    con.execute("DELETE FROM settings WHERE key = ?", (SETTING_SIGNING_KEY,))
    con.commit()
    con.close()
    rng = random.Random(index)
    with Workspace.open(db) as ws:
        ws.configure(enumerator=f"Enumerator {index}", device=f"Laptop {index}")
        villages = [v.code for v in ws.villages()]
        samples = sample_answers(ws)
        versions = {f: ws.form(f).version for f in samples}
        rec_rows, rev_rows = [], []
        millis = 1_780_000_000_000 + index * 10_000_000
        for n in range(records):
            rid = str(uuid.uuid4())
            form_id = "village_profile" if n == 0 else "practice_assessment"
            answers = copy.deepcopy(samples[form_id])
            home = villages[index % len(villages)]
            answers["village"] = home if n == 0 else rng.choice(villages)
            answers["township"] = None  # filled from the registry when shown; not compared
            if form_id == "village_profile":
                answers["resident_pop"] = rng.randint(300, 900)
            for key in [k for k in answers if k.startswith("score_")]:
                answers[key] = rng.randint(1, 5)
            for value in answers.values():
                for row in value if isinstance(value, list) else []:
                    if isinstance(row, dict):
                        row["_row_id"] = str(uuid.uuid4())
            parents: list[str] = []
            steps = 1 + (n % 3 == 0)
            for step in range(steps + reviewed):
                review = step == steps  # a coordinator's approval, as a county's package has
                if step and not review:
                    answers["enumerator_remarks" if n == 0 else "assessor_name"] = f"again {n}"
                text = canonical_json(answers)
                millis += 1
                stamp = utc_now()
                rev = {
                    "id": str(uuid.uuid4()),
                    "record_id": rid,
                    "parents": canonical_json(parents),
                    "answers": text,
                    "status": "approved" if review else "complete",
                    "author": "Coordinator" if review else f"Enumerator {index}",
                    "device_id": ws.device_id,
                    "hlc": format_hlc(millis, 0, ws.device_id),
                    "created_at": stamp,
                    "kind": "review" if review else "edit",
                    "comment": None,
                }
                rev["hash"] = hash_fields(rev, text)
                rev_rows.append(rev)
                parents = [rev["id"]]
            rec_rows.append(
                {
                    "id": rid,
                    "form_id": form_id,
                    "form_version": versions[form_id],
                    "village_code": answers["village"],
                    "status": "approved" if reviewed else "complete",
                    "answers": text,
                    "head_revision_id": parents[0],
                    "enumerator": f"Enumerator {index}",
                    "device_id": ws.device_id,
                    "created_at": stamp,
                    "updated_at": stamp,
                    "deleted": False,
                    "conflicts": 0,
                    "review_flag": None,
                }
            )
        with ws.store.session() as s:
            conn = s.connection()
            conn.execute(insert(Record.__table__), rec_rows)
            conn.execute(insert(Revision.__table__), rev_rows)
        export_package(ws, ExportOptions(out=package, status="all", pdf="none"))
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return package


def rows_of(packages: list[Path]) -> tuple[list[tuple], list[tuple]]:
    """The record and revision rows the packages hold, as the floor inserts them."""
    records, revisions = [], []
    for package in packages:
        with zipfile.ZipFile(package) as zf:
            name = next(n for n in zf.namelist() if n.endswith("/data/records.jsonl"))
            for line in zf.read(name).splitlines():
                r = json.loads(line)
                head = next(v for v in r["revisions"] if v["id"] == r["head_revision"])
                records.append(
                    (r["id"], r["form_id"], r["form_version"], r["village_code"], head["status"],
                     canonical_json(head["answers"]), r["head_revision"], r["enumerator"],
                     r["device_id"], r["created_at"], r["updated_at"], 0, 0, None)
                )  # fmt: skip
                for v in r["revisions"]:
                    revisions.append(
                        (v["id"], r["id"], canonical_json(v["parents"]),
                         canonical_json(v["answers"]), v["status"], v["author"], v["device_id"],
                         v["hlc"], v["created_at"], v["hash"], v["kind"], v.get("comment"))
                    )  # fmt: skip
    return records, revisions


def floor_seconds(base: Path, records: list[tuple], revisions: list[tuple]) -> float:
    folder = Path(tempfile.mkdtemp(prefix="fieldsurvey-floor-"))
    db = folder / "floor.db"
    shutil.copy(base, db)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    con.executemany(
        "INSERT INTO records (id, form_id, form_version, village_code, status, answers, "
        "head_revision_id, enumerator, device_id, created_at, updated_at, deleted, conflicts, "
        "review_flag) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        records,
    )
    con.executemany(
        "INSERT INTO revisions (id, record_id, parents, answers, status, author, device_id, hlc, "
        "created_at, hash, kind, comment) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        revisions,
    )
    con.execute("COMMIT")
    seconds = time.perf_counter() - start
    con.close()
    shutil.rmtree(folder)
    return seconds


CHILD = """
import json, sys, time
from pathlib import Path
from fieldsurvey.core.exchange.importer import import_packages
from fieldsurvey.core.workspace import Workspace
db, packages = sys.argv[1], [Path(p) for p in sys.argv[2:]]
ws = Workspace.open(db, create=False)
start = time.perf_counter()
outcomes = import_packages(ws, packages)
seconds = time.perf_counter() - start
ws.close()
# VmHWM is this process's own peak; ru_maxrss would count the parent it was forked from
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({
    "seconds": seconds,
    "peak_kb": peak,
    "results": sorted({o.result for o in outcomes}),
    "added": sum(len(o.added) for o in outcomes),
}))
"""


def run_import(base: Path, packages: list[Path]) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="fieldsurvey-import-"))
    db = folder / "county.db"
    shutil.copy(base, db)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(db), *map(str, packages)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    shutil.rmtree(folder)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--packages", type=int, default=100)
    args.add_argument("--records", type=int, default=1000)
    args.add_argument(
        "--reviewed", action="store_true", help="every record approved: a county's package"
    )
    args.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "fieldsurvey-bench"))
    opts = args.parse_args(argv if argv is not None else [])
    kind = "-reviewed" if opts.reviewed else ""
    cache = Path(opts.cache) / f"import-v2-{opts.packages}x{opts.records}{kind}"
    cache.mkdir(parents=True, exist_ok=True)
    base = template(cache)
    started = time.perf_counter()
    packages = [
        make_laptop(cache, i, opts.records, base, opts.reviewed) for i in range(opts.packages)
    ]
    made = time.perf_counter() - started
    total = opts.packages * opts.records
    result = run_import(base, packages)  # first, while this process is still small
    records, revisions = rows_of(packages)
    floor = min(floor_seconds(base, records, revisions) for _ in range(3))
    assert result["added"] == total and result["results"] == ["imported"], result
    rate = total / result["seconds"]
    size = sum(p.stat().st_size for p in packages) / 1e6
    print(f"packages: {opts.packages} x {opts.records} records ({len(revisions):,} revisions, "
          f"{size:,.0f} MB; made or found in {made:,.0f} s, cached in {cache})")  # fmt: skip
    print(f"floor (sqlite3 inserts, one transaction): {floor:8.2f} s  "
          f"{total / floor:10,.0f} records/s")  # fmt: skip
    print(f"import (verify + merge, all packages):     {result['seconds']:8.2f} s  "
          f"{rate:10,.0f} records/s  {result['seconds'] / floor:5.2f}x floor  "
          f"peak {result['peak_kb'] / 1024:,.0f} MB")  # fmt: skip
    print("targets: at least 20,000 records/s, within 4x the floor, under 500 MB")


if __name__ == "__main__":
    main(sys.argv[1:])
