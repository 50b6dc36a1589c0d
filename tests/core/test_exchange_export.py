"""Exporting exchange packages: the bag, its canonical content, selection, atomicity, the CLI."""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import bagit
import pytest
from alembic import command
from PIL import Image
from sqlmodel import select

from fieldsurvey.cli import main
from fieldsurvey.core.demo import add_demo_data
from fieldsurvey.core.errors import EXIT_OK, EXIT_USAGE, UsageError
from fieldsurvey.core.exchange import (
    EXIT_CANCELLED,
    ExportCancelled,
    ExportFailed,
    ExportOptions,
    NothingToExport,
    atomic,
    export_package,
    pending_export_count,
)
from fieldsurvey.core.keys import SETTING_SIGNING_KEY, device_key
from fieldsurvey.core.store import Device, Record, Revision, open_store, revision_hash
from fieldsurvey.core.store.canonical import canonical_json
from fieldsurvey.core.store.db import alembic_config
from fieldsurvey.core.store.models import Export, ExportedRecord
from fieldsurvey.core.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "survey.db") as opened:
        opened.initialise(enumerator="王丽", device="Laptop 3")
        add_demo_data(opened)
        yield opened


def unpack(path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(path) as zf:
        zf.extractall(dest)
    (top,) = list(dest.iterdir())
    return top


def payload(top: Path) -> dict[str, bytes]:
    return {str(p.relative_to(top)): p.read_bytes() for p in sorted(top.rglob("*")) if p.is_file()}


# -- the bag ---------------------------------------------------------------------------------


def test_package_is_a_bag_the_bagit_library_validates(ws: Workspace, tmp_path: Path) -> None:
    result = export_package(ws, ExportOptions(out=tmp_path / "pkg.zip", status="all"))
    assert result.records == 8 and result.revisions == 8 and result.path.is_file()
    assert result.bytes == result.path.stat().st_size
    top = unpack(result.path, tmp_path / "x")
    assert top.name == f"fieldsurvey-{result.package_id}"
    bag = bagit.Bag(str(top))
    bag.validate()
    info = bag.info
    assert info["External-Identifier"] == result.package_id
    assert info["Contact-Name"] == "王丽"
    assert "Songyang" in info["Source-Organization"]
    assert info["FieldSurvey-Device-Id"] == ws.device_id
    assert info["FieldSurvey-Device-Name"] == "Laptop 3"
    assert info["FieldSurvey-Record-Count"] == "8"
    assert info["FieldSurvey-Revision-Count"] == "8"
    assert info["FieldSurvey-Public-Key"] == device_key(ws.store).public_b64
    assert (
        info["Payload-Oxum"]
        == f"{sum(len(b) for b in payload(top / 'data').values())}.{result.files}"
    )
    tagged = (top / "tagmanifest-sha256.txt").read_text().split()
    assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt"} <= set(tagged)
    assert "fieldsurvey-signature.txt" not in tagged  # it signs the tag manifest
    names = set(payload(top / "data"))
    assert {"records.jsonl", "forms/forms.csv", "forms/villages.csv", "csv/codebook.csv"} <= names
    assert {"csv/village_profile.csv", "csv/village_profile-cooperative.csv"} <= names
    assert {"xlsx/tables.xlsx", "stata/practice_assessment-stakeholder.dta"} <= names
    assert sum(n.startswith("pdf/") for n in names) == 8


def test_records_jsonl_holds_every_revision_losslessly(ws: Workspace, tmp_path: Path) -> None:
    record = next(
        r for r in ws.records() if r.form_id == "village_profile" and r.village_code == "SY-SAN-001"
    )
    ws.set_values(record.id, {"cooperative[2]/coop_members": "18"})
    ws.set_values(record.id, {"returnees": "30"})
    result = export_package(ws, ExportOptions(out=tmp_path / "pkg.zip", status="all"))
    lines = (
        (unpack(result.path, tmp_path / "x") / "data" / "records.jsonl")
        .read_text("utf-8")
        .splitlines()
    )
    objects = [json.loads(line) for line in lines]
    assert [o["id"] for o in objects] == sorted(o["id"] for o in objects)
    assert all(line == canonical_json(o) for line, o in zip(lines, objects))  # sorted keys
    assert result.revisions == 10
    for obj in objects:
        stored = ws.record(obj["id"])
        history = ws.history(obj["id"])
        assert [r["id"] for r in obj["revisions"]] == [r.id for r in history]
        assert obj["head_revision"] == stored.head_revision_id
        assert obj["revisions"][-1]["answers"] == stored.answers_dict()
        for rev, kept in zip(obj["revisions"], history):
            assert rev["parents"] == kept.parents_list() and rev["hash"] == kept.hash
            content = {**rev, "parents": canonical_json(rev["parents"])}
            content["answers"] = canonical_json(rev["answers"])
            assert revision_hash(Revision(record_id=obj["id"], **content)) == rev["hash"]
    edited = next(o for o in objects if o["id"] == record.id)
    rows = edited["revisions"][-1]["answers"]["cooperative"]
    assert [r["_row_id"] for r in rows] == [
        r["_row_id"] for r in record.answers_dict()["cooperative"]
    ]
    assert rows[1]["coop_members"] == 18 and len(edited["revisions"]) == 3


def test_forms_and_registry_rows_travel_with_the_records(ws: Workspace, tmp_path: Path) -> None:
    result = export_package(ws, ExportOptions(out=tmp_path / "pkg.zip", form_id="village_profile"))
    data = unpack(result.path, tmp_path / "x") / "data"
    (fd,) = [d for d in ws.form_defs() if d.form_id == "village_profile"]
    index = (data / "forms" / "forms.csv").read_text("utf-8")
    assert fd.sha256 in index and "practice_assessment" not in index
    assert (data / "forms" / f"village_profile-v{fd.version}.xlsx").read_bytes() == fd.definition
    villages = (data / "forms" / "villages.csv").read_text("utf-8").splitlines()
    codes = sorted(line.split(",")[0] for line in villages[1:])
    assert codes == ["SY-SAN-001", "SY-SID-001", "SY-SID-002"]  # the complete profiles' villages
    assert villages[0].startswith("name,label::English (en),label::简体中文 (zh)")


# -- which records --------------------------------------------------------------------------


def test_status_and_form_select_records(ws: Workspace, tmp_path: Path) -> None:
    assert export_package(ws, ExportOptions(out=tmp_path / "a.zip")).records == 6
    assert export_package(ws, ExportOptions(out=tmp_path / "b.zip", status="all")).records == 8
    only = export_package(ws, ExportOptions(out=tmp_path / "c.zip", form_id="practice_assessment"))
    assert only.records == 3


def test_since_last_takes_what_changed_and_pending_counts_it(ws: Workspace, tmp_path: Path) -> None:
    assert pending_export_count(ws) == 6
    export_package(ws, ExportOptions(out=tmp_path / "first.zip"))
    assert pending_export_count(ws) == 0
    assert pending_export_count(ws, status="all") == 2  # the drafts never went
    changed = next(r for r in ws.records(status="complete"))
    ws.set_values(
        changed.id,
        {
            "enumerator_name"
            if changed.form_id == "village_profile"
            else "assessor_name": "Zhou Min"
        },
    )
    assert pending_export_count(ws) == 1
    second = export_package(ws, ExportOptions(out=tmp_path / "second.zip", since_last=True))
    assert second.records == 1
    top = unpack(second.path, tmp_path / "x")
    (line,) = (top / "data" / "records.jsonl").read_text("utf-8").splitlines()
    assert json.loads(line)["id"] == changed.id
    assert len(json.loads(line)["revisions"]) == 2  # the whole history, not just the change
    with pytest.raises(NothingToExport, match="changed since the last export") as exc:
        export_package(ws, ExportOptions(out=tmp_path / "third.zip", since_last=True))
    assert exc.value.exit_code == EXIT_USAGE
    assert not (tmp_path / "third.zip").exists()
    with ws.store.session() as s:
        exports = s.exec(select(Export)).all()
        heads = s.exec(
            select(ExportedRecord).where(ExportedRecord.export_id == second.package_id)
        ).all()
    assert len(exports) == 2 and [(h.record_id, h.head_revision_id) for h in heads] == [
        (changed.id, ws.record(changed.id).head_revision_id)
    ]
    first = next(e for e in exports if e.file_name == "first.zip")
    assert first.sha256 == hashlib.sha256((tmp_path / "first.zip").read_bytes()).hexdigest()
    assert json.loads(first.options)["status"] == "complete" and first.records == 6


def test_since_date_uses_the_last_save(ws: Workspace, tmp_path: Path) -> None:
    today = dt.datetime.now(dt.timezone.utc).date()
    assert export_package(ws, ExportOptions(out=tmp_path / "a.zip", since=today)).records == 6
    with pytest.raises(NothingToExport):
        export_package(
            ws, ExportOptions(out=tmp_path / "b.zip", since=today + dt.timedelta(days=2))
        )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"out": "pkg.tar"}, "ending in .zip"),
        ({"since_last": True, "since": dt.date(2026, 1, 1)}, "not both"),
        ({"status": "draft"}, "expected one of complete, all"),
        ({"lang": "fr"}, "expected one of en, zh"),
        ({"form_id": "household"}, "form 'household' is not in the database"),
    ],
)
def test_bad_options_are_usage_errors(
    ws: Workspace, tmp_path: Path, options: dict, message: str
) -> None:
    opts = {"out": "pkg.zip", **options}
    opts["out"] = tmp_path / opts["out"]
    with pytest.raises(UsageError, match=message):
        export_package(ws, ExportOptions(**opts))
    assert list(tmp_path.glob("*.zip")) == []


