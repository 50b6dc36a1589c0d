"""Writing a file so a reader sees all of it or none of it (invariant 1).

The bytes go to a hidden partial file beside the target (same folder, so the rename cannot
cross file systems), are flushed and fsync'd, and the partial is then put in the target's
place. Any failure, including a cancel or Ctrl-C, removes the partial: nothing that looks like
a package is left behind.

Putting it in place either replaces whatever is there (``overwrite=True``) or never does:
without overwrite the partial is hard-linked to the target name, which the kernel refuses
atomically when the name is taken (another laptop's package written to the same USB stick a
moment ago), and the partial name is then dropped. File systems without hard links (FAT and
exFAT sticks, some network shares) get a last check for the name right before a plain rename
instead; on Windows a plain rename never replaces a file anyway.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

PARTIAL_MARK = ".partial-"


class TargetExists(FileExistsError):
    """The target name is taken and the writer was told not to replace it."""

    def __init__(self, target: Path) -> None:
        super().__init__(errno.EEXIST, os.strerror(errno.EEXIST), str(target))


def partial_path(target: Path) -> Path:
    """``dir/.NAME.partial-<random>``: hidden, and not ending in the target's suffix."""
    return target.with_name(f".{target.name}{PARTIAL_MARK}{secrets.token_hex(4)}")


def _open_partial(path: Path) -> BinaryIO:
    """Exclusive create, so two exports can never share a partial file (a seam for tests)."""
    return open(path, "xb")  # noqa: SIM115 - closed by AtomicFile


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


def _place(partial: Path, target: Path, *, overwrite: bool) -> None:
    """Give the complete *partial* the *target*'s name; without *overwrite*, never replace."""
    if overwrite:
        os.replace(partial, target)
        return
    if os.name != "posix":
        try:
            os.rename(partial, target)  # Windows: refuses an existing target by itself
        except FileExistsError:
            raise TargetExists(target) from None
        return
    try:
        os.link(partial, target)  # atomic: fails with EEXIST when the name is taken
    except FileExistsError:
        raise TargetExists(target) from None
    except OSError:  # no hard links on this file system (FAT, exFAT, some shares)
        if os.path.lexists(target):
            raise TargetExists(target) from None
        os.rename(partial, target)  # the name was free a moment ago
        return
    try:
        partial.unlink()
    except OSError:
        pass  # the package is in place; a second name for it is harmless


class AtomicFile:
    """A partial file that becomes *target* on ``commit()`` or disappears on ``discard()``.

    As a context manager, leaving the block by an exception discards it (a commit that already
    happened stands); the caller commits explicitly, so it can act on the sealed partial first
    (its digest, say) and do other work together with the commit.
    """

    def __init__(self, target: Path, *, overwrite: bool = True) -> None:
        self.target = Path(target)
        self.overwrite = overwrite
        self.partial = partial_path(self.target)
        self.fh = _open_partial(self.partial)
        self.committed = False
        self.replaced: Path | None = None  # the file *target* named before, kept until release

    def seal(self) -> None:
        """Flush the bytes to the disk and close the file (once)."""
        if self.fh.closed:
            return
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()

    def commit(self) -> None:
        """Seal the partial and put it in the target's place (``TargetExists`` when the name
        is taken and overwrite was not asked for; the partial is then left for ``discard``)."""
        self.seal()
        if self.overwrite and os.path.lexists(self.target):
            # the old file steps aside rather than being overwritten, so that undo() can put
            # it back if what this commit goes with (the export's record) fails
            self.replaced = self.target.with_name(
                f".{self.target.name}.replaced-{secrets.token_hex(4)}"
            )
            os.rename(self.target, self.replaced)
        try:
            _place(self.partial, self.target, overwrite=self.overwrite)
        except BaseException:
            self._restore()
            raise
        self.committed = True
        _fsync_dir(self.target.parent)

    def undo(self) -> None:
        """Take a committed target away again, and put back the file it replaced."""
        if self.committed:
            self.target.unlink(missing_ok=True)
            self.committed = False
        self._restore()

    def release(self) -> None:
        """The commit stands: the file it replaced goes for good."""
        if self.replaced is not None:
            self.replaced.unlink(missing_ok=True)
            self.replaced = None

    def _restore(self) -> None:
        if self.replaced is not None:
            os.replace(self.replaced, self.target)
            self.replaced = None

    def discard(self) -> None:
        """Remove the partial; a committed target is left alone."""
        try:
            self.fh.close()
        except OSError:
            pass  # closing a file on a full disk can fail too; the partial goes either way
        self.partial.unlink(missing_ok=True)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is not None or not self.committed:
            self.discard()


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back for a short step that must happen whole (a package put in place and
    remembered): a Ctrl-C that arrives during it is too late to cancel, and the step finishes.
    Only the main thread receives signals, and a handler someone else installed is left
    alone; elsewhere this does nothing."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
