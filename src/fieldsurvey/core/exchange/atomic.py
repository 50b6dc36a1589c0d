"""Writing a file so a reader sees all of it or none of it (invariant 1).

The bytes go to a hidden partial file beside the target (same folder, so the rename cannot
cross file systems), are flushed and fsync'd, and the partial is renamed over the target.
Any failure, including a cancel or Ctrl-C, removes the partial: nothing that looks like a
package is left behind.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

PARTIAL_MARK = ".partial-"


def partial_path(target: Path) -> Path:
    """``dir/.NAME.partial-<random>``: hidden, and not ending in the target's suffix."""
    return target.with_name(f".{target.name}{PARTIAL_MARK}{secrets.token_hex(4)}")


def _open_partial(path: Path) -> BinaryIO:
    """Exclusive create, so two exports can never share a partial file (a seam for tests)."""
    return open(path, "xb")  # noqa: SIM115 - closed by atomic_output


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable, where the file system can: not on Windows, and some
    (FAT USB sticks, network shares) refuse a folder fsync. By now the package is complete
    under its name, so a refusal here must not be reported as a failed export."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_output(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary file; on a clean exit it becomes *target*, otherwise it disappears."""
    target = Path(target)
    partial = partial_path(target)
    fh = _open_partial(partial)
    try:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
        fh.close()
        os.replace(partial, target)
    except BaseException:
        try:
            fh.close()
        except OSError:
            pass  # closing a file on a full disk can fail too; the partial goes either way
        partial.unlink(missing_ok=True)
        raise
    _fsync_dir(target.parent)
