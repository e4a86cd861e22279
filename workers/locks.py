"""An exclusive lock on a file, held by one process at a time, on every platform a
worker runs on (helpers may be Windows machines)."""

from __future__ import annotations

import contextlib
import os


@contextlib.contextmanager
def exclusive(path: str | os.PathLike):
    """Hold *path* (created if missing) exclusively until the block ends."""
    with open(path, "a+b") as fh:
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            while True:
                try:
                    msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)  # retries for 10 s, then raises
                    break
                except OSError:
                    continue
            try:
                yield fh
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield fh
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def try_hold(path: str | os.PathLike):
    """The open file of *path* (created if missing) locked exclusively, or None when
    another process holds it now: never waits. The lock lasts until the file is closed
    (or the process ends, however it ends)."""
    fh = open(path, "a+b")
    try:
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        return None
    return fh
