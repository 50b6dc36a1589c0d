"""Changing packages as a careless tool or an attacker would: rezipped, edited, re-signed."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from fieldsurvey.core.exchange.bagzip import BagZipWriter
from fieldsurvey.core.keys import DeviceKey
from fieldsurvey.core.store.canonical import canonical_json


def top_of(path: Path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.namelist()[0].split("/")[0]


def rewrite(
    src: Path,
    dst: Path,
    *,
    change: dict[str, Callable[[bytes], bytes]] | None = None,
    drop: tuple[str, ...] = (),
    add: tuple[tuple[zipfile.ZipInfo | str, bytes], ...] = (),
) -> Path:
    """A copy of *src* with entries (named relative to the bag folder) changed, dropped, added;
    added names are taken as they are, so they can be hostile."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            rel = info.filename.split("/", 1)[1]
            if rel in drop:
                continue
            data = zin.read(info)
            if change and rel in change:
                data = change[rel](data)
            zout.writestr(info, data)
        for name, data in add:
            zout.writestr(name, data)
    return dst


def rebag(src: Path, dst: Path, key: DeviceKey, mutate: Callable[[dict[str, bytes]], None]) -> Path:
    """A properly bagged and signed package with changed content (as a careless or hostile
    exporter could make): the checks past BagIt and the signature must still catch it."""
    with zipfile.ZipFile(src) as zf:
        top = top_of(src)
        files = {i.filename[len(top) + 1 :]: zf.read(i) for i in zf.infolist()}
    info_lines = files["bag-info.txt"].decode().splitlines()
    info = [
        tuple(line.split(": ", 1)) for line in info_lines if not line.startswith("Payload-Oxum")
    ]
    info = [(k, key.public_b64 if k == "FieldSurvey-Public-Key" else v) for k, v in info]
    data = {k: v for k, v in files.items() if k.startswith("data/")}
    mutate(data)
    with open(dst, "wb") as fh:
        bag = BagZipWriter(fh, top=top, date_time=(2026, 10, 12, 0, 0, 0))
        for name in sorted(data):
            bag.add_bytes(name, data[name])
        bag.finish(info, key)  # type: ignore[arg-type]
    return dst


def records_of(data: dict[str, bytes]) -> list[dict]:
    return [json.loads(line) for line in data["data/records.jsonl"].decode().splitlines()]


def put_records(data: dict[str, bytes], records: list[dict]) -> None:
    data["data/records.jsonl"] = "".join(canonical_json(r) + "\n" for r in records).encode()