# -- the same data, the same bytes -----------------------------------------------------------


def test_two_exports_of_the_same_data_have_identical_payloads(
    ws: Workspace, tmp_path: Path
) -> None:
    a = export_package(ws, ExportOptions(out=tmp_path / "a.zip", status="all", lang="zh"))
    b = export_package(ws, ExportOptions(out=tmp_path / "b.zip", status="all", lang="zh"))
    top_a, top_b = unpack(a.path, tmp_path / "xa"), unpack(b.path, tmp_path / "xb")
    assert payload(top_a / "data") == payload(top_b / "data")
    assert (top_a / "manifest-sha256.txt").read_bytes() == (
        top_b / "manifest-sha256.txt"
    ).read_bytes()
    info_a = (top_a / "bag-info.txt").read_text("utf-8").splitlines()
    info_b = (top_b / "bag-info.txt").read_text("utf-8").splitlines()
    differ = [x.split(":")[0] for x, y in zip(info_a, info_b) if x != y]
    assert differ == ["External-Identifier"]  # and Bagging-Date, should midnight pass between
    newest = dt.datetime.fromisoformat(max(r.updated_at for r in ws.records(status=None))[:19])
    with zipfile.ZipFile(a.path) as zf:
        stamps = {i.date_time for i in zf.infolist()}
    assert stamps == {newest.replace(second=newest.second // 2 * 2).timetuple()[:6]}  # DOS time


def test_export_changes_no_record_and_remembers_only_after_the_rename(
    ws: Workspace, tmp_path: Path
) -> None:
    def snapshot() -> list:
        with ws.store.session() as s:
            return [r.model_dump() for r in s.exec(select(Record))] + [
                r.model_dump() for r in s.exec(select(Revision))
            ]

    before = snapshot()
    export_package(ws, ExportOptions(out=tmp_path / "pkg.zip", status="all"))
    assert snapshot() == before


# -- atomic and honest -----------------------------------------------------------------------


class _FullDisk(io.FileIO):
    """A partial file on a disk that fills up after *room* bytes."""

    room = 50_000

    def write(self, data) -> int:  # type: ignore[override]
        if self.tell() + len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        return super().write(data)


def test_a_full_disk_leaves_no_package_and_says_which_file(
    ws: Workspace, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(atomic, "_open_partial", lambda path: _FullDisk(path, "xb"))
    target = tmp_path / "usb" / "pkg.zip"
    target.parent.mkdir()
    with pytest.raises(
        ExportFailed, match=r"pkg\.zip: could not write the package \(No space left on device\)"
    ):
        export_package(ws, ExportOptions(out=target))
    assert list(target.parent.iterdir()) == []
    assert pending_export_count(ws) == 6
    with ws.store.session() as s:
        assert s.exec(select(Export)).all() == []


def test_cancelling_removes_the_partial_file(ws: Workspace, tmp_path: Path) -> None:
    calls = []
    seen: list[tuple[int, int]] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 4

    with pytest.raises(ExportCancelled, match="pkg.zip was not written") as exc:
        export_package(
            ws,
            ExportOptions(out=tmp_path / "pkg.zip"),
            progress=lambda d, t, _: seen.append((d, t)),
            cancelled=cancelled,
        )
    assert exc.value.exit_code == EXIT_CANCELLED
    assert EXIT_CANCELLED not in (0, 1, 2, 3, 130)  # its own code on the command line
    assert sorted(p.name for p in tmp_path.iterdir() if "survey.db" not in p.name) == []
    assert len(seen) == 4 and pending_export_count(ws) == 6


def test_progress_counts_up_to_its_total(ws: Workspace, tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    export_package(ws, ExportOptions(out=tmp_path / "pkg.zip"), progress=lambda *a: seen.append(a))
    done = [d for d, _, _ in seen]
    assert done == sorted(done) and seen[-1][0] == seen[-1][1] and seen[-1][2] == "done"
    assert len({t for _, t, _ in seen}) == 1


# -- photos ----------------------------------------------------------------------------------


def test_photos_travel_and_a_missing_one_is_a_warning(ws: Workspace, tmp_path: Path) -> None:
    saved = ws.add_record(
        "village_profile",
        {"township": "sandu", "village": "SY-SAN-002", "consent": "OK", "historic_buildings": 3,
         "photo_overview": "overview.jpg", "photo_heritage": "missing.jpg"},
    )  # fmt: skip
    folder = tmp_path / "media" / saved.record.id
    folder.mkdir(parents=True)
    Image.new("RGB", (1200, 800), (40, 120, 60)).save(folder / "overview.jpg", "JPEG")
    result = export_package(ws, ExportOptions(out=tmp_path / "pkg.zip", status="all"))
    data = unpack(result.path, tmp_path / "x") / "data"
    assert (data / "media" / saved.record.id / "overview.jpg").read_bytes() == (
        folder / "overview.jpg"
    ).read_bytes()
    (warning,) = result.warnings
    assert saved.record.id in warning and "missing.jpg" in warning and "missing" in warning
    bagit.Bag(str(data.parent)).validate()


# -- the device key --------------------------------------------------------------------------


def test_device_key_is_made_once_kept_locally_and_registered(tmp_path: Path) -> None:
    with open_store(tmp_path / "survey.db") as store:
        assert store.get_setting(SETTING_SIGNING_KEY) is None
        key = device_key(store)
        assert store.get_setting(SETTING_SIGNING_KEY)
        assert device_key(store).public_b64 == key.public_b64
        with store.session() as s:
            assert s.get(Device, store.device_id).public_key == key.public_b64
        groups = key.fingerprint.split()
        assert len(groups) == 16 and all(len(g) == 4 for g in groups)
        assert key.fingerprint.replace(" ", "") == hashlib.sha256(key.public_raw).hexdigest()


def test_an_older_database_gains_the_exports_tables(tmp_path: Path) -> None:
    path = tmp_path / "survey.db"
    with open_store(path) as store, store.engine.begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
        conn.exec_driver_sql("PRAGMA user_version = 1")
    with Workspace.open(path, create=False) as ws:
        ws.initialise(enumerator="Li", device="old laptop")
        add_demo_data(ws)
        assert pending_export_count(ws) == 6
        assert export_package(ws, ExportOptions(out=tmp_path / "pkg.zip")).records == 6


# -- the command line ------------------------------------------------------------------------


def test_cli_export_device_and_exit_codes(ws: Workspace, tmp_path: Path, capsys) -> None:
    db = str(ws.store.path)
    ws.close()
    out = tmp_path / "pkg.zip"
    assert main(["--db", db, "export", "--out", str(out), "--lang", "zh", "--labels"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert f"wrote {out}: 6 records" in printed and "package " in printed
    assert (
        main(["--db", db, "export", "--out", str(tmp_path / "b.zip"), "--since-last"]) == EXIT_USAGE
    )
    assert "nothing to export" in capsys.readouterr().err
    assert main(["--db", db, "device"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("device id:") and lines[3].startswith("fingerprint:")
    with pytest.raises(SystemExit) as exc:
        main(["--db", db, "export", "--out", str(out), "--since-last", "--since", "2026-01-01"])
    assert exc.value.code == EXIT_USAGE
    with pytest.raises(SystemExit):
        main(["--db", db, "export", "--out", str(out), "--since", "yesterday"])
