"""A package opened for import: its file digested and verified (every check ``verify`` makes
but those of records.jsonl, which the import makes as it reads them, a batch at a time, so
memory does not grow with the package), its files extracted until it is closed.

(Opening the next package on a helper thread while one is written was tried: Python's lock
slowed the writing by as much as the opening gained.)
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from fieldsurvey.core.errors import FieldSurveyError, Phrase, RefusedError
from fieldsurvey.core.exchange.schema import RecordCheck
from fieldsurvey.core.exchange.verify import PackageReport, opened_package
from fieldsurvey.core.store.db import Store


@dataclass
class OpenedPackage:
    path: Path
    sha256: str = ""
    unreadable: str = ""  # why the file itself could not be read
    report: PackageReport | None = None
    data: Path | None = None  # the verified data/ folder, while open
    check: RecordCheck = field(default_factory=lambda: RecordCheck(hashes=False))
    problem: FieldSurveyError | None = None  # found while opening it
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    def close(self) -> None:
        """The extracted files go; the package file is left as it is."""
        self._stack.close()


def open_package(store: Store, path: Path | str) -> OpenedPackage:
    """Digest and verify *path*. Never raises for what a package holds: the answer is in
    the result (``unreadable``, ``report.problems`` or ``problem``)."""
    opened = OpenedPackage(Path(path))
    try:
        opened.sha256 = _digest(opened.path)
    except OSError as exc:
        opened.unreadable = f"cannot read the file ({exc.strerror or exc})"
        return opened
    try:
        report, top = opened._stack.enter_context(
            opened_package(opened.path, store=store, records=False)
        )
        opened.report = report
        if not report.ok or top is None:
            return opened
        opened.data = top / "data"
    except FieldSurveyError as exc:
        opened.problem = exc
    except Exception as exc:  # noqa: BLE001 - whatever a package holds, never a traceback
        opened.problem = RefusedError(
            "the package could not be imported ({reason}); nothing was imported",
            reason=Phrase("{kind}: {text}", kind=type(exc).__name__, text=str(exc)[:200]),
        )
    except BaseException:
        opened.close()
        raise
    return opened


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()
