"""An export never replaces a file unless asked, never writes into a folder that is not there,
and a Ctrl-C at any moment of it is a cancel that leaves nothing behind."""

from __future__ import annotations

import errno
import importlib.abc
import os
import signal
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from fieldsurvey.cli import EXIT_CANCELLED as CLI_EXIT_CANCELLED
from fieldsurvey.cli import exchange_commands, main
from fieldsurvey.core.demo import add_demo_data
from fieldsurvey.core.exchange import (
    EXIT_CANCELLED,
    ExportFailed,
    ExportOptions,
    PackageExists,
    atomic,
    export,
    export_package,
    pending_export_count,
)
from fieldsurvey.core.exchange.atomic import AtomicFile, TargetExists
from fieldsurvey.core.exchange.payload import Payload
from fieldsurvey.core.store.models import Export
from fieldsurvey.core.workspace import Workspace
from tests.core.test_cli import run

OTHER_LAPTOP = b"PK\x05\x06" + bytes(18)  # an empty zip: another laptop's package


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "survey.db") as opened:
        opened.initialise(enumerator="Wang Li", device="Laptop 3")
        add_demo_data(opened)
        yield opened


@pytest.fixture
def db(ws: Workspace) -> str:
    path = str(ws.store.path)
    ws.close()
    return path


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


def remembered(db_or_ws: str | Workspace) -> int:
    ws = Workspace.open(db_or_ws, create=False) if isinstance(db_or_ws, str) else db_or_ws
    try:
        with ws.store.session() as s:
            return len(s.exec(select(Export)).all())
    finally:
        if isinstance(db_or_ws, str):
            ws.close()


# -- 2. an existing file is not replaced unless asked -------------------------------------------


def test_cli_export_refuses_an_existing_file_unless_overwrite(capsys, db, usb) -> None:
    target = usb / "pkg.zip"
    target.write_bytes(OTHER_LAPTOP)
    code, out, err = run(capsys, "--db", db, "export", "--out", str(target))
    assert code == 3 and out == ""
    assert f"{target} already exists" in err and "--overwrite" in err
    assert target.read_bytes() == OTHER_LAPTOP
    assert sorted(p.name for p in usb.iterdir()) == ["pkg.zip"]
    assert remembered(db) == 0
    code, out, err = run(capsys, "--db", db, "export", "--out", str(target), "--overwrite")
    assert code == 0, err
    assert zipfile.is_zipfile(target) and target.read_bytes() != OTHER_LAPTOP
    assert remembered(db) == 1


def test_a_dangling_link_at_the_target_counts_as_taken(ws, usb) -> None:
    target = usb / "pkg.zip"
    target.symlink_to(usb / "elsewhere.zip")
    with pytest.raises(PackageExists):
        export_package(ws, ExportOptions(out=target))
    assert not (usb / "elsewhere.zip").exists()


def test_a_package_that_appears_meanwhile_is_not_replaced(ws, usb, monkeypatch) -> None:
    """The name is free when the export starts; another laptop takes it while ours is written."""
    target = usb / "pkg.zip"
    real_write = Payload.write

    def write_while_another_laptop_saves(self, steps) -> None:
        real_write(self, steps)
        target.write_bytes(OTHER_LAPTOP)

    monkeypatch.setattr(Payload, "write", write_while_another_laptop_saves)
    with pytest.raises(PackageExists) as info:
        export_package(ws, ExportOptions(out=target))
    assert info.value.exit_code == 3 and info.value.path == target
    assert "already exists" in info.value.localized("en")
    assert "已存在" in info.value.localized("zh")
    assert target.read_bytes() == OTHER_LAPTOP
    assert sorted(p.name for p in usb.iterdir()) == ["pkg.zip"]  # no partial left
    assert pending_export_count(ws) == 6 and remembered(ws) == 0


def test_overwrite_replaces_and_is_not_an_export_option(ws, usb) -> None:
    target = usb / "pkg.zip"
    target.write_bytes(OTHER_LAPTOP)
    result = export_package(ws, ExportOptions(out=target, overwrite=True))
    assert zipfile.is_zipfile(target) and result.path == target
    assert "overwrite" not in ExportOptions(out=target, overwrite=True).summary()
    with zipfile.ZipFile(target) as zf:
        info = next(n for n in zf.namelist() if n.endswith("bag-info.txt"))
        assert b"overwrite" not in zf.read(info)


@pytest.mark.parametrize("overwrite", [False, True])
def test_atomic_output_without_hard_links(tmp_path, monkeypatch, overwrite) -> None:
    """FAT and exFAT sticks have no hard links: the name is checked right before the rename."""

    def no_links(src, dst) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(atomic.os, "link", no_links)
    target = tmp_path / "pkg.zip"
    _write(target, b"first", overwrite=overwrite)
    assert target.read_bytes() == b"first"
    if overwrite:
        _write(target, b"second", overwrite=True)
        assert target.read_bytes() == b"second"
    else:
        with pytest.raises(TargetExists):
            _write(target, b"second", overwrite=False)
        assert target.read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg.zip"]


def _write(target: Path, data: bytes, *, overwrite: bool) -> None:
    with AtomicFile(target, overwrite=overwrite) as dest:
        dest.fh.write(data)
        dest.commit()
        dest.release()


def test_atomic_file_without_overwrite_leaves_one_name(tmp_path) -> None:
    target = tmp_path / "pkg.zip"
    with AtomicFile(target, overwrite=False) as dest:
        dest.fh.write(b"package")
        dest.commit()
    assert dest.committed and target.read_bytes() == b"package"
    assert [p.name for p in tmp_path.iterdir()] == ["pkg.zip"]  # the partial name is gone
    assert target.stat().st_nlink == 1


