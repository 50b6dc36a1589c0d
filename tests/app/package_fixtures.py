"""Two laptops' packages with conflicting edits of one record (``app.demo_laptops``), with
each laptop's key fingerprint, made once per run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fieldsurvey.app.demo_laptops import laptop_packages
from fieldsurvey.core.keys import device_key
from fieldsurvey.core.workspace import Workspace


@dataclass(frozen=True)
class Packages:
    first: Path  # laptop A's first package: the new profile
    a: Path  # A's edits, with the whole history
    b: Path  # B's edits of the same answers, with the whole history
    record_id: str
    fingerprints: dict[str, str]  # device name -> key fingerprint


def make_packages(folder: Path) -> Packages:
    made = laptop_packages(folder)
    prints = {}
    for name, path in zip(("Laptop A", "Laptop B"), made.databases, strict=True):
        with Workspace.open(path, create=False) as ws:
            prints[name] = device_key(ws.store).fingerprint
    return Packages(made.first, made.a, made.b, made.record_id, prints)
