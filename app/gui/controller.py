"""The window's link to the stack: everything slow runs off the GUI thread.

Named executors with one purpose each (Picard's habit): ``stack`` starts and stops
the broker and workers, ``intake`` probes and hashes dropped files and sends tasks,
``actions`` runs cancel/retry/move-to-top/remove/export. Results come back as
signals, delivered on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app import export
from app.jobs.service import expand_paths
from app.paths import DataDir
from app.settings import Settings
from app.store import jobstore as js
from app.store.jobstore import JobStore

log = logging.getLogger(__name__)


def skipped_sentence(skipped: list[str]) -> str:
    from PySide6.QtCore import QCoreApplication

    names = ", ".join(Path(p).name for p in skipped[:3]) + (", …" if len(skipped) > 3 else "")
    if len(skipped) == 1:
        text = QCoreApplication.translate("AppController",
                                          "Skipped 1 file in the folder that is not a recording ({0}).")
    else:
        text = QCoreApplication.translate("AppController",
                                          "Skipped {1} files in the folder that are not recordings ({0}).")
    return text.format(names, len(skipped))


class AppController(QObject):
    status = Signal(str)  # a sentence for the status bar
    skipped = Signal(str)  # files of a folder that are not recordings: said until the batch ends
    ready = Signal()  # broker and workers are up
    start_failed = Signal(str)  # why the stack could not start, and what to do
    jobs_changed = Signal()  # the job store changed (throttled by the views)
    duplicate = Signal(str, str)  # path, id of the job that already has its transcript
    exported = Signal(list)  # paths written
    summary_text = Signal(str, str)  # job id, text as the summary is generated
    stopped = Signal()

    def __init__(self, data: DataDir, parent=None):
        super().__init__(parent)
        self.data = data.ensure()
        self.settings = Settings(data.settings)
        self.store = JobStore(data.database)  # reads on the GUI thread are local SQLite, WAL
        self.stack = None
        from app.runtime.fleet import WorkerTracker

        self.fleet = WorkerTracker()  # workers as their events describe them (the queue panel)
        from app.jobs.autoexport import AutoExport

        self.auto_export = AutoExport(self.store, self.settings, self.export)
        self.is_ready = False
        self.is_stopped = False
        self._stack_pool = ThreadPoolExecutor(1, thread_name_prefix="stack")
        self._intake_pool = ThreadPoolExecutor(1, thread_name_prefix="intake")
        self._action_pool = ThreadPoolExecutor(1, thread_name_prefix="actions")
        self._stop_polling = threading.Event()
        self._poller = threading.Thread(target=self._poll, name="poll", daemon=True)

    # --- the stack ---------------------------------------------------------------
    def start(self) -> None:
        self.status.emit(self.tr("Starting workers…"))
        self._stack_pool.submit(self._start)

    def _start(self) -> None:
        from app.jobs.stack import Stack
        from app.runtime.supervisor import AlreadyRunning, StartError

        try:
            stack = Stack(self.data, self.settings, store=self.store, on_event=self._on_event,
                          on_summary_text=self.summary_text.emit)
            stack.open(wait_workers=True)
        except (StartError, AlreadyRunning, OSError) as exc:
            self.start_failed.emit(self.tr("{0}\n\nCheck that the data folder {1} is writable, or choose another "
                                           "one with --data-dir.").format(exc, self.data.root))
            return
        except Exception as exc:  # the log has the traceback; the person gets a sentence
            log.exception("start failed")
            self.start_failed.emit(self.tr("Earmark could not start its workers: {0}. See the logs in {1}.").format(
                exc, self.data.logs))
            return
        self.stack = stack
        # pending drops are sent in the intake pool, after any intake still running
        self._intake_pool.submit(self._go)

    def restart_stack(self) -> None:
        """Settings the stack is built from changed (helpers, this machine's share of the
        work, the broker): stop it warm and start it again with them."""
        self.status.emit(self.tr("Starting the workers again with the new settings…"))
        self._stack_pool.submit(self._restart)

    def _restart(self) -> None:
        self.is_ready = False
        old, self.stack = self.stack, None
        if old is not None:
            old.close()
        self._start()

    def _go(self) -> None:
        self.is_ready = True
        self.stack.service.send_pending()
        notices = self.stack.supervisor.notices if self.stack.owner else []
        self.status.emit(" ".join(notices) or self.tr("Ready"))
        self.ready.emit()
        self.jobs_changed.emit()
        if not self._poller.is_alive():
            self._poller.start()

    def _poll(self) -> None:
        """The same safety net as the command line's: missed results, unsent stages, lost
        and hung tasks; and a stack whose owner (a command that joined first) has gone."""
        from app.jobs.stack import POLL_BACKEND_SECONDS
        from app.runtime.gate import refusals_since

        said_until = time.time()
        while not self._stop_polling.wait(POLL_BACKEND_SECONDS):
            stack = self.stack
            if stack is None:  # starting again with new settings
                continue
            try:
                stack.poll()
                self.auto_export.check()
                for refusal in refusals_since(self.data, said_until):
                    said_until = refusal["at"]
                    self.status.emit(self.tr("Refused a helper at {0}: {1}").format(refusal["peer"], refusal["why"]))
            except Exception:  # the next round tries again; the log has what happened
                log.exception("poll failed")
            self.jobs_changed.emit()

    def _on_event(self, event: dict) -> None:  # on the monitor's thread, after the store has it
        self.fleet.on_event(event)
        if event.get("type", "").startswith("task-"):  # worker heartbeats change no job
            self.jobs_changed.emit()

    def stop(self) -> None:
        """Stop the stack and wait for it (workers get their warm shutdown)."""
        self._stop_polling.set()
        if self._poller.is_alive():
            self._poller.join(timeout=30)
        self._intake_pool.shutdown(wait=True, cancel_futures=True)
        self._action_pool.shutdown(wait=True)
        self._stack_pool.shutdown(wait=True)  # a start in progress finishes first
        if self.stack:
            self.stack.close()
        self.store.close()
        self.is_stopped = True
        self.stopped.emit()

    # --- jobs --------------------------------------------------------------------
    def add_paths(self, paths: list[str], force: bool = False) -> None:
        self._intake_pool.submit(self._intake, paths, force)

    def _intake(self, paths: list[str], force: bool) -> None:
        from app.jobs.service import JobService

        options = self.settings.speech_options()
        service = self.stack.service if self.stack else JobService(self.store, None, self.data.root)
        files, skipped = expand_paths(paths)
        if skipped:
            self.status.emit(skipped_sentence(skipped))
            self.skipped.emit(skipped_sentence(skipped))
        for path in files:
            try:
                result = service.intake(path, options, force=force, send=self.is_ready)
            except Exception as exc:
                log.exception("intake of %s failed", path)
                self.status.emit(self.tr("Could not add {0}: {1}").format(path, exc))
                continue
            if result.reused_from and result.state == js.DONE:
                self.duplicate.emit(path, result.reused_from)
            elif result.reused_from:  # the same recording is queued or running: that job is the one
                self.status.emit(self.tr("{0} is already in the list; it was not added twice.").format(Path(path).name))
            self.jobs_changed.emit()

    def _act(self, method: str, job_ids: list[str], *args) -> None:
        """Run ``JobService.method(job_id, *args)`` for each job, off the GUI thread (the
        stack's service when the action runs: a takeover may have replaced it)."""
        if self.stack is None:
            self.status.emit(self.tr("The workers are still starting; try again in a moment."))
            return
        for job_id in job_ids:
            self.run_action(method.replace("_", " "),
                            lambda job_id=job_id: getattr(self.stack.service, method)(job_id, *args),
                            then=self.jobs_changed.emit)

    def run_action(self, what: str, fn, then=None) -> None:
        """Run *fn* on the action pool (never on the GUI thread; joined at exit); a
        failure becomes a sentence in the status bar. *then* runs after it either way."""
        def run():
            try:
                fn()
            except Exception as exc:
                log.exception("%s failed", what)
                self.status.emit(self.tr("Could not {0}: {1}").format(what, exc))
            if then:
                then()

        self._action_pool.submit(run)

    def summarize(self, job_id: str, template: str) -> None:
        self._act("summarize", [job_id], template)

    def pause(self, job_ids): self._act("pause", job_ids)
    def resume(self, job_ids): self._act("resume", job_ids)

    def translate(self, job_ids: list[str], language: str) -> None:
        self._act("translate", job_ids, language)

    def find_speakers(self, job_ids: list[str], speakers: str) -> None:
        self._act("find_speakers", job_ids, speakers)

    def reindex(self, job_id: str) -> None:
        self._act("reindex", [job_id])

    def cancel(self, job_ids): self._act("cancel", job_ids)
    def retry(self, job_ids): self._act("retry", job_ids)
    def move_to_top(self, job_ids): self._act("move_to_top", job_ids)

    def remove(self, job_ids):
        if self.stack is None:  # nothing to cancel yet: just forget them
            for job_id in job_ids:
                self.store.delete_job(job_id)
            self.jobs_changed.emit()
        else:
            self._act("remove", job_ids)

    def export(self, job_ids: list[str], formats: list[str], folder: str) -> None:
        limits = export.CueLimits.from_settings(self.settings)

        def run():
            written = []
            for job_id in job_ids:
                job, transcript = self.store.job(job_id), self.store.transcript(job_id)
                if transcript is None:
                    continue
                stem = Path(job["path"]).stem
                for fmt in formats:
                    written.append(str(export.write(transcript, fmt, folder, stem, limits)))
                    for run in self.store.translation_languages(job_id):  # beside it: NAME.fr.srt
                        translation = self.store.translation(job_id, run["language"])
                        written.append(str(export.write(translation, fmt, folder, f"{stem}.{run['language']}",
                                                        limits)))
            self.exported.emit(written)

        self._action_pool.submit(run)
