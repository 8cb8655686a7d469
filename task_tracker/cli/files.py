"""Writing a file a person named, safely: whole or not at all, never through a planted link."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from task_tracker.errors import StartupError

_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


@contextmanager
def replace_atomically(target: Path) -> Iterator[TextIO]:
    """A text file that becomes `target` when the block ends without error.

    The data goes to a private temporary file in the same directory (created with O_EXCL, so
    no link planted there is followed), is fsynced, then renamed over the target: a reader
    never sees half a file. Anything at the target that is not a regular file is refused, and
    the temporary file is removed on every failure.
    """
    target = target.absolute()
    try:
        existing = os.lstat(target)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        kind = _KINDS.get(stat.S_IFMT(existing.st_mode), "not a regular file")
        raise StartupError(f"{target} is {kind}; write to a new or regular file instead")
    if not target.parent.is_dir():
        raise StartupError(f"directory {target.parent} does not exist")
    try:
        fd, partial = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=target.parent
        )
    except OSError as exc:
        raise StartupError(f"cannot write in {target.parent}: {exc.strerror}") from None
    try:
        if existing is not None:
            os.fchmod(fd, stat.S_IMODE(existing.st_mode))
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except OSError as exc:
        os.unlink(partial)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StartupError(
                f"the disk holding {target.parent} is full; {target} was not written (nothing "
                "else was changed): free some space or write elsewhere"
            ) from None
        raise StartupError(f"cannot write {target}: {exc.strerror}") from None
    except BaseException:
        os.unlink(partial)
        raise
