"""What the exchange page lists, fetched on the worker: past imports and known devices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldsurvey.app.i18n import tr
from fieldsurvey.app.import_report import details_text, file_name, result_text, sender
from fieldsurvey.app.labels import short_time
from fieldsurvey.app.rows_model import RowsModel
from fieldsurvey.core.exchange.importer import import_history
from fieldsurvey.core.keys import device_key, known_devices


@dataclass(frozen=True)
class DeviceRow:
    id: str
    name: str
    fingerprint: str
    this_device: bool
    first_seen: str


def load_history(ws: Any) -> list[dict[str, Any]]:
    return import_history(ws)


def load_devices(ws: Any) -> list[DeviceRow]:
    """Every device this database knows; this one's fingerprint as ``fieldsurvey device``
    prints it (its key is made then, if it has none yet)."""
    own = device_key(ws.store).fingerprint
    rows = []
    for d in known_devices(ws.store):
        name = (ws.device_name or d.name) if d.this_device else d.name
        rows.append(
            DeviceRow(
                d.id, name, own if d.this_device else d.fingerprint, d.this_device, d.first_seen
            )
        )
    return rows


def two_lines(fingerprint: str) -> str:
    """Sixteen groups of four as two lines of eight: read aloud a line at a time."""
    groups = fingerprint.split()
    half = (len(groups) + 1) // 2
    return "\n".join(" ".join(g) for g in (groups[:half], groups[half:]) if g)


def history_model(parent: Any) -> RowsModel:
    return RowsModel(
        (tr("When"), tr("Package"), tr("From"), tr("Result"), tr("What it brought")),
        lambda r: (
            short_time(r.get("imported_at") or ""),
            file_name(r),
            sender(r),
            result_text(r.get("result") or ""),
            details_text(r),
        ),
        tips=lambda r: (None, r.get("file"), r.get("device_id"), None, details_text(r)),
        parent=parent,
    )


def devices_model(parent: Any) -> RowsModel:
    def name(d: DeviceRow) -> str:
        return tr("{name} (this computer)", name=d.name or "—") if d.this_device else d.name

    return RowsModel(
        (tr("Device"), tr("Key fingerprint"), tr("First seen")),
        lambda d: (name(d), two_lines(d.fingerprint) or tr("no key yet"), short_time(d.first_seen)),
        tips=lambda d: (tr("Device {id}", id=d.id), d.fingerprint, None),
        parent=parent,
    )
