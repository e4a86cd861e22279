"""Watched folders: whatever recording lands in one (or in its subfolders) becomes a job
through the front desk, and its transcript is written to the output folder (mirroring
the subfolders) or next to the recording. A front end, Qt-free: ``earmark serve
--watch`` and the window's Settings › Watch folder both run a ``FolderWatch``.

Polling, not inotify: every ``SCAN_SECONDS`` each folder is walked and each file's size
and modification time read. That works the same on every system and on network and
removable drives (where change notifications are missing or late), finds what came
while Earmark was stopped with the same code as what comes while it runs, and costs a
stat a file a round.

A file is taken only once it has *settled*: the same size and modification time seen
for ``settle_seconds`` (a slow copy or a download still writing is never taken half).
Names of downloads in progress (``.part``, ``.crdownload`` …), backups (``~``) and
hidden files are never looked at; files that are not recordings by name are passed over
without a job. Identity is the content: the ledger in the job store
(``app.store.watchledger``) keeps each file as it was taken, so a restart takes only
files that are new or changed, a file touched but not changed is not taken again, and a
new recording under an old name is a new job whose output replaces the old one (the old
job and its transcript stay in the history). The job's options, speakers and notes
follow the settings, like any job's (``Desk.job_options``)."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Callable

from app.jobs.desk import ALREADY_DONE, ALREADY_QUEUED, Desk, Notice, watch_source
from app.store import jobstore as js

log = logging.getLogger(__name__)

SETTLE_SECONDS = 5.0  # unchanged this long: the copy is over
SCAN_SECONDS = 2.0  # how often each folder is looked at
# Names a file has while it is still being written (browsers, download tools, editors).
IN_PROGRESS_ENDINGS = (".part", ".partial", ".crdownload", ".download", ".tmp", "~")

# Notice kinds (besides the desk's, which pass through)
WATCH_MISSING = "watch-missing"  # a watched folder is not there (values: folder)
WATCH_SEEN = "watch-seen"  # a new or changed recording, taken once it settles (values: path)
WATCH_TAKEN = "watch-taken"  # a settled file became a job (values: path, job_id)
WATCH_EXPORTED = "watch-exported"  # a watched file's output was written (values: path, written)
WATCH_FAILED = "watch-failed"  # its output could not be written (values: path, why)
WATCH_JOB_FAILED = "watch-job-failed"  # a taken file's job failed (values: path, why, said)


@dataclass(frozen=True)
class Watched:
    """One watched folder: where its output goes (None: next to each recording) and as what."""

    folder: str
    out: str | None = None
    formats: tuple[str, ...] = ("txt",)

    def output_folder(self, path: str) -> str:
        """Where *path*'s output goes: the output folder, mirroring the subfolders."""
        if self.out is None:
            return str(Path(path).parent)
        return str(Path(self.out) / Path(path).parent.relative_to(self.folder))


def watched(folders: list[str], out: str | None, formats) -> list[Watched]:
    """The watches for *folders* with one output folder: with several folders each writes
    into a subfolder of it named after the folder, so their outputs never meet."""
    folders = [str(Path(f).expanduser().absolute()) for f in folders if str(f).strip()]
    formats = tuple(formats) or ("txt",)
    out = str(Path(out).expanduser().absolute()) if out else None
    many = len(folders) > 1
    return [Watched(f, (str(Path(out) / Path(f).name) if many else out) if out else None, formats) for f in folders]


def from_settings(settings) -> list[Watched]:
    """The window's watches (Settings › Watch folder)."""
    folders = [f.strip() for f in str(settings["watch_folders"]).split(";")]
    formats = [f.strip() for f in str(settings["watch_formats"]).split(",") if f.strip()]
    return watched(folders, str(settings["watch_output"]).strip() or None, formats)


