"""Packages from two laptops that edited the same record differently, made once per run.

Laptop A makes a village profile for Yangjiatang (a village the demo database has a profile of:
a possible duplicate) and exports it; laptop B imports that. Then each changes the same
answers differently (A deletes nothing, B deletes the cooperative row A edits) and exports
again. Importing A's second package and B's into a third database gives one record with
three conflicts: a number, a select_multiple and a whole repeat row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fieldsurvey.core.exchange.export import ExportOptions, export_package
from fieldsurvey.core.exchange.importer import import_packages
from fieldsurvey.core.keys import device_key
from fieldsurvey.core.workspace import Workspace

VILLAGE = "SY-SAN-001"


@dataclass(frozen=True)
class Packages:
    first: Path  # laptop A's first package: the new profile
    a: Path  # A's edits, with the whole history
    b: Path  # B's edits of the same answers, with the whole history
    record_id: str
    fingerprints: dict[str, str]  # device name -> key fingerprint


def make_packages(folder: Path) -> Packages:
    a = Workspace.open(folder / "a.db", create=True)
    b = Workspace.open(folder / "b.db", create=True)
    try:
        a.initialise(enumerator="Wang Li", device="Laptop A")
        b.initialise(enumerator="Li Na", device="Laptop B")
        answers = {
            "resident_pop": 400,
            "main_industries": ["tea"],
            "num_cooperatives": 1,
            "cooperative": [{"coop_name": "Tea co-op", "coop_members": 30}],
        }
        record_id = a.add_record("village_profile", answers, village=VILLAGE).record.id
        first = folder / "a-1.zip"
        export_package(a, ExportOptions(out=first, status="all"))
        import_packages(b, [first])
        a.set_values(
            record_id,
            {
                "resident_pop": "410",
                "main_industries": "tea tourism",
                "cooperative[1]/coop_members": "35",
            },
        )
        theirs = b.record(record_id).answers_dict()
        theirs.update(resident_pop=420, main_industries=["tea", "ecommerce"], cooperative=[])
        b.save_answers(record_id, theirs)
        paths = folder / "a-2.zip", folder / "b-1.zip"
        export_package(a, ExportOptions(out=paths[0], status="all"))
        export_package(b, ExportOptions(out=paths[1], status="all"))
        prints = {
            "Laptop A": device_key(a.store).fingerprint,
            "Laptop B": device_key(b.store).fingerprint,
        }
        return Packages(first, paths[0], paths[1], record_id, prints)
    finally:
        a.close()
        b.close()
