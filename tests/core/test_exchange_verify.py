"""Verifying packages: a good one passes; every kind of bad one is refused with its own message,
without extracting anything outside a temporary folder."""

from __future__ import annotations

import base64
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fieldsurvey.cli import main
from fieldsurvey.core.demo import add_demo_data
from fieldsurvey.core.errors import EXIT_OK, EXIT_REFUSED
from fieldsurvey.core.exchange import ExportOptions, export_package
from fieldsurvey.core.exchange.verify import PackageReport, verify_package
from fieldsurvey.core.exchange.zipsafe import ZipLimits
from fieldsurvey.core.keys import DeviceKey, device_key
from fieldsurvey.core.store import Store, open_store
from fieldsurvey.core.workspace import Workspace
from tests.core.packages import put_records, rebag, records_of, rewrite, top_of


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, Path]:
    """A good package and the database that wrote it."""
    folder = tmp_path_factory.mktemp("made")
    with Workspace.open(folder / "survey.db") as ws:
        ws.initialise(enumerator="Li Na", device="Laptop 1")
        add_demo_data(ws)
        result = export_package(ws, ExportOptions(out=folder / "good.zip", status="all"))
    return result.path, folder / "survey.db"


@pytest.fixture
def good(made: tuple[Path, Path]) -> Path:
    return made[0]


@pytest.fixture
def store(made: tuple[Path, Path]) -> Iterator[Store]:
    with open_store(made[1], create=False) as opened:
        yield opened


def refused(report: PackageReport, text: str) -> None:
    assert not report.ok
    assert any(text in p for p in report.problems), report.problems


# -- a good package --------------------------------------------------------------------------


def test_a_good_package_passes_and_names_its_device(good: Path, store: Store) -> None:
    report = verify_package(good, store=store)
    assert report.ok, report.problems
    assert (report.records, report.revisions, report.signature) == (8, 8, "valid")
    assert report.device == "known" and report.device_name == "Laptop 1"
    assert report.fingerprint == device_key(store).fingerprint
    alone = verify_package(good)  # no database: the device cannot be known
    assert alone.ok and alone.device == "unknown"


def test_a_package_rezipped_by_another_tool_still_passes(good: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(good) as zf:
        zf.extractall(tmp_path / "unzipped")
    again = shutil.make_archive(str(tmp_path / "again"), "zip", tmp_path / "unzipped")
    with zipfile.ZipFile(again) as zf:
        assert any(name.endswith("/") for name in zf.namelist())  # folder entries, too
    assert verify_package(Path(again)).ok


def test_nothing_is_left_in_the_temporary_folder(good: Path, tmp_path: Path) -> None:
    before = {p.name for p in Path(tempfile.gettempdir()).glob("fieldsurvey-verify-*")}
    verify_package(good)
    verify_package(rewrite(good, tmp_path / "bad.zip", drop=("bagit.txt",)))
    assert {p.name for p in Path(tempfile.gettempdir()).glob("fieldsurvey-verify-*")} == before


# -- damaged or changed ----------------------------------------------------------------------


def test_a_truncated_zip_is_refused(good: Path, tmp_path: Path) -> None:
    bad = tmp_path / "cut.zip"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    refused(verify_package(bad), "zip: not a zip archive, or truncated")


def test_a_file_that_is_not_a_zip_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "notes.zip"
    bad.write_text("just text", encoding="utf-8")
    refused(verify_package(bad), "zip: not a zip archive, or truncated")


def test_a_flipped_byte_is_refused(good: Path, tmp_path: Path) -> None:
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith(".pdf"))
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + 200] ^= 0x01
    bad = tmp_path / "flipped.zip"
    bad.write_bytes(bytes(raw))
    refused(verify_package(bad), f"zip: entry '{info.filename}' is damaged")


def test_changed_content_fails_its_checksum(good: Path, tmp_path: Path) -> None:
    bad = rewrite(good, tmp_path / "changed.zip",
                  change={"data/csv/village_profile.csv": lambda b: b.replace(b"1012", b"9999")})  # fmt: skip
    refused(verify_package(bad), "bagit: data/csv/village_profile.csv: checksum does not match")


def test_an_added_file_is_refused(good: Path, tmp_path: Path) -> None:
    bad = rewrite(good, tmp_path / "added.zip", add=((f"{top_of(good)}/data/extra.csv", b"a,b\n"),))
    report = verify_package(bad)
    refused(report, "bagit: data/extra.csv: not listed in the manifest (added)")
    refused(report, "Payload-Oxum")


def test_a_removed_file_is_refused(good: Path, tmp_path: Path) -> None:
    bad = rewrite(good, tmp_path / "removed.zip", drop=("data/csv/codebook.csv",))
    refused(verify_package(bad), "bagit: data/csv/codebook.csv: listed in the manifest but missing")


