"""The device's signing key (Ed25519): made on first need, kept in the store, never exported.

A package is signed so a coordinator can tell which laptop wrote it and that nobody changed
it on the way. The private key lives in the settings table under ``SETTING_SIGNING_KEY``; the
settings table never leaves the machine. The public key is registered on the local Device row,
so it travels with the device's identity and other databases can learn it on import.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlmodel import col, select

from fieldsurvey.core.store.db import Store
from fieldsurvey.core.store.models import Device

SETTING_SIGNING_KEY = "device.signing_key"  # base64 raw private key; local only
ALGORITHM = "Ed25519"


@dataclass(frozen=True)
class DeviceKey:
    """This device's key pair, as the exporter needs it."""

    device_id: str
    private: Ed25519PrivateKey

    @property
    def public_raw(self) -> bytes:
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.public_raw).decode("ascii")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_raw)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def device_key(store: Store) -> DeviceKey:
    """This device's key, created and stored (one transaction) the first time it is needed."""
    with store.session() as s:
        text = store.get_setting(SETTING_SIGNING_KEY, session=s)
        if text:
            private = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text))
        else:
            private = Ed25519PrivateKey.generate()
            raw = private.private_bytes_raw()
            store.set_setting(SETTING_SIGNING_KEY, base64.b64encode(raw).decode("ascii"), session=s)
        key = DeviceKey(store.device_id, private)
        device = s.get(Device, store.device_id)
        if device is not None and device.public_key != key.public_b64:
            device.public_key = key.public_b64
            s.add(device)
            s.flush()
    return key


def fingerprint(public_raw: bytes) -> str:
    """sha256 of the raw public key in groups of four hex digits, for reading aloud."""
    digest = hashlib.sha256(public_raw).hexdigest()
    return " ".join(digest[i : i + 4] for i in range(0, len(digest), 4))


def decode_public_key(text: str) -> bytes:
    """The raw 32-byte key from its base64 text; ValueError when it is not one."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the public key is not base64") from exc
    if len(raw) != 32:
        raise ValueError(f"an Ed25519 public key has 32 bytes, not {len(raw)}")
    return raw


def signature_ok(public_raw: bytes, signature: bytes, data: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class KnownDevice:
    """A device this database knows: itself, or one whose packages it imported."""

    id: str
    name: str
    fingerprint: str  # "" while no key is pinned
    this_device: bool
    first_seen: str


def known_devices(store: Store) -> list[KnownDevice]:
    """Every device with its key's fingerprint, so a coordinator can compare it by phone with
    what ``fieldsurvey device`` shows on the laptop."""
    with store.session(write=False) as s:
        rows = s.exec(select(Device).order_by(col(Device.first_seen), col(Device.id))).all()
    out = []
    for d in rows:
        try:
            shown = fingerprint(decode_public_key(d.public_key)) if d.public_key else ""
        except ValueError:
            shown = ""
        out.append(KnownDevice(d.id, d.name or "", shown, bool(d.is_local), d.first_seen))
    return out