# -- 3. a folder that is not there --------------------------------------------------------------


def test_export_into_a_missing_folder_is_refused_with_3(capsys, db, tmp_path) -> None:
    target = tmp_path / "unplugged" / "pkg.zip"
    code, out, err = run(capsys, "--db", db, "export", "--out", str(target))
    assert code == 3 and out == ""
    assert f"cannot write {target}: the folder {target.parent} does not exist" in err
    assert not target.parent.exists()


def test_the_core_refuses_a_missing_folder_as_a_failed_export(ws, tmp_path) -> None:
    with pytest.raises(ExportFailed, match="does not exist") as info:
        export_package(ws, ExportOptions(out=tmp_path / "missing" / "pkg.zip"))
    assert info.value.exit_code == 3


# -- 3. Ctrl-C at any moment of an export is a cancel -------------------------------------------


def _nothing_left(usb: Path, db: str) -> None:
    assert list(usb.iterdir()) == []
    assert remembered(db) == 0


def test_the_command_line_and_the_core_agree_on_the_cancel_code() -> None:
    assert CLI_EXIT_CANCELLED == EXIT_CANCELLED == 4


class _InterruptImport(importlib.abc.MetaPathFinder):
    """A Ctrl-C while the commands are still being imported (the first second)."""

    def find_spec(self, name, path=None, target=None):
        if name == "fieldsurvey.cli.run":
            raise KeyboardInterrupt
        return None


def test_ctrl_c_while_export_starts_up_is_a_cancel(monkeypatch, capsys, db, usb) -> None:
    monkeypatch.delitem(sys.modules, "fieldsurvey.cli.run", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_InterruptImport(), *sys.meta_path])
    assert main(["--db", db, "export", "--out", str(usb / "pkg.zip")]) == EXIT_CANCELLED
    assert capsys.readouterr().err == "fieldsurvey: export cancelled; nothing was written\n"
    assert main(["--db", db, "records", "list"]) == 130  # any other command: interrupted


def test_ctrl_c_while_the_database_opens_is_a_cancel(capsys, db, usb, monkeypatch) -> None:
    class Opening:
        @staticmethod
        def open(*args, **kwargs):
            raise KeyboardInterrupt

    monkeypatch.setattr(exchange_commands, "Workspace", Opening)
    code, _, err = run(capsys, "--db", db, "export", "--out", str(usb / "pkg.zip"))
    assert code == EXIT_CANCELLED and "export cancelled" in err
    _nothing_left(usb, db)


@pytest.mark.parametrize("step", ["select_records", "device_key", "_digest"])
def test_ctrl_c_before_and_after_writing_is_a_cancel(capsys, db, usb, monkeypatch, step) -> None:
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(export, step, interrupted)
    code, _, err = run(capsys, "--db", db, "export", "--out", str(usb / "pkg.zip"))
    assert code == EXIT_CANCELLED and "export cancelled" in err
    _nothing_left(usb, db)


def test_a_failure_to_remember_takes_the_package_away(ws, usb, monkeypatch) -> None:
    """A package is on the disk exactly when it is remembered."""
    real_commit = AtomicFile.commit

    def commit_then_interrupt(self) -> None:
        real_commit(self)
        raise KeyboardInterrupt  # as if the database's commit were cut short right after

    monkeypatch.setattr(AtomicFile, "commit", commit_then_interrupt)
    with pytest.raises(export.ExportCancelled):
        export_package(ws, ExportOptions(out=usb / "pkg.zip"))
    assert list(usb.iterdir()) == [] and remembered(ws) == 0


def test_a_failure_to_remember_puts_back_the_package_it_was_to_replace(
    ws, usb, monkeypatch
) -> None:
    """Replacing was agreed to for a package that is then on the disk; if remembering the export
    fails, the old package must not be lost with the new one."""
    target = usb / "pkg.zip"
    target.write_bytes(OTHER_LAPTOP)
    real_commit = AtomicFile.commit

    def commit_then_fail(self) -> None:
        real_commit(self)
        raise OSError(errno.ENOSPC, "No space left on device")  # the database's commit

    monkeypatch.setattr(AtomicFile, "commit", commit_then_fail)
    with pytest.raises(export.ExportFailed):
        export_package(ws, ExportOptions(out=target, overwrite=True))
    assert target.read_bytes() == OTHER_LAPTOP and remembered(ws) == 0
    assert [p.name for p in usb.iterdir()] == ["pkg.zip"]  # no partial, no stepped-aside copy
    monkeypatch.setattr(AtomicFile, "commit", real_commit)
    export_package(ws, ExportOptions(out=target, overwrite=True))
    assert zipfile.is_zipfile(target) and [p.name for p in usb.iterdir()] == ["pkg.zip"]


@pytest.mark.skipif(os.name != "posix", reason="a real SIGINT to this process")
def test_a_ctrl_c_as_the_package_is_placed_is_too_late_to_cancel(
    capsys, db, usb, monkeypatch
) -> None:
    real_commit = AtomicFile.commit

    def commit_and_press_ctrl_c(self) -> None:
        real_commit(self)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(AtomicFile, "commit", commit_and_press_ctrl_c)
    code, out, err = run(capsys, "--db", db, "export", "--out", str(usb / "pkg.zip"))
    assert code == 0, err
    assert zipfile.is_zipfile(usb / "pkg.zip") and remembered(db) == 1
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
