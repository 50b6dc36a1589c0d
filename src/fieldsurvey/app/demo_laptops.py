"""Two laptops that edited the same record differently: packages to show the review page
with (``fieldsurvey screenshots``) and to test it with.

Laptop A makes a village profile for Yangjiatang (a village the demo data has a profile of:
a possible duplicate) and exports it; laptop B imports that. Then each changes the same
answers differently (B deletes the cooperative row that A edits) and exports again.
Importing A's second package and B's into a third database gives one record with three
conflicts: a number, a select_multiple and a whole repeat row.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fieldsurvey.core.exchange.export import ExportOptions, export_package
from fieldsurvey.core.exchange.importer import import_packages
from fieldsurvey.core.workspace import Workspace

VILLAGE = "SY-SAN-001"


@dataclass(frozen=True)
class LaptopPackages:
    first: Path  # laptop A's first package: the new profile
    a: Path  # A's edits, with the whole history
    b: Path  # B's edits of the same answers, with the whole history
    record_id: str
    databases: tuple[Path, Path]  # the laptops' own databases, A's and B's


def laptop_packages(folder: Path) -> LaptopPackages:
    """Make both laptops' databases and packages in *folder* (a second or two)."""
    paths = folder / "laptop-a.db", folder / "laptop-b.db"
    a = Workspace.open(paths[0], create=True)
    b = Workspace.open(paths[1], create=True)
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
        later = folder / "a-2.zip", folder / "b-1.zip"
        export_package(a, ExportOptions(out=later[0], status="all"))
        export_package(b, ExportOptions(out=later[1], status="all"))
        return LaptopPackages(first, later[0], later[1], record_id, paths)
    finally:
        a.close()
        b.close()
