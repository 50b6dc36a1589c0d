"""A BagIt bag (RFC 8493) written straight into a zip, reproducibly, and signed.

Layout inside the zip (one top folder, so unzipping never spills files)::

    <top>/bagit.txt
    <top>/bag-info.txt               Payload-Oxum, package id, device, public key, counts
    <top>/manifest-sha256.txt        every payload file under data/
    <top>/tagmanifest-sha256.txt     bagit.txt, bag-info.txt, manifest-sha256.txt
    <top>/fieldsurvey-signature.txt  Ed25519 signature of tagmanifest-sha256.txt's bytes
    <top>/data/...

Signing the tag manifest covers everything else by hash chain: the tag manifest lists the
payload manifest and bag-info (with the public key), the payload manifest lists every payload
file. The signature file cannot be listed in the manifest it signs, so it is a tag file that
no tag manifest lists, which RFC 8493 allows (section 2.2.4) and the bagit library accepts.

Every zip entry gets the same fixed timestamp (taken from the data), permissions and "made
on Unix" marker, and entries are written in a fixed order, so the same payload gives the
same entry bytes on every machine.
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from fieldsurvey.core.keys import ALGORITHM, DeviceKey

BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAG_MANIFEST = "tagmanifest-sha256.txt"
SIGNATURE = "fieldsurvey-signature.txt"
SIGNED_TAG_FILES = ("bag-info.txt", "bagit.txt", MANIFEST)  # what the tag manifest lists
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_STORED = frozenset({".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".xlsx", ".zip"})
_CHUNK = 1 << 20


@dataclass(frozen=True)
class PayloadFile:
    path: str  # "data/..." relative to the bag folder
    sha256: str
    size: int


class _HashingWriter(io.BufferedIOBase):
    """A write-only stream that hashes and counts what passes through to the zip entry."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self.raw = raw
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.hash.update(data)
        self.size += len(data)
        return self.raw.write(data)

    def writable(self) -> bool:
        return True


def check_payload_name(rel: str) -> None:
    """Names the manifests can carry without escaping, and that stay inside data/."""
    parts = rel.split("/")
    if (
        not rel.startswith("data/")
        or any(p in ("", ".", "..") for p in parts)
        or any(c in rel for c in "%\\\r\n\x00")
        or rel != rel.strip()
    ):
        raise ValueError(f"unsafe payload name {rel!r}")


class BagZipWriter:
    """Add payload files, then ``finish`` writes the tag files and the signature."""

    def __init__(self, fh: BinaryIO, *, top: str, date_time: tuple[int, ...]) -> None:
        self.zip = zipfile.ZipFile(fh, "w", allowZip64=True)
        self.top = top
        self.date_time = tuple(date_time[:6]) if date_time[0] >= 1980 else ZIP_EPOCH
        self.payload: list[PayloadFile] = []
        self._names: set[str] = set()

    def _info(self, rel: str) -> zipfile.ZipInfo:
        name = f"{self.top}/{rel}"
        if name in self._names:
            raise ValueError(f"{rel} is already in the package")
        self._names.add(name)
        info = zipfile.ZipInfo(name, date_time=self.date_time)  # type: ignore[arg-type]
        info.create_system = 3  # Unix, on every platform: same bytes everywhere
        info.external_attr = 0o100644 << 16
        stored = Path(rel).suffix.lower() in _STORED
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        return info

    # -- payload ---------------------------------------------------------------------------
    def add_bytes(self, rel: str, data: bytes) -> None:
        check_payload_name(rel)
        self.zip.writestr(self._info(rel), data)
        self.payload.append(PayloadFile(rel, hashlib.sha256(data).hexdigest(), len(data)))

    @contextmanager
    def open(self, rel: str) -> Iterator[_HashingWriter]:
        """Stream a large payload file (tables, records.jsonl) without holding it in memory."""
        check_payload_name(rel)
        with self.zip.open(self._info(rel), "w") as raw:
            writer = _HashingWriter(raw)  # type: ignore[arg-type]
            yield writer
        self.payload.append(PayloadFile(rel, writer.hash.hexdigest(), writer.size))

    def add_file(self, rel: str, source: Path) -> None:
        with self.open(rel) as out, open(source, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                out.write(chunk)

    @property
    def payload_oxum(self) -> str:
        return f"{sum(p.size for p in self.payload)}.{len(self.payload)}"

    # -- tag files -------------------------------------------------------------------------
    def finish(self, info: list[tuple[str, str]], key: DeviceKey) -> None:
        """Write bagit.txt, bag-info.txt (*info* plus Payload-Oxum), the manifests and the
        signature, then close the zip."""
        bag_info = "".join(
            f"{k}: {_one_line(v)}\n"
            for k, v in [*info, ("Payload-Oxum", self.payload_oxum)]
            if v != ""
        ).encode("utf-8")
        manifest = "".join(
            f"{p.sha256}  {p.path}\n" for p in sorted(self.payload, key=lambda p: p.path)
        ).encode("utf-8")
        tags = {"bagit.txt": BAGIT_TXT, BAG_INFO: bag_info, MANIFEST: manifest}
        tag_manifest = "".join(
            f"{hashlib.sha256(tags[name]).hexdigest()}  {name}\n" for name in SIGNED_TAG_FILES
        ).encode("utf-8")
        signature = signature_file(key, tag_manifest)
        for name, data in (*tags.items(), (TAG_MANIFEST, tag_manifest), (SIGNATURE, signature)):
            self.zip.writestr(self._info(name), data)
        self.zip.close()

    def abandon(self) -> None:
        """The partial file is being thrown away: never write a central directory into it."""
        self.zip.fp = None


def signature_file(key: DeviceKey, tag_manifest: bytes) -> bytes:
    sig = base64.b64encode(key.sign(tag_manifest)).decode("ascii")
    lines = [
        f"Algorithm: {ALGORITHM}",
        f"Signed-File: {TAG_MANIFEST}",
        f"Device-Id: {key.device_id}",
        f"Public-Key: {key.public_b64}",
        f"Signature: {sig}",
    ]
    return ("\n".join(lines) + "\n").encode("ascii")


def _one_line(value: str) -> str:
    """Tag values are one line: folding is legal but easy for other tools to get wrong."""
    return " ".join(str(value).split())
