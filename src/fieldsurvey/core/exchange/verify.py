"""Verifying a package whole before anything trusts it (invariant 5).

In order: zip safety (extracting only into a temporary folder), BagIt validity with the
bagit library (manifests, checksums, Payload-Oxum), that the signed tag manifest covers every
tag file, the Ed25519 signature, and the schema and history of records.jsonl. Each failure
becomes one line saying what failed. Whether the signing device is known to this database is
reported, not judged, except that a known device signing with a different key is refused.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import bagit

from fieldsurvey import __version__
from fieldsurvey.core.exchange.bagzip import (
    BAG_INFO,
    MANIFEST,
    SIGNATURE,
    SIGNED_TAG_FILES,
    TAG_MANIFEST,
)
from fieldsurvey.core.exchange.content import PACKAGE_FORMAT
from fieldsurvey.core.exchange.schema import check_forms, check_records
from fieldsurvey.core.exchange.zipsafe import UnsafeZip, ZipLimits, extract_safely
from fieldsurvey.core.keys import ALGORITHM, decode_public_key, fingerprint, signature_ok
from fieldsurvey.core.store.db import Store
from fieldsurvey.core.store.models import Device

KNOWN, UNKNOWN, UNREGISTERED = "known", "unknown", "known device, key not yet registered"


@dataclass
class PackageReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    package_id: str = ""
    device_id: str = ""
    device_name: str = ""
    fingerprint: str = ""
    signature: str = "not checked"  # valid | invalid | missing | not checked
    device: str = UNKNOWN  # known | unknown | known device, key not yet registered
    records: int = 0
    revisions: int = 0
    files: int = 0
    info: dict[str, str] = field(default_factory=dict)  # bag-info, for the importer

    @property
    def public_key(self) -> str:
        return self.info.get("FieldSurvey-Public-Key", "").strip()

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_package(
    path: Path | str, *, store: Store | None = None, limits: ZipLimits | None = None
) -> PackageReport:
    """Check one package file; *store* (a Store, optional) says which devices are known."""
    with opened_package(path, store=store, limits=limits) as (report, _top):
        return report


@contextlib.contextmanager
def opened_package(
    path: Path | str,
    *,
    store: Store | None = None,
    limits: ZipLimits | None = None,
    records: bool = True,
) -> Iterator[tuple[PackageReport, Path | None]]:
    """Verify a package and, while the block runs, give its extracted top folder: an import
    reads exactly the files that were checked, never the zip again. The folder is None when
    the zip itself was refused; either way ``report.ok`` says whether anything may be read.
    ``records=False`` leaves the checks of records.jsonl to an importer that makes them (the
    same ones, ``schema.RecordCheck``) as it reads the records, in its transaction, and
    recomputes each revision's hash on the very text it writes; every other check is made
    here."""
    report = PackageReport(Path(path))
    with tempfile.TemporaryDirectory(prefix="fieldsurvey-verify-") as tmp:
        try:
            top = extract_safely(report.path, Path(tmp), limits)
        except UnsafeZip as exc:
            report.problems.append(f"zip: {exc}")
            yield report, None
            return
        info = _bag(top, report)
        report.info = info
        _tag_coverage(top, report)
        _signature(top, info, report, store)
        _content(top, info, report, records)
        yield report, top


@contextlib.contextmanager
def _quiet_bagit() -> Iterator[None]:
    """bagit logs each problem as a warning; the report says them once, in our words."""
    logger = logging.getLogger("bagit")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _bag(top: Path, report: PackageReport) -> dict[str, str]:
    bag = None
    try:
        with _quiet_bagit():
            bag = bagit.Bag(str(top))
            info = {k: v if isinstance(v, str) else v[0] for k, v in bag.info.items()}
            report.files = sum(1 for _ in bag.payload_files())
            bag.validate(processes=1)
    except bagit.BagValidationError as exc:
        details = [_detail(d) for d in getattr(exc, "details", None) or []]
        if not details:  # e.g. Payload-Oxum, checked first: name the files as well
            details = [exc.message, *(_completeness(bag) if bag is not None else [])]
        report.problems += [f"bagit: {d}" for d in details]
        return _info(top)
    except bagit.BagError as exc:
        report.problems.append(f"bagit: {exc}")
        return _info(top)
    if "Payload-Oxum" not in info:
        report.problems.append("bagit: bag-info.txt has no Payload-Oxum")
    return info


def _completeness(bag: bagit.Bag) -> list[str]:
    try:
        missing, added = bag.compare_manifests_with_fs()
    except (bagit.BagError, OSError):
        return []
    return [_detail(bagit.FileMissing(p)) for p in sorted(missing)] + [
        _detail(bagit.UnexpectedFile(p)) for p in sorted(added)
    ]


def _detail(detail: object) -> str:
    if isinstance(detail, bagit.ChecksumMismatch):
        return f"{detail.path}: checksum does not match the manifest (changed or damaged)"
    if isinstance(detail, bagit.FileMissing):
        return f"{detail.path}: listed in the manifest but missing (removed)"
    if isinstance(detail, bagit.UnexpectedFile):
        return f"{detail.path}: not listed in the manifest (added)"
    return str(detail)


def _info(top: Path) -> dict[str, str]:
    """bag-info read leniently, for the summary, when bagit refused the bag."""
    return _tags(_text(top / BAG_INFO))


def _tag_coverage(top: Path, report: PackageReport) -> None:
    """The signature covers only what the tag manifest lists: every tag file must be there."""
    manifest = top / TAG_MANIFEST
    if not manifest.is_file():
        report.problems.append(f"bagit: {TAG_MANIFEST} is missing")
        return
    listed = {
        line.split(None, 1)[1].strip() for line in _text(manifest).splitlines() if " " in line
    }
    for name in SIGNED_TAG_FILES:
        if name not in listed:
            report.problems.append(f"bagit: {name} is not covered by {TAG_MANIFEST}")
    for path in sorted(top.iterdir()):
        if (
            path.is_file()
            and path.name not in (TAG_MANIFEST, SIGNATURE)
            and path.name not in listed
        ):
            report.problems.append(f"bagit: tag file {path.name} is not covered by the signature")
    if not (top / MANIFEST).is_file():
        report.problems.append(f"bagit: {MANIFEST} is missing")


def _signature(top: Path, info: dict[str, str], report: PackageReport, store: Store | None) -> None:
    report.package_id = info.get("External-Identifier", "")
    report.device_id = info.get("FieldSurvey-Device-Id", "")
    report.device_name = info.get("FieldSurvey-Device-Name", "")
    path = top / SIGNATURE
    if not path.is_file():
        report.signature = "missing"
        report.problems.append(f"signature: not signed ({SIGNATURE} is missing)")
        return
    fields = _tags(_text(path))
    try:
        public = decode_public_key(info.get("FieldSurvey-Public-Key", ""))
        signature = base64.b64decode(fields.get("Signature", ""), validate=True)
    except (ValueError, binascii.Error) as exc:
        report.signature = "invalid"
        report.problems.append(f"signature: unreadable ({exc})")
        return
    report.fingerprint = fingerprint(public)
    if fields.get("Algorithm") != ALGORITHM or fields.get("Signed-File") != TAG_MANIFEST:
        report.problems.append(f"signature: expected an {ALGORITHM} signature of {TAG_MANIFEST}")
    if fields.get("Public-Key", "").strip() != info.get("FieldSurvey-Public-Key", "").strip():
        report.problems.append("signature: the key in the signature file is not the package's key")
    if fields.get("Device-Id", "") != report.device_id:
        report.problems.append("signature: signed for another device than bag-info names")
    data = (top / TAG_MANIFEST).read_bytes() if (top / TAG_MANIFEST).is_file() else b""
    if signature_ok(public, signature, data):
        report.signature = "valid"
    else:
        report.signature = "invalid"
        report.problems.append(
            f"signature: does not match {TAG_MANIFEST} (changed after signing, or another key)"
        )
    _device(report, info.get("FieldSurvey-Public-Key", "").strip(), store)


def _device(report: PackageReport, public_b64: str, store: Store | None) -> None:
    if store is None or not report.device_id:
        report.device = UNKNOWN
        return
    with store.session(write=False) as s:
        device = s.get(Device, report.device_id)
    if device is None:
        report.device = UNKNOWN
    elif not device.public_key:
        report.device = UNREGISTERED
        report.device_name = report.device_name or device.name
    elif device.public_key == public_b64:
        report.device = KNOWN
    else:
        report.device = "known device, different key"
        report.problems.append(
            f"signature: device {report.device_id} is known here with a different key"
        )


def _content(top: Path, info: dict[str, str], report: PackageReport, records: bool = True) -> None:
    fmt = info.get("FieldSurvey-Package-Format", "")
    if fmt and (not fmt.isdigit() or int(fmt) > int(PACKAGE_FORMAT)):
        made_by = info.get("FieldSurvey-App-Version", "").strip()
        writer = f"FieldSurvey {made_by}" if made_by else "a newer FieldSurvey"
        report.problems.append(
            f"content: package format {fmt} was written by {writer}; this FieldSurvey "
            f"({__version__}) reads formats up to {PACKAGE_FORMAT}: update to {writer}"
            + (" or later" if made_by else "")
        )
        return
    if not records:  # the importer checks them as it reads them
        report.records = _count(info, "FieldSurvey-Record-Count")
        report.revisions = _count(info, "FieldSurvey-Revision-Count")
        report.problems += [f"content: {m}" for m in check_forms(top / "data", set())]
        return
    schema = check_records(top / "data" / "records.jsonl")
    report.records, report.revisions = schema.records, schema.revisions
    report.problems += [f"content: {m}" for m in schema.messages()]
    report.problems += counts_problems(info, schema.records, schema.revisions)
    report.problems += [f"content: {m}" for m in check_forms(top / "data", schema.forms)]


def counts_problems(info: dict[str, str], records: int, revisions: int) -> list[str]:
    """Whether bag-info's counts are what records.jsonl holds."""
    return [
        f"content: bag-info says {key} {info.get(key)!r}, found {found}"
        for key, found in (
            ("FieldSurvey-Record-Count", records),
            ("FieldSurvey-Revision-Count", revisions),
        )
        if info.get(key, "") != str(found)
    ]


def _count(info: dict[str, str], key: str) -> int:
    text = info.get(key, "").strip()
    return int(text) if text.isdigit() and len(text) < 12 else 0


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _tags(text: str) -> dict[str, str]:
    """``Key: value`` lines (the first of a repeated key; folded lines are not continued)."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line[:1].isspace():
            out.setdefault(key.strip(), value.strip())
    return out
