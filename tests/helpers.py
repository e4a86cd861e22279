"""Shared test helpers: waiting on conditions, word error rate, processes."""

from __future__ import annotations

import re
import socket
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.05, message: str = "condition"):
    """Poll *predicate* until it returns a truthy value; fail after *timeout* seconds."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
        tick.wait(interval)


def waiting_to_write(thread) -> bool:
    """*thread* waits for SQLite's write lock (in ``Database.transaction``)."""
    frame = sys._current_frames().get(thread.ident)
    return frame is not None and frame.f_code.co_name == "transaction"


def write_at_once(database, targets, timeout: float = 30.0) -> None:
    """Run each of *targets* in a thread of its own, as processes joined to one stack run,
    and make their writes meet: a connection of the test's holds SQLite's write lock on
    *database* until every thread waits for it, then lets go; returns once all are done."""
    import sqlite3

    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    threads = [threading.Thread(target=target) for target in targets]
    for thread in threads:
        thread.start()
    try:
        wait_until(lambda: all(waiting_to_write(t) for t in threads), timeout, message="every thread to wait to write")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    for thread in threads:
        thread.join(timeout=timeout)


def normalize(text: str) -> str:
    text = text.lower().replace("-", " ")
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s']", "", text)).strip()


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(normalize(reference), normalize(hypothesis))


def reference(name: str) -> str:
    return (CORPUS / f"{name}.txt").read_text(encoding="utf-8")


def live_processes(pids) -> list[psutil.Process]:
    """Those of *pids* still running (zombies do not count: this init reaps late)."""
    alive = []
    for pid in pids:
        try:
            proc = psutil.Process(pid)
            if proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
        except psutil.NoSuchProcess:
            pass
    return alive


def parse_srt(text: str) -> list[tuple[float, float, str]]:
    """Parse SRT strictly: numbered blocks, HH:MM:SS,mmm times, text; fail on anything else."""
    def secs(stamp: str) -> float:
        h, m, rest = stamp.split(":")
        s, ms = rest.split(",")
        return int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000

    cues = []
    blocks = [b for b in text.strip().split("\n\n") if b.strip()]
    for number, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        assert lines[0] == str(number), f"cue {number} is numbered {lines[0]!r}"
        match = re.fullmatch(r"(\d\d:\d\d:\d\d,\d\d\d) --> (\d\d:\d\d:\d\d,\d\d\d)", lines[1])
        assert match, f"bad time line {lines[1]!r}"
        start, end = secs(match[1]), secs(match[2])
        assert 0 <= start <= end, f"cue {number} runs backwards"
        assert len(lines) > 2 and lines[2].strip(), f"cue {number} has no text"
        cues.append((start, end, " ".join(lines[2:])))
    return cues


def processes_of(data_dir) -> list[psutil.Process]:
    """Running processes that belong to the Earmark instance of *data_dir*."""
    root = str(data_dir)
    found = []
    for proc in psutil.process_iter(["cmdline", "cwd", "status"]):
        try:
            if proc.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if root in " ".join(proc.info["cmdline"] or ()) or (proc.info["cwd"] or "").startswith(root):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


def fresh_copy(source: Path, folder: Path, name: str | None = None) -> Path:
    """*source* copied into *folder* with a tag of its own appended (ASCII, after the last
    frame: decoders stop there): a recording no other test added, so a new job of this
    test's, never a reuse of another test's on the shared stack."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or source.name)
    target.write_bytes(source.read_bytes() + f"earmark-test-{uuid.uuid4().hex}".encode())
    return target


def free_port(ip: str = "127.0.0.1") -> int:
    """A TCP port free on *ip* now (the kernel's choice; a test binds it soon after)."""
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]
