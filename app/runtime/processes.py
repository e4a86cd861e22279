"""Operating-system helpers for child processes: dying with the parent, pidfiles, the stall time."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
from pathlib import Path

import psutil

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
STALL_SECONDS = 60.0  # a process that neither reports nor uses CPU this long is hung


def stall_seconds_default() -> float:
    return float(os.environ.get("EARMARK_STALL_SECONDS") or STALL_SECONDS)

_prctl = None
if sys.platform.startswith("linux"):
    try:
        _prctl = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True).prctl
    except (OSError, AttributeError):
        _prctl = None


def die_with_parent(sig: int):
    """A preexec_fn: the child gets *sig* when the thread that spawned it exits.

    Resolved before the fork, so the child runs no Python-level locking code.
    """
    parent = os.getpid()

    def preexec() -> None:
        if _prctl is not None:
            _prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return preexec


def write_pidfile(path: Path, pid: int) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(str(pid))
    os.replace(tmp, path)


def kill_stale(pidfile: Path, belongs_to_us) -> bool:
    """Kill the process named in a pidfile left by a crashed run, if it is still ours.

    *belongs_to_us(proc)* guards against a recycled pid now used by another program.
    """
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        pidfile.unlink(missing_ok=True)
        return False
    killed = False
    try:
        proc = psutil.Process(pid)
        if proc.status() != psutil.STATUS_ZOMBIE and belongs_to_us(proc):
            log.warning("killing stale %s (pid %d) left by an earlier run", pidfile.stem, pid)
            for child in proc.children(recursive=True):
                child.send_signal(signal.SIGKILL)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            killed = True
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.TimeoutExpired):
        pass
    pidfile.unlink(missing_ok=True)
    return killed