def output_stem(path: str) -> str:
    """The name *path*'s output files get: its stem, or its whole name when another recording
    beside it has the same stem (a.mp3 and a.wav: a.mp3.txt and a.wav.txt, never one a.txt
    written over by the other)."""
    from workers.media import is_media_name

    here = Path(path)
    try:
        twins = [p for p in here.parent.iterdir() if p.name != here.name and p.stem.casefold() == here.stem.casefold()
                 and is_media_name(p.name) and not ignored(p.name)]
    except OSError:
        twins = []
    return here.name if twins else here.stem


def ignored(name: str) -> bool:
    """A name never looked at: hidden, a backup, a download or copy in progress."""
    return name.startswith(".") or name.lower().endswith(IN_PROGRESS_ENDINGS)


def describe(watches: list[Watched]) -> str:
    """What is watched, in one sentence (``earmark serve --watch``'s ready line)."""
    parts = []
    for w in watches:
        where = f"to {w.out}" if w.out else "next to each recording"
        parts.append(f"{w.folder} (and its subfolders; {', '.join(w.formats)} {where})")
    return "Watching " + "; ".join(parts) + " for recordings."


class FolderWatch:
    """Watches folders for a desk: ``start()`` runs it on a thread of its own (a scan and
    the exports every *scan_seconds*) until ``stop()``; ``scan()`` and ``export()`` are
    one round each (a front end with its own timer, or a test). *on_notice*: each
    ``Notice`` (taken, exported, the desk's own), from the watch's thread."""

    def __init__(self, desk: Desk, watches: list[Watched], *, settle_seconds: float = SETTLE_SECONDS,
                 scan_seconds: float = SCAN_SECONDS, on_notice: Callable[[Notice], None] | None = None):
        self.desk = desk
        self.watches = list(watches)
        self.settle_seconds = settle_seconds
        self.scan_seconds = scan_seconds
        self.on_notice = on_notice or (lambda notice: None)
        self._seen: dict[str, tuple[int, int, float]] = {}  # path → (size, mtime_ns, seen so since)
        self._missing: set[str] = set()  # folders said to be missing (said once)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the thread --------------------------------------------------------------
    def start(self) -> FolderWatch:
        self._thread = threading.Thread(target=self._run, name="watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.scan()
                self.export()
            except Exception:  # the next round tries again; the log has what happened
                log.exception("watching %s failed", ", ".join(w.folder for w in self.watches))
            self._stop.wait(self.scan_seconds)

    # --- looking -------------------------------------------------------------------
    def files(self, watch: Watched):
        """(path, stat) of each recording under the folder (not the output folder inside it)."""
        from workers.media import is_media_name

        skip = {watch.out} if watch.out else set()
        for root, dirs, names in os.walk(watch.folder):
            dirs[:] = sorted(d for d in dirs if not ignored(d) and os.path.join(root, d) not in skip)
            for name in sorted(names):
                if ignored(name) or not is_media_name(name):
                    continue
                path = os.path.join(root, name)
                try:
                    found = os.stat(path)
                except OSError:  # gone between the listing and the look
                    continue
                if S_ISREG(found.st_mode):  # a named pipe would hold the watch at its read for ever
                    yield path, found

    def scan(self) -> list[str]:
        """One look at every folder: take the files that settled. Returns the job ids added."""
        now = time.monotonic()
        taken, present = [], set()
        for watch in self.watches:
            if not os.path.isdir(watch.folder):
                if watch.folder not in self._missing:
                    self._missing.add(watch.folder)
                    self._say(WATCH_MISSING, f"The watched folder {watch.folder} is not there; it is watched "
                                             "again as soon as it is.", folder=watch.folder)
                continue
            self._missing.discard(watch.folder)
            ledger = self.desk.store.watched(watch.folder)
            for path, stat in self.files(watch):
                present.add(path)
                now_is = (stat.st_size, stat.st_mtime_ns)
                known = ledger.get(path)
                if known and (known["size_bytes"], known["mtime_ns"]) == now_is:
                    continue  # taken as it is
                seen = self._seen.get(path)
                if seen is None or seen[:2] != now_is:
                    if seen is None:
                        self._say(WATCH_SEEN, f"Found {path}; it is taken once it has not changed for "
                                              f"{self.settle_seconds:g} s.", path=path)
                    self._seen[path] = (*now_is, now)
                    continue
                if now - seen[2] < self.settle_seconds:
                    continue
                del self._seen[path]
                job_id = self._take(watch, path, stat, known)
                if job_id:
                    taken.append(job_id)
        for path in set(self._seen) - present:  # removed or renamed before it settled
            del self._seen[path]
        return taken

    def waiting(self) -> list[str]:
        """Files seen and not yet settled (still being written, or just come)."""
        return sorted(self._seen)

    def _take(self, watch: Watched, path: str, stat, known: dict | None) -> str | None:
        from workers.media import hash_file

        try:
            digest = hash_file(path)
        except FileNotFoundError:  # gone between the look and the read
            return None
        except OSError as exc:  # not readable: the desk's failed job says why, once (it was "Found" for ever)
            log.info("cannot read %s: %s", path, exc)
            digest = None
        if known and digest and known["file_hash"] == digest:  # touched, the same recording
            self.desk.store.touch_watched(watch.folder, path, size_bytes=stat.st_size, mtime_ns=stat.st_mtime_ns)
            return None
        added = self.desk.add([path], source=watch_source(watch.folder), hashes={path: digest} if digest else None)
        for notice in added.notices:
            if notice.kind not in (ALREADY_DONE, ALREADY_QUEUED):  # the output is written all the same
                self.on_notice(notice)
        job_id = added.jobs[0].job_id if added.jobs else None
        self.desk.store.remember_watched(watch.folder, path, size_bytes=stat.st_size, mtime_ns=stat.st_mtime_ns,
                                         file_hash=digest or "", job_id=job_id, out=watch.output_folder(path))
        if job_id:
            self._say(WATCH_TAKEN, f"Took {path} from the watched folder.", path=path, job_id=job_id)
        return job_id

    # --- writing -------------------------------------------------------------------
    def export(self) -> dict[str, list[str]]:
        """Write what is ready of each taken file's job: the transcript (with its
        speakers) as soon as it is, translations and notes when they are; a job that
        ended is done with. Returns {path: files written}."""
        by_folder = {w.folder: w for w in self.watches}
        written: dict[str, list[str]] = {}
        for row in self.desk.store.unfinished_watched():
            watch = by_folder.get(row["folder"])
            if watch is None:  # no longer watched
                continue
            job = self.desk.store.job(row["job_id"])
            if job is None:  # removed from the list: nothing to write
                self.desk.store.note_watched_export(row["folder"], row["path"], set(), True)
                continue
            done = set(filter(None, row["exported"].split(",")))
            ready = self.desk.ready_parts(row["job_id"]) - done
            ended = job["state"] in js.FINAL
            if ready:
                try:
                    Path(row["out"]).mkdir(parents=True, exist_ok=True)
                    paths = self.desk.export(row["job_id"], watch.formats, row["out"], stem=output_stem(row["path"]),
                                             parts=ready)
                except OSError as exc:
                    why = exc.strerror or str(exc)
                    self._say(WATCH_FAILED, f"Could not write the transcript of {row['path']} to {row['out']}: "
                                            f"{why}", path=row["path"], why=why)
                    self.desk.store.note_watched_export(row["folder"], row["path"], done, True)
                    continue
                done |= ready
                written[row["path"]] = paths
                self._say(WATCH_EXPORTED, f"Wrote {', '.join(paths)}", path=row["path"], written=paths)
            if ended and job["state"] == js.FAILED:  # said once: the row is done with below
                why = job["error"] or "the job failed."
                said = {"said": json.loads(job["error_said"])} if job.get("error_said") else {}  # the window words it
                self._say(WATCH_JOB_FAILED, f"Failed {row['path']}: {why}", path=row["path"], why=why, **said)
            if ready or ended:
                self.desk.store.note_watched_export(row["folder"], row["path"], done,
                                                    ended and done >= self.desk.ready_parts(row["job_id"]))
        return written

    def _say(self, kind: str, text: str, **values) -> None:
        self.on_notice(Notice(kind, text, values))

