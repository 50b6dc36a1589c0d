"""Opening a zip from someone else without letting it harm this machine.

A package comes on a USB stick from a laptop we do not control. Before anything reads its
content: the archive's own directory is sized up from its end record (so a directory of a
billion entries is refused before Python parses it); every entry name must stay inside one
top folder (no ``..``, no absolute or drive paths, no backslashes, no duplicates even after
case folding and Unicode normalisation); no symbolic links or device files; no encryption;
sizes and compression ratios within limits. Extraction then goes only into the given
(temporary) folder, streaming in chunks and counting the bytes actually produced, because the
sizes in the headers are claims, not facts.
"""

from __future__ import annotations

import re
import shutil
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int = 200_000
    max_total_bytes: int = 8 << 30  # uncompressed, all entries
    max_entry_bytes: int = 4 << 30
    max_ratio: float = 100.0  # uncompressed / compressed, for entries above ratio_floor
    ratio_floor: int = 1 << 20
    max_directory_bytes: int = 64 << 20  # the zip's central directory


class UnsafeZip(Exception):
    """Why the archive was refused, in words for the person holding the USB stick."""


def _directory_size(path: Path, limits: ZipLimits) -> None:
    """Read the entry count and directory size from the end record, before zipfile does."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        tail_len = min(size, 22 + 65535)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        at = tail.rfind(_EOCD)
        # the end record closes the file (after it only its comment): a stored zip inside a
        # truncated package (an .xlsx) must not pass for the package's own end
        if at < 0 or len(tail) - at < 22 or at + 22 + _u16(tail, at + 20) != len(tail):
            raise UnsafeZip("not a zip archive, or truncated (its end record is missing)")
        entries, dir_size = struct.unpack("<xxxxxxxxxxHI", tail[at : at + 16])
        if entries == 0xFFFF or dir_size == 0xFFFFFFFF:
            loc = tail.rfind(_EOCD64_LOCATOR, 0, at)
            if loc < 0:
                raise UnsafeZip("damaged zip64 end record")
            (offset,) = struct.unpack("<Q", tail[loc + 8 : loc + 16])
            fh.seek(offset)
            record = fh.read(56)
            if len(record) < 56 or record[:4] != b"PK\x06\x06":
                raise UnsafeZip("damaged zip64 end record")
            entries, dir_size = struct.unpack("<QQ", record[32:48])
    if entries > limits.max_entries:
        raise UnsafeZip(f"too many entries ({entries}; at most {limits.max_entries} are accepted)")
    if dir_size > limits.max_directory_bytes:
        raise UnsafeZip(f"the archive's directory is implausibly large ({dir_size} bytes)")


def _u16(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 2], "little")


def name_problem(name: str) -> str | None:
    """What is wrong with an entry name, or None."""
    if "\x00" in name:
        return "contains a NUL character"
    if "\\" in name:
        return "uses backslashes (a Windows path)"
    if name.startswith("/") or _DRIVE.match(name):
        return "is an absolute path"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return "leaves the package folder (..)"
    if any(p in ("", ".") for p in parts):
        return "has an empty or '.' path part"
    return None


def _kind_problem(info: zipfile.ZipInfo) -> str | None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        return "is a symbolic link"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "is a special file (device, pipe or socket)"
    if info.flag_bits & 0x1:
        return "is encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"uses an unsupported compression method ({info.compress_type})"
    return None


def check_entries(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> str:
    """Refuse unsafe entries; returns the one top folder every entry lives in."""
    seen: set[str] = set()
    tops: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        problem = name_problem(name) or _kind_problem(info)
        if problem:
            raise UnsafeZip(f"entry {name!r} {problem}")
        key = unicodedata.normalize("NFC", name.rstrip("/")).casefold()
        if key in seen:
            raise UnsafeZip(f"entry {name!r} appears more than once")
        seen.add(key)
        parts = name.split("/")  # "top/" (a folder entry) and "top/x" share the top "top"
        tops.add(parts[0] if len(parts) > 1 else "")
        if info.file_size > limits.max_entry_bytes:
            raise UnsafeZip(f"entry {name!r} is too large ({info.file_size} bytes)")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise UnsafeZip(
                f"entry {name!r} expands {ratio:.0f} times (a zip bomb?); "
                f"at most {limits.max_ratio:.0f} is accepted"
            )
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnsafeZip(f"the contents are too large (over {limits.max_total_bytes} bytes)")
    if len(tops) != 1 or "" in tops:
        raise UnsafeZip("a package holds exactly one top folder, and this archive does not")
    return tops.pop()


def extract_safely(path: Path, dest: Path, limits: ZipLimits | None = None) -> Path:
    """Check *path* and extract it into the empty folder *dest*; returns the top folder."""
    limits = limits or ZipLimits()
    try:
        _directory_size(path, limits)
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            top = check_entries(infos, limits)
            declared = sum(i.file_size for i in infos)
            free = shutil.disk_usage(dest).free
            if declared + (64 << 20) > free:
                raise UnsafeZip(f"not enough free space to check it ({declared} bytes needed)")
            budget = [limits.max_total_bytes]
            for info in infos:
                _extract_one(zf, info, dest, budget)
    except OSError as exc:
        raise UnsafeZip(f"cannot be read ({exc.strerror or exc})") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise UnsafeZip(f"damaged or not a zip archive ({exc})") from exc
    return dest / top


def _extract_one(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, budget: list[int]) -> None:
    target = dest.joinpath(*info.filename.rstrip("/").split("/"))
    if not target.resolve().is_relative_to(dest.resolve()):
        raise UnsafeZip(f"entry {info.filename!r} leaves the package folder")
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with zf.open(info) as src, open(target, "xb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                budget[0] -= len(chunk)
                if written > info.file_size or budget[0] < 0:
                    raise UnsafeZip(f"entry {info.filename!r} is larger than its header says")
                out.write(chunk)
    except zipfile.BadZipFile as exc:
        raise UnsafeZip(f"entry {info.filename!r} is damaged ({exc})") from exc
    except zlib.error as exc:
        raise UnsafeZip(f"entry {info.filename!r} is damaged (cannot be decompressed)") from exc
    if written != info.file_size:
        raise UnsafeZip(f"entry {info.filename!r} is shorter than its header says")