def test_edited_bag_info_fails_the_tag_manifest(good: Path, tmp_path: Path) -> None:
    bad = rewrite(good, tmp_path / "info.zip",
                  change={"bag-info.txt": lambda b: b.replace(b"Li Na", b"Mallory")})  # fmt: skip
    refused(verify_package(bad), "bagit: bag-info.txt: checksum does not match")


# -- signatures ------------------------------------------------------------------------------


def test_a_wrong_signature_is_refused(good: Path, tmp_path: Path) -> None:
    other = Ed25519PrivateKey.generate()

    def forge(text: bytes) -> bytes:
        lines = text.decode().splitlines()
        with zipfile.ZipFile(good) as zf:
            manifest = zf.read(f"{top_of(good)}/tagmanifest-sha256.txt")
        sig = base64.b64encode(other.sign(manifest)).decode()
        return "\n".join(
            f"Signature: {sig}" if x.startswith("Signature:") else x for x in lines
        ).encode()

    bad = rewrite(good, tmp_path / "forged.zip", change={"fieldsurvey-signature.txt": forge})
    report = verify_package(bad)
    refused(report, "signature: does not match tagmanifest-sha256.txt")
    assert report.signature == "invalid"


def test_an_unsigned_package_is_refused(good: Path, tmp_path: Path) -> None:
    bad = rewrite(good, tmp_path / "unsigned.zip", drop=("fieldsurvey-signature.txt",))
    report = verify_package(bad)
    refused(report, "signature: not signed")
    assert report.signature == "missing"


def test_a_tag_file_outside_the_signature_is_refused(good: Path, tmp_path: Path) -> None:
    bad = rewrite(good, tmp_path / "tag.zip", add=((f"{top_of(good)}/notes.txt", b"trust me"),))
    refused(verify_package(bad), "bagit: tag file notes.txt is not covered by the signature")


def test_another_key_for_a_known_device_is_refused(
    good: Path, tmp_path: Path, store: Store
) -> None:
    impostor = DeviceKey(store.device_id, Ed25519PrivateKey.generate())
    bad = rebag(good, tmp_path / "impostor.zip", impostor, lambda data: None)
    report = verify_package(bad, store=store)
    refused(report, f"signature: device {store.device_id} is known here with a different key")
    alone = verify_package(bad)  # without the database, a valid signature by an unknown key
    assert alone.ok and alone.signature == "valid" and alone.device == "unknown"


# -- hostile archives ------------------------------------------------------------------------


def _entry(name: str, mode: int | None = None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    if mode is not None:
        info.create_system = 3
        info.external_attr = mode << 16
    return info


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../x", "leaves the package folder"),
        ("{top}/../../x", "leaves the package folder"),
        ("/etc/x", "is an absolute path"),
        ("C:/Windows/x", "is an absolute path"),
        ("{top}\\..\\x", "uses backslashes"),
        ("{top}//x", "has an empty or '.' path part"),
    ],
)
def test_entries_that_leave_the_folder_are_refused(
    good: Path, tmp_path: Path, name: str, message: str
) -> None:
    work = tmp_path / "deep" / "er"
    work.mkdir(parents=True)
    bad = rewrite(good, work / "evil.zip", add=((name.format(top=top_of(good)), b"owned"),))
    report = verify_package(bad)
    refused(report, message)
    assert report.problems[0].startswith("zip: entry")
    assert not (tmp_path / "deep" / "x").exists() and not (tmp_path / "x").exists()


def test_a_symlink_entry_is_refused(good: Path, tmp_path: Path) -> None:
    link = _entry(f"{top_of(good)}/data/passwd", stat.S_IFLNK | 0o777)
    bad = rewrite(good, tmp_path / "link.zip", add=((link, b"/etc/passwd"),))
    refused(verify_package(bad), "is a symbolic link")


def test_a_device_file_entry_is_refused(good: Path, tmp_path: Path) -> None:
    fifo = _entry(f"{top_of(good)}/data/pipe", stat.S_IFIFO | 0o644)
    refused(
        verify_package(rewrite(good, tmp_path / "fifo.zip", add=((fifo, b""),))), "special file"
    )


def test_a_duplicate_entry_is_refused(good: Path, tmp_path: Path) -> None:
    name = f"{top_of(good)}/data/records.jsonl"
    with pytest.warns(UserWarning, match="Duplicate name"):
        bad = rewrite(good, tmp_path / "dup.zip", add=((name, b"{}\n"),))
    refused(verify_package(bad), "appears more than once")
    upper = f"{top_of(good)}/DATA/records.jsonl"
    refused(
        verify_package(rewrite(good, tmp_path / "case.zip", add=((upper, b"{}"),))),
        "appears more than once",
    )


