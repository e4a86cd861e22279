"""The front desk: every way into Earmark goes through here.

The window, each command-line role, and whatever comes next (a local API, a watch
folder) turn "these paths, with these options" into jobs, run the poll tick and export
a job by calling a ``Desk``, and keep only the showing of what it returns. Modelled on
Anki's operations over its Qt-free collection: no Qt, nothing printed; plain data in
(paths, option values) and plain data out (``Added``, ``Tick``, ``Notice``, written
paths), each notice with an English sentence for a front end that prints it and a
``kind`` and ``values`` for one that words it itself (the window translates by kind).

Safe to call from several threads at once (the window adds on its intake thread,
exports on its actions thread and ticks on its poll thread): the job service holds its
own lock, the store one connection per process, and the desk's own state a lock."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from app import export
from app.errors import AppError, OptionsProblem
from app.jobs.service import Intake, JobService
from app.jobs.stack import Stack
from app.paths import DataDir
from app.runtime.supervisor import ALL_ROLES
from app.settings import Settings
from app.store import jobstore as js
from app.store.jobstore import JobStore
from workers.errors import BadMediaError
from workers.messages import Said, say

log = logging.getLogger(__name__)

# Notice kinds: stable names a front end may word itself (the English is ``Notice.text``).
SKIPPED = "skipped"  # files of a folder that are not recordings (values: count, names)
EMPTY_FOLDER = "empty-folder"  # a folder with no recording in it (values: path)
REFUSED = "refused"  # a file that is not a recording, said at once, no job kept (values: path, why)
COULD_NOT_ADD = "could-not-add"  # adding a file failed unexpectedly (values: path, why)
ALREADY_QUEUED = "already-queued"  # the same recording with the same options is queued or running
ALREADY_DONE = "already-done"  # ... is transcribed already (values: path, job_id)
HELPER_REFUSED = "helper-refused"  # the gate refused a helper (values: peer, why)
STACK = "stack"  # what a person should know about this start (a repaired broker file …)
SETTINGS = "settings"  # a value in the settings file that could not be used (its default applies)
EXPORT_FAILED = "export-failed"  # an automatic export could not be written (values: job_id, why)
RECOVERED = "recovered"  # a live recording that was never finished became a job (values: path, seconds, job_id)
LINK_FAILED = "link-failed"  # a link could not be downloaded; its job failed (values: url, job_id, why, said)

# Where a job came from (``Desk.add(..., source=)``), kept on the job in plain words that
# the job list and ``earmark status`` show: one of these, or a way in with its place
# (``watch_source``, ``link_source``).
WINDOW, COMMAND_LINE, API = "window", "command line", "api"
WATCH_FOLDER, LINK = "watch folder", "link"
LIVE = "live"  # a live recording (earmark listen, the window's Record panel, one recovered at a start)


def watch_source(folder: str) -> str:
    return f"{WATCH_FOLDER} {folder}"


def link_source(url: str) -> str:
    return f"{LINK} {url}"


def source_kind(source: str | None) -> tuple[str, str]:
    """(the way in, its place): ("watch folder", "/in"), ("window", ""); ("", "") for none."""
    source = source or ""
    for kind in (WATCH_FOLDER, LINK):
        if source.startswith(kind + " "):
            return kind, source[len(kind) + 1:]
    return source, ""


# What a job can be exported as, beside each other: the transcript (with its speakers),
# its translations (NAME.fr.srt) and its notes (NAME.summary.md).
TRANSCRIPT, TRANSLATIONS, NOTES = "transcript", "translations", "notes"
PARTS = (TRANSCRIPT, TRANSLATIONS, NOTES)
# What a front end may do to a job (``Desk.act``), besides running a stage again
# (reindex: after an edit, so search finds the new words).
ACTIONS = ("cancel", "retry", "move_to_top", "pause", "resume", "remove", "reindex")


def _settings_keys() -> set[str]:
    from app.settings import BY_KEY

    return set(BY_KEY)


@dataclass(frozen=True)
class Notice:
    kind: str
    text: str  # the sentence, in English
    values: dict = field(default_factory=dict)


@dataclass
class Added:
    """What adding paths gave: a job per file taken (new, or the one it joined), the
    files of folders skipped as not recordings, and what a person should be told."""

    jobs: list[Intake] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # named, but no job (not a recording, an empty folder)
    notices: list[Notice] = field(default_factory=list)

    @property
    def job_ids(self) -> list[str]:
        return [i.job_id for i in self.jobs]


@dataclass
class Tick:
    """One round of the safety net: did the broker answer, which jobs were exported
    (and where), what to tell a person."""

    answered: bool = True
    exported: dict[str, list[str]] = field(default_factory=dict)  # job id → paths written
    notices: list[Notice] = field(default_factory=list)


def walk(paths: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """(files to add, files skipped, empty folders). Files named on their own are added
    whatever they are (a file that is not a recording gets its reason); folders are walked
    recursively (hidden entries skipped) and give only the recordings they hold, by name
    (``workers.media.MEDIA_SUFFIXES``): a folder of notes beside its audio is no list of
    failures. A file named twice is taken once."""
    from workers.media import is_media_name

    out, skipped, empty = [], [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = []
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(f for f in files if not f.startswith(".")):
                    (found if is_media_name(name) else skipped).append(str(Path(root) / name))
            out += found
            if not found:
                empty.append(str(path))
        else:
            out.append(str(path))
    return list(dict.fromkeys(out)), skipped, empty


def skipped_notice(skipped: list[str]) -> Notice:
    names = ", ".join(Path(p).name for p in skipped[:3]) + (", …" if len(skipped) > 3 else "")
    text = (f"Skipped 1 file in the folder that is not a recording ({names})." if len(skipped) == 1 else
            f"Skipped {len(skipped)} files in the folder that are not recordings ({names}).")
    return Notice(SKIPPED, text, {"count": len(skipped), "names": names, "paths": list(skipped)})


class ExportNames:
    """Each input's export name, so no two files exported to one folder in one run write
    the same file: d1/talk.flac and d2/talk.mp3 become talk.txt and talk (2).txt."""

    def __init__(self):
        self._taken: dict[str, str] = {}  # name → the input that has it
        self._lock = threading.Lock()

    def stem_for(self, path: str) -> str:
        stem = Path(path).stem
        candidate, n = stem, 1
        with self._lock:
            while self._taken.get(candidate.casefold(), path) != path:
                n += 1
                candidate = f"{stem} ({n})"
            self._taken[candidate.casefold()] = path
        return candidate


class Desk:
    """The front desk of one data folder. ``open()`` starts or joins its stack; before
    that (or without a stack) jobs can still be added: they wait as pending and go when
    ``send_pending()`` is called once the workers are up."""

    def __init__(self, data: DataDir, settings: Settings | None = None, store: JobStore | None = None, *,
                 auto_export: bool = True):
        """*store*: this process's job store (one connection per process; opened here if
        not given, and closed by ``shut``). *auto_export*: export finished jobs in the
        tick when the settings ask (``export_when_done``); a role that writes its own
        exports (``earmark transcribe --out``) turns it off."""
        from app.jobs.autoexport import AutoExport

        self.data = data
        self.settings = settings if settings is not None else Settings(data.settings)
        self._own_store = store is None
        self.store = store if store is not None else JobStore(data.database)
        self.stack: Stack | None = None
        self.ready = False  # the stack is open and its workers were waited for (if asked)
        self.auto_export = AutoExport(self.store, self.settings, self._auto_write) if auto_export else None
        self._lock = threading.RLock()
        self._said_until = time.time()  # the gate's refusals already told
        self._offline: JobService | None = None
        self._exported: dict[str, list[str]] = {}  # what the tick's automatic export wrote
        self._export_notices: list[Notice] = []
        self._born = time.time()  # links whose job is older than this desk are not being fetched by it
        self._fetching: dict[str, threading.Event] = {}  # job id → its download's cancel
        self._door: Callable[[Desk], object] | None = None  # what serves the command door (``open``)
        self.door = None  # the command door (``app.jobs.door.CommandDoor``) while it serves

    # --- the stack ---------------------------------------------------------------
    def open(self, roles=ALL_ROLES, *, wait_workers: bool = False, join: bool = True,
             on_event: Callable[[dict], None] | None = None,
             on_summary_text: Callable[[str, str], None] | None = None,
             door: Callable[["Desk"], object] | None = None) -> list[Notice]:
        """Start the stack or join the one another Earmark process runs (``Stack.open``;
        its errors pass through); return what a person should know about the start.
        *door*: while this process runs the stack, serve the commands of the command line
        through it: ``app.jobs.door.CommandDoor`` (given by the window and ``serve``, which
        run on; not by a command that stops its stack when it is done)."""
        stack = Stack(self.data, self.settings, roles, store=self.store, on_event=on_event,
                      on_summary_text=on_summary_text).open(wait_workers=wait_workers, join=join)
        with self._lock:
            self.stack, self.ready, self._door = stack, True, door
            if self.auto_export is not None:
                self.auto_export.check()  # what is done already is not exported; what finishes from now on is
        self._open_door()
        if stack.owner:  # this process starts the stack: a link download no process runs now was cut off
            for job in (j for j in self.store.unfilled_jobs() if j["created_at"] < self._born):
                self.service.fail(job["id"], say("link-cut-off", url=job["path"]))
        return ([Notice(SETTINGS, text) for text in self.settings.problems]
                + [Notice(STACK, text) for text in stack.notices] + self.recover())

    def recover(self) -> list[Notice]:
        """Live recordings a crash or a kill left unfinished (``app.live.recording``): each
        joined into its WAV and added as a job with the options it was started with; one
        being recorded now is left alone. Called by ``open``, so every start of Earmark
        (the window, ``serve``, ``transcribe``, ``listen``) does it."""
        from app.live.recording import unfinished

        notices = []
        for recording in unfinished(self.data):
            try:
                wav, seconds, added = self.add_recording(recording)
                if added is None:
                    continue
                if not added.jobs:
                    notices += added.notices  # kept for the next start
                    continue
                when = time.strftime("%Y-%m-%d %H:%M", time.localtime(recording.manifest.get("started_at", 0)))
                notices.append(Notice(RECOVERED, f"A recording begun at {when} was not finished (Earmark stopped "
                                      f"while it recorded); its {seconds:.0f} s were kept as {wav.name} and are "
                                      "transcribed now.", {"path": str(wav), "seconds": seconds,
                                                           "job_id": added.jobs[0].job_id}))
            except OSError as exc:
                log.warning("the unfinished recording %s could not be recovered: %s", recording.folder, exc)
            finally:
                recording.close()
        return notices

    def _open_door(self) -> None:
        """The command door, once this process runs the stack (at its open, or once it took
        over the stack of a process that stopped)."""
        with self._lock:
            if self._door is None or self.door is not None or self.stack is None or not self.stack.owner:
                return
            self.door = self._door(self).start()

    def close(self) -> None:
        """Stop the stack (if this process runs it) or leave the one it joined."""
        with self._lock:
            stack, self.stack, self.ready = self.stack, None, False
            door, self.door = self.door, None
        if door is not None:  # first: a command is never handed a stack that is stopping
            door.stop()
        if stack is not None:
            stack.close()

    def shut(self) -> None:
        """``close``, and the store too when the desk opened it."""
        self.close()
        if self._own_store:
            self.store.close()

    def use_settings(self, settings: Settings) -> None:
        """New settings for the next jobs, exports and stack (the stack running keeps its own)."""
        with self._lock:
            self.settings = settings
            if self.auto_export is not None:
                self.auto_export.settings = settings

    @property
    def service(self) -> JobService:
        """The stack's job service; before the stack is open, one that only records jobs."""
        stack = self.stack
        if stack is not None and stack.service is not None:
            return stack.service
        with self._lock:
            if self._offline is None:
                self._offline = JobService(self.store, None, self.data.root)
            return self._offline

    def send_pending(self) -> int:
        """Queue what was added before the workers were up."""
        return self.stack.service.send_pending() if self.stack else 0

    # --- options -------------------------------------------------------------------
    def job_options(self, **asked) -> dict:
        """The options a new job gets: the settings' job options, with what a front end
        was asked for (a value of None: the setting) in their place. Each value asked for
        is checked by its setting's declared check; the first that cannot be used raises
        ``OptionsProblem`` with its sentence and ``key``."""
        from app.settings import BY_KEY, problem_with

        for key, value in asked.items():
            if key not in BY_KEY:
                raise OptionsProblem(f"There is no option named {key}.", key)
            if value is not None:
                problem = problem_with(key, value, self.data.root)
                if problem:
                    raise OptionsProblem(problem, key)
        options = self.settings.speech_options(**asked)
        return options

    # --- paths in ------------------------------------------------------------------
    def add(self, paths: Iterable[str], options: dict | None = None, *, force: bool = False,
            keep_bad: bool = True, on_job: Callable[[Intake], None] | None = None,
            source: str | None = None, hashes: dict[str, str] | None = None) -> Added:
        """Turn paths (files, folders) into jobs. Folders are walked for recordings (the
        rest is skipped and said); the same recording with the same options joins the job
        that has it (queued or running: ``Intake.already_active``; done:
        ``Intake.already_done``, unless *force*). A file that is not a recording becomes a
        failed job with its reason, or, with *keep_bad* False, a ``REFUSED`` notice and
        no job. *options*: ``job_options()`` (the settings') when None. *on_job*: called
        with each file's ``Intake`` as it is taken (a long folder shows as it goes).
        *source*: where the jobs came from (``WINDOW``, ``watch_source(folder)`` …), kept on
        each new job for the job list and ``earmark status``. *hashes*: {path: content hash}
        of files the caller hashed already (the watch), not read again."""
        options = self.job_options() if options is None else options
        hashes = {str(Path(p).absolute()): h for p, h in (hashes or {}).items()}
        files, skipped, empty = walk(str(Path(p).absolute()) for p in paths)
        added = Added(skipped=skipped)
        if skipped:
            added.notices.append(skipped_notice(skipped))
        for folder in empty:
            added.refused.append(folder)
            added.notices.append(Notice(EMPTY_FOLDER, f"{folder} is a folder with no recordings in it",
                                        {"path": folder}))
        service, send = self.service, self.ready and self.stack is not None
        for path in files:
            try:
                intake = service.intake(path, options, force=force, send=send, keep_bad=keep_bad, source=source,
                                        file_hash=hashes.get(path))
            except BadMediaError as exc:  # only with keep_bad False
                added.refused.append(path)
                added.notices.append(Notice(REFUSED, str(exc), {"path": path, "why": str(exc)}))
                continue
            except Exception as exc:  # the log has the traceback; the person a sentence
                log.exception("adding %s failed", path)
                added.refused.append(path)
                added.notices.append(Notice(COULD_NOT_ADD, f"Could not add {path}: {exc}",
                                            {"path": path, "why": str(exc)}))
                continue
            added.jobs.append(intake)
            if on_job is not None:
                on_job(intake)
            if intake.already_done:
                added.notices.append(Notice(ALREADY_DONE, f"{path} is transcribed already with the same settings.",
                                            {"path": path, "job_id": intake.job_id}))
            elif intake.already_active:
                added.notices.append(Notice(ALREADY_QUEUED, f"{Path(path).name} is already in the list; it was "
                                            "not added twice.", {"path": path, "job_id": intake.job_id}))
        return added

    def add_recording(self, recording) -> tuple[Path, float, Added | None]:
        """A live recording (``app.live.recording.Recording``) that stopped, or was left
        unfinished: its pieces joined into its WAV, added as a job with the options it began
        with, and its folder gone once the job is there (else it stays for the next start).
        Returns (the WAV, its seconds, what adding gave: None when nothing was heard and
        nothing is kept)."""
        from app.live.recording import BYTES_PER_SECOND

        wav = recording.finish()
        seconds = max(0.0, (wav.stat().st_size - 44) / BYTES_PER_SECOND)
        if seconds < 0.5:  # stopped before it heard anything
            wav.unlink()
            recording.done()
            return wav, seconds, None
        added = self.add([str(wav)], recording.manifest.get("options") or None, keep_bad=False, source=LIVE)
        if added.jobs:
            recording.done()
        return wav, seconds, added

    # --- links --------------------------------------------------------------------
    def link_job(self, url: str, options: dict | None = None, source: str | None = None) -> str:
        """A job for the recording at *url*, at once (the API answers with it); nothing is
        downloaded until ``fetch``. *source*: ``link_source(url)`` unless given."""
        options = self.job_options() if options is None else options
        return self.service.placeholder(url.strip(), options, source or link_source(url.strip()))

    def fetch(self, job_id: str, on_progress: Callable[[int, int], None] | None = None,
              cancel: threading.Event | None = None) -> Added:
        """Download a ``link_job``'s recording into the data folder (yt-dlp,
        ``app.jobs.links``; *on_progress*: bytes so far, bytes in all or 0) and take it in
        as that job. A download that fails fails the job with its sentence (and a
        ``LINK_FAILED`` notice)."""
        import json
        import shutil

        from app.jobs.links import Cancelled, fetch

        job, added = self.store.job(job_id), Added()
        if job is None:  # removed from the list before its download began
            return added
        url = job["path"]
        cancel = self._fetching.setdefault(job_id, cancel or threading.Event())
        try:
            path = fetch(url, self.data.root, on_progress, cancel)
            if self.store.job(job_id) is None:  # removed from the list while it downloaded
                shutil.rmtree(path.parent, ignore_errors=True)
                return added
            added.jobs.append(self.service.intake(str(path), json.loads(job["options"]), into=job_id,
                                                  send=self.ready and self.stack is not None))
        except (Cancelled, KeyboardInterrupt) as exc:  # Cancel on its row, or Ctrl-C
            self.service.fail(job_id, say("link-cancelled", url=url), state=js.CANCELLED)
            if isinstance(exc, KeyboardInterrupt):
                raise
            added.jobs.append(Intake(job_id, url, js.CANCELLED))
        except Exception as exc:  # noqa: BLE001 - a LinkError's sentence, or the log has the traceback
            from app.errors import AppError

            if not isinstance(exc, AppError):
                log.exception("fetching %s failed", url)
            said = (exc.said or str(exc)) if isinstance(exc, AppError) else say("link-failed", url=url, why=str(exc))
            self.service.fail(job_id, said)
            added.jobs.append(Intake(job_id, url, js.FAILED))
            values = {"url": url, "job_id": job_id, "why": str(said)}
            added.notices.append(Notice(LINK_FAILED, str(said), {**values, "said": said.plain()}
                                        if isinstance(said, Said) else values))
        finally:
            self._fetching.pop(job_id, None)
        return added

    def stop_downloads(self) -> None:
        """Every link download under way stops (its job is cancelled; Retry fetches it again)."""
        for cancel in list(self._fetching.values()):
            cancel.set()

    def add_link(self, url: str, options: dict | None = None, *, on_progress=None, cancel=None,
                 source: str | None = None) -> Added:
        """``link_job`` and ``fetch`` in one: a link in, its job out (blocks while it downloads)."""
        return self.fetch(self.link_job(url, options, source), on_progress, cancel)

    # --- the tick ------------------------------------------------------------------
    def tick(self, job_ids=None) -> Tick:
        """The safety net, every ``POLL_BACKEND_SECONDS`` for every role: a stack whose
        owner has gone is taken over, missed results, unsent stages, lost and hung tasks
        (``Stack.poll``), then the automatic export of jobs that finished, then the
        helpers the gate refused since the last tick. Raises ``StartError`` only when a
        stack whose owner stopped can be neither taken over nor joined."""
        tick = Tick()
        stack = self.stack
        if stack is None:
            return tick
        tick.answered = stack.poll(job_ids)
        self._open_door()  # a stack taken over from a process that stopped: its door too
        if self.auto_export is not None:
            with self._lock:
                self._exported, self._export_notices = {}, []
                self.auto_export.check()
                tick.exported, tick.notices = self._exported, self._export_notices
        tick.notices += self.refusals()
        return tick

    def keep_alive(self) -> bool:
        """Take over a joined stack whose owner has stopped (between ticks, for a role
        that waits on its jobs)."""
        return bool(self.stack and self.stack.keep_alive())

    def wait_for_change(self, timeout_seconds: float) -> None:
        """Block until an event changed a job, or *timeout_seconds* pass."""
        if self.stack is not None and self.stack.service is not None:
            self.stack.service.wait_for_change(timeout_seconds)
        else:
            threading.Event().wait(timeout_seconds)

    def refusals(self) -> list[Notice]:
        """Helpers the gate refused since the last call."""
        from app.runtime.gate import refusals_since

        notices = []
        with self._lock:
            for refusal in refusals_since(self.data, self._said_until):
                self._said_until = refusal["at"]
                notices.append(Notice(HELPER_REFUSED, f"Refused a helper at {refusal['peer']}: {refusal['why']}",
                                      {"peer": refusal["peer"], "why": refusal["why"]}))
        return notices

    def _auto_write(self, job_ids: list[str], formats: list[str], folder: str) -> None:
        """AutoExport's writer: each finished job in the chosen formats (under the tick's lock)."""
        for job_id in job_ids:
            try:
                self._exported[job_id] = self.export(job_id, formats, folder, parts=self.export_parts())
            except OSError as exc:
                why = exc.strerror or str(exc)
                log.warning("automatic export of job %s to %s failed: %s", job_id, folder, why)
                self._export_notices.append(Notice(EXPORT_FAILED, f"Could not export to {folder}: {why}",
                                                   {"job_id": job_id, "folder": folder, "why": why}))

    # --- actions on jobs ----------------------------------------------------------------
    def act(self, action: str, job_id: str):
        """One of ``ACTIONS`` on a job (``JobService``'s method of that name)."""
        if action not in ACTIONS:
            raise ValueError(f"no action named {action!r} (have: {', '.join(ACTIONS)})")
        downloading = self._fetching.get(job_id)
        if downloading is not None and action in ("cancel", "remove"):  # a link still downloading stops
            downloading.set()
            if action == "cancel":
                return None
        job = self.store.job(job_id)
        if action == "retry" and job is not None and job["path"] == source_kind(job["source"])[1]:
            import json  # a link whose download failed: fetched again, as a new job

            return bool(self.fetch(self.link_job(job["path"], json.loads(job["options"]))).job_ids)
        return getattr(self._running().service, action)(job_id)

    def run_stage(self, job_id: str, name: str, **options) -> None:
        """Run a stage of a finished transcript again with the options its ``Again`` asks
        for (``workers.stages``), each checked by its setting's check (``OptionsProblem``);
        a value left empty takes the stage's fallback (speakers: auto)."""
        from app.settings import problem_with
        from workers import stages

        again = stages.stage(name).again
        if again is None:
            raise OptionsProblem(f"The {stages.stage(name).label.lower()} stage cannot be run again on its own.")
        options = {key: (again.fallback if key == again.asks and str(value).strip() in ("", "off") else value)
                   for key, value in options.items()}
        for key, value in options.items():
            problem = problem_with(key, value, self.data.root) if key in _settings_keys() else None
            if problem:
                raise OptionsProblem(problem, key)
        self._running().service.run_stage(job_id, name, **options)

    def _running(self) -> Stack:
        stack = self.stack
        if stack is None or stack.service is None:
            raise AppError("The workers are still starting; try again in a moment.")
        return stack

    # --- export --------------------------------------------------------------------
    def export_parts(self, notes: bool | None = None) -> tuple[str, ...]:
        """What an export a person asks for writes: the transcript and its translations, and
        the notes unless *notes* (default: the ``export_notes`` setting) says not."""
        return PARTS if (self.settings["export_notes"] if notes is None else notes) else (TRANSCRIPT, TRANSLATIONS)

    def ready_parts(self, job_id: str) -> set[str]:
        """What of a job can be exported now: the transcript once it is transcribed and its
        speakers are found (or that failed: it never waits for ever), translations and
        notes once their stages are done."""
        from workers import stages

        state = {s["name"]: s["state"] for s in self.store.stages(job_id)}
        ready = set()
        if state.get(stages.TRANSCRIBE.name) == js.DONE and state.get(stages.DIARIZE.name, js.DONE) in js.FINAL:
            ready.add(TRANSCRIPT)
        if state.get(stages.TRANSLATE.name) == js.DONE:
            ready.add(TRANSLATIONS)
        if state.get(stages.SUMMARIZE.name) == js.DONE:
            ready.add(NOTES)
        return ready

    def export(self, job_id: str, formats: Iterable[str], folder: str, *, stem: str | None = None,
               parts: Iterable[str] = (TRANSCRIPT, TRANSLATIONS), limits: export.CueLimits | None = None,
               language: str | None = None) -> list[str]:
        """Write a job's *parts* into *folder*: the transcript in each format (speaker names
        in it), each translation beside it (``STEM.fr.srt``, with the same names; only the one
        into *language* when given), the notes as ``STEM.summary.md``. Returns the paths
        written; nothing for a job with no transcript. An export that cannot be written
        raises OSError (that job's problem alone)."""
        limits = limits or export.CueLimits.from_settings(self.settings)
        job, transcript = self.store.job(job_id), self.store.transcript(job_id)
        if job is None or transcript is None:
            return []
        stem = stem or Path(job["path"]).stem
        parts, written = set(parts), []
        for fmt in formats:
            if TRANSCRIPT in parts:
                written.append(str(export.write(transcript, fmt, folder, stem, limits)))
            if TRANSLATIONS in parts:
                for run in self.store.translation_languages(job_id):
                    if language and run["language"] != language:
                        continue
                    translation = self.store.translation(job_id, run["language"])
                    written.append(str(export.write(translation, fmt, folder, f"{stem}.{run['language']}", limits)))
        summaries = self.store.summaries(job_id) if NOTES in parts else []
        if summaries:
            written.append(str(export.write_text(summaries[0]["markdown"], folder, f"{stem}.summary.md")))
        return written
