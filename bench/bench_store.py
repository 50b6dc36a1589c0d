"""Saving a record through the Workspace, against one plain sqlite3 insert of the same JSON.

The floor is the cheapest honest durable save: one INSERT in its own transaction with the same
pragmas (WAL, synchronous=FULL), so the ratio shows what validation, revisions and audit cost.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import uuid
from pathlib import Path

from common import median_seconds, paired_medians, report
from fieldsurvey.core.demo import PROFILES
from fieldsurvey.core.store import records as rec
from fieldsurvey.core.workspace import Workspace


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        answers = dict(PROFILES[0][2])
        with Workspace.open(Path(tmp) / "bench.db") as ws:
            ws.initialise(enumerator="Bench", device="Bench")
            saved = ws.add_record("village_profile", answers, complete=True)
            stored = json.dumps(saved.record.answers_dict(), ensure_ascii=False, sort_keys=True)

            con = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("CREATE TABLE records (id TEXT PRIMARY KEY, answers TEXT NOT NULL)")

            def plain_insert() -> None:
                con.execute("BEGIN IMMEDIATE")
                con.execute("INSERT INTO records VALUES (?, ?)", (str(uuid.uuid4()), stored))
                con.execute("COMMIT")

            form = ws.form("village_profile")
            checked = ws.evaluate(form, answers, complete=True).answers

            def store_save() -> None:
                with ws.store.session() as s:
                    rec.create_record(
                        session=s,
                        form_id=form.form_id,
                        form_version=form.version,
                        answers=checked,
                        status="complete",
                        village_code="SY-SAN-001",
                        author="Bench",
                        device_id=ws.device_id,
                        hlc=ws.store.hlc_now(session=s),
                    )

            store, floor = paired_medians(store_save, plain_insert, repeat=300)
            add = median_seconds(
                lambda: ws.add_record("village_profile", answers, complete=True), repeat=60
            )
            record_id = saved.record.id
            edit = median_seconds(lambda: ws.save_answers(record_id, answers), repeat=200)
            con.close()
    report("store a record (answers already checked)", store, floor, "sqlite3 insert", "< 3x")
    report("save a new village profile (validated)", add, floor, "sqlite3 insert")
    report("save a revision of a village profile", edit, floor, "sqlite3 insert")


if __name__ == "__main__":
    main()