def test_a_zip_bomb_is_refused_before_extraction(good: Path, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    top = top_of(good)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(f"{top}/data/zeros.bin", "w") as out:
            block = bytes(1 << 20)
            for _ in range(64):
                out.write(block)
    report = verify_package(bomb)
    refused(report, "expands")
    refused(report, "a zip bomb?")


def test_size_and_count_limits(good: Path) -> None:
    refused(verify_package(good, limits=ZipLimits(max_entries=5)), "too many entries")
    refused(verify_package(good, limits=ZipLimits(max_total_bytes=10_000)), "too large")
    refused(verify_package(good, limits=ZipLimits(max_entry_bytes=10_000)), "is too large")


def test_a_header_that_understates_the_size_is_caught(good: Path, tmp_path: Path) -> None:
    """The central directory claims a smaller file than the data holds."""
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        info = next(i for i in zf.infolist() if i.filename.endswith("records.jsonl"))
    at = raw.find(info.filename.encode(), raw.find(b"PK\x01\x02"))  # its central entry
    entry = at - 46
    assert raw[entry : entry + 4] == b"PK\x01\x02"
    raw[entry + 24 : entry + 28] = (info.file_size // 2).to_bytes(4, "little")
    bad = tmp_path / "liar.zip"
    bad.write_bytes(bytes(raw))
    refused(verify_package(bad), "records.jsonl' is damaged")


def test_more_than_one_top_folder_is_refused(good: Path, tmp_path: Path) -> None:
    bad = rewrite(good, tmp_path / "two.zip", add=(("other/readme.txt", b"hi"),))
    refused(verify_package(bad), "exactly one top folder")


# -- the content of records.jsonl ------------------------------------------------------------


def _break_hash(data: dict[str, bytes]) -> None:
    records = records_of(data)
    records[0]["revisions"][0]["answers"]["injected"] = 1
    put_records(data, records)


def _orphan(data: dict[str, bytes]) -> None:
    records = records_of(data)
    records[1]["revisions"][0]["parents"] = ["0b1c9a3e-0000-4000-8000-000000000000"]
    put_records(data, records)


def _missing_key(data: dict[str, bytes]) -> None:
    records = records_of(data)
    del records[2]["revisions"][0]["status"]
    put_records(data, records)


def _unsorted(data: dict[str, bytes]) -> None:
    put_records(data, list(reversed(records_of(data))))


def _bad_json(data: dict[str, bytes]) -> None:
    data["data/records.jsonl"] += b"{not json\n"


def _wrong_head(data: dict[str, bytes]) -> None:
    records = records_of(data)
    records[0]["head_revision"] = records[1]["head_revision"]
    put_records(data, records)


def _no_form(data: dict[str, bytes]) -> None:
    for name in [n for n in data if n.startswith("data/forms/village_profile")]:
        del data[name]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (_break_hash, "hash does not match its content"),
        (_orphan, "parent 0b1c9a3e-0000-4000-8000-000000000000 is not in the package"),
        (_missing_key, "revision 1: missing status"),
        (_unsorted, "out of order or repeated"),
        (_bad_json, "not valid JSON"),
        (_wrong_head, "is not among its revisions"),
        (_no_form, "forms: "),
    ],
)
def test_records_jsonl_is_checked(
    good: Path, tmp_path: Path, store: Store, mutate, message: str
) -> None:
    bad = rebag(good, tmp_path / "content.zip", device_key(store), mutate)
    report = verify_package(bad, store=store)
    assert report.signature == "valid"  # bag and signature are fine: the content is not
    refused(report, message)


def test_counts_in_bag_info_must_match(good: Path, tmp_path: Path, store: Store) -> None:
    def drop_one(data: dict[str, bytes]) -> None:
        put_records(data, records_of(data)[1:])

    refused(
        verify_package(rebag(good, tmp_path / "n.zip", device_key(store), drop_one)),
        "FieldSurvey-Record-Count",
    )


# -- the command line ------------------------------------------------------------------------


def test_cli_verify_exit_codes_and_messages(
    made: tuple[Path, Path], tmp_path: Path, capsys
) -> None:
    good, db = made
    bad = rewrite(good, tmp_path / "bad.zip", add=(("../escape.txt", b"x"),))
    assert main(["--db", str(db), "verify", str(good)]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"{good}: OK" in out and "signature: valid" in out and "known to this database" in out
    assert main(["--db", str(db), "verify", str(good), str(bad)]) == EXIT_REFUSED
    captured = capsys.readouterr()
    assert (
        f"{bad}: REFUSED" in captured.err
        and "entry '../escape.txt' leaves the package folder" in captured.err
    )
    assert "1 of 2 packages passed" in captured.out
    missing_db = tmp_path / "nowhere" / "none.db"
    assert main(["--db", str(missing_db), "verify", str(good)]) == EXIT_OK
    assert "device: unknown (no database at" in capsys.readouterr().out
    assert not missing_db.parent.exists()  # verify never creates a database


def test_verify_reads_a_package_copied_to_a_path_with_spaces(good: Path, tmp_path: Path) -> None:
    target = tmp_path / "USB stick" / "包 1.zip"
    target.parent.mkdir()
    shutil.copy(good, target)
    assert verify_package(target).ok
    assert os.listdir(target.parent) == ["包 1.zip"]
