"""The window's link to the stack: everything slow runs off the GUI thread.

Named executors with one purpose each (Picard's habit): ``stack`` starts and stops
the broker and workers, ``intake`` probes and hashes dropped files and sends tasks,
``actions`` runs cancel/retry/move-to-top/remove/export. Results come back as
signals, delivered on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QLocale, QObject, Signal

from app.errors import SENTENCE_ERRORS, AppError
from app.gui.messages import words
from app.jobs import desk as front
from app.jobs.desk import Desk
from app.jobs.door import CommandDoor
from app.paths import DataDir
from app.settings import Settings
from app.store.jobstore import JobStore
from workers.messages import said_from

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
    api_changed = Signal(str, str)  # where the local API listens ("" when off), why it could not ("" if it could)

    def __init__(self, data: DataDir, parent=None, api=None):
        """*api*: how to run the local API in this process (``app.api.server.LocalApi``,
        handed over by the command that opens the window: the window does not import the
        API's room); None: this window offers no API."""
        super().__init__(parent)
        self.data = data.ensure()
        # everything about jobs goes through the desk; this class only shows what it returns
        self.desk = Desk(data, Settings(data.settings), JobStore(data.database))
        self.settings = self.desk.settings  # the settings dialog edits this object: the desk sees it
        self.store = self.desk.store  # reads on the GUI thread are local SQLite, WAL
        self._notices: list[front.Notice] = []  # what the last start had to say
        from app.runtime.fleet import WorkerTracker

        self.fleet = WorkerTracker()  # workers as their events describe them (the queue panel)
        self.is_ready = False
        self.is_stopped = False
        self._stack_pool = ThreadPoolExecutor(1, thread_name_prefix="stack")
        self._intake_pool = ThreadPoolExecutor(1, thread_name_prefix="intake")
        self._action_pool = ThreadPoolExecutor(1, thread_name_prefix="actions")
        # downloads of links apart from the intake: files dropped meanwhile are taken at once
        self._link_pool = ThreadPoolExecutor(2, thread_name_prefix="links")
        self._api_pool = ThreadPoolExecutor(1, thread_name_prefix="api")  # binds, starts and stops it
        self.api = api(self.desk) if api is not None else None
        self.api_url, self.api_problem = "", ""
        self._stop_polling = threading.Event()
        self._poller = threading.Thread(target=self._poll, name="poll", daemon=True)
        from app.jobs.watch import SETTLE_SECONDS

        self._watch = None  # Settings › Watch folder's watch (app.jobs.watch), while it has folders
        self._watching: list = []
        self.watch_settle_seconds = SETTLE_SECONDS

    @property
    def stack(self):
        return self.desk.stack

    # --- the stack ---------------------------------------------------------------
    def start(self) -> None:
        self.status.emit(self.tr("Starting workers…"))
        self._stack_pool.submit(self._start)

    def _start(self) -> None:
        try:
            self._notices = self.desk.open(wait_workers=True, on_event=self._on_event,
                                           on_summary_text=self.summary_text.emit, door=CommandDoor)
        except (AppError, OSError) as exc:  # a sentence (the broker, the supervisor …), or the data folder
            self.start_failed.emit(self.tr("{0}\n\nCheck that the data folder {1} is writable, or choose another "
                                           "one with --data-dir.").format(exc, self.data.root))
            return
        except Exception as exc:  # the log has the traceback; the person gets a sentence
            log.exception("start failed")
            self.start_failed.emit(self.tr("Earmark could not start its workers: {0}. See the logs in {1}.").format(
                exc, self.data.logs))
            return
        # pending drops are sent in the intake pool, after any intake still running
        self._intake_pool.submit(self._go)

    def restart_stack(self) -> None:
        """Settings the stack is built from changed (helpers, this machine's share of the
        work, the broker): stop it warm and start it again with them."""
        self.status.emit(self.tr("Starting the workers again with the new settings…"))
        self._stack_pool.submit(self._restart)

    def _restart(self) -> None:
        self.is_ready = False
        self.desk.close()
        self._start()

    def _go(self) -> None:
        self.is_ready = True
        self.desk.send_pending()
        self.status.emit(" ".join(self.sentence(n) for n in self._notices) or self.tr("Ready"))
        self.ready.emit()
        self.jobs_changed.emit()
        self.apply_api()
        if not self._poller.is_alive():
            self._poller.start()
        self.follow_watch()

    def follow_watch(self) -> None:
        """Watch the folders the settings name now (none: no watch); each tick checks."""
        from app.jobs.watch import FolderWatch, from_settings

        wanted = from_settings(self.settings)
        if wanted == self._watching:
            return
        if self._watch is not None:
            self._watch.stop()
        self._watching = wanted
        self._watch = FolderWatch(self.desk, wanted, settle_seconds=self.watch_settle_seconds,
                                  on_notice=self._on_watch_notice).start() if wanted else None

    def _on_watch_notice(self, notice: front.Notice) -> None:
        self.status.emit(self.sentence(notice))
        self.jobs_changed.emit()

    def _poll(self) -> None:
        """The same safety net as the command line's: missed results, unsent stages, lost
        and hung tasks; and a stack whose owner (a command that joined first) has gone."""
        from app.jobs.stack import POLL_BACKEND_SECONDS

        while not self._stop_polling.wait(POLL_BACKEND_SECONDS):
            try:  # nothing while the stack starts again with new settings
                for notice in self.desk.tick().notices:
                    self.status.emit(self.sentence(notice))
                self.follow_watch()
            except Exception:  # the next round tries again; the log has what happened
                log.exception("poll failed")
            self.jobs_changed.emit()

    def _on_event(self, event: dict) -> None:  # on the monitor's thread, after the store has it
        self.fleet.on_event(event)
        if event.get("type", "").startswith("task-"):  # worker heartbeats change no job
            self.jobs_changed.emit()

    # --- the local API -------------------------------------------------------------
    def apply_api(self) -> None:
        """The API as the settings say (Settings › API: on, its address), off the GUI thread;
        ``api_changed`` says where it listens or why it cannot."""
        if self.api is not None:
            try:
                self._api_pool.submit(self._apply_api, bool(self.settings["api_on"]), str(self.settings["api_listen"]))
            except RuntimeError:  # the window is closing: its API has stopped for good
                pass

    def _apply_api(self, on: bool, address: str) -> None:
        try:
            self.api_url, self.api_problem = self.api.apply(on, address) or "", ""
        except (ValueError, OSError) as exc:
            self.api_url = ""
            self.api_problem = self.tr("The API cannot listen on {0}: {1}").format(address or "127.0.0.1:8765", exc)
        except Exception as exc:  # the log has the traceback; the person a sentence
            log.exception("the API did not start")
            self.api_url, self.api_problem = "", self.tr("The API did not start: {0}").format(exc)
        if self.api_url:
            self.status.emit(self.tr("The API listens on {0}").format(self.api_url))
        elif self.api_problem:
            self.status.emit(self.api_problem)
        self.api_changed.emit(self.api_url, self.api_problem)

    def api_key(self) -> str:
        return self.api.key() if self.api is not None else ""

    def new_api_key(self) -> str:
        """A new key for the API; the old one is refused from the next request."""
        return self.api.new_key() if self.api is not None else ""

    def stop(self) -> None:
        """Stop the stack and wait for it (workers get their warm shutdown)."""
        if self.api is not None:
            self._api_pool.submit(self.api.stop)
        self._api_pool.shutdown(wait=True)
        self._stop_polling.set()
        if self._poller.is_alive():
            self._poller.join(timeout=30)
        if self._watch is not None:
            self._watch.stop()
        self.desk.stop_downloads()  # a download under way does not hold the window open
        self._link_pool.shutdown(wait=True, cancel_futures=True)
        self._intake_pool.shutdown(wait=True, cancel_futures=True)
        self._action_pool.shutdown(wait=True)
        self._stack_pool.shutdown(wait=True)  # a start in progress finishes first
        self.desk.shut()
        self.store.close()
        self.is_stopped = True
        self.stopped.emit()

    # --- jobs --------------------------------------------------------------------
    def add_paths(self, paths: list[str], force: bool = False, source: str = front.WINDOW) -> None:
        self._intake_pool.submit(self._intake, paths, force, source)

    def _intake(self, paths: list[str], force: bool, source: str = front.WINDOW) -> None:
        def taken(intake) -> None:
            if intake.already_done:
                self.duplicate.emit(intake.path, intake.job_id)
            self.jobs_changed.emit()

        added = self.desk.add(paths, force=force, on_job=taken, source=source)
        for notice in added.notices:
            if notice.kind == front.SKIPPED:
                self.skipped.emit(self.sentence(notice))  # said again when the batch ends
            if notice.kind != front.ALREADY_DONE:  # that one asks (the duplicate signal)
                self.status.emit(self.sentence(notice))

    def add_link(self, url: str) -> None:
        """A link's job at once (it shows in the list), its download on a thread of its own."""
        self._link_pool.submit(self._add_link, url)

    def _add_link(self, url: str) -> None:
        import time

        job_id = self.desk.link_job(url)
        self.jobs_changed.emit()
        said = [0.0]

        def progress(done: int, total: int) -> None:
            if time.monotonic() - said[0] < 0.5 and done != total:
                return
            said[0] = time.monotonic()
            if total:
                self.status.emit(self.tr("Downloading {0}: {1} %").format(url, int(100 * done / total)))
            else:
                self.status.emit(self.tr("Downloading {0}: {1} MB").format(url, QLocale().toString(done / 1e6, "f", 1)))
        added = self.desk.fetch(job_id, on_progress=progress)
        for notice in added.notices:
            self.status.emit(self.sentence(notice))
        self.jobs_changed.emit()

    def sentence(self, notice: front.Notice) -> str:
        """The desk's notice in the window's language (its English text when it has no
        words of its own here, e.g. what the broker's start had to say)."""
        values = notice.values
        if notice.kind == front.SKIPPED:
            return skipped_sentence(values["paths"])
        if notice.kind == front.ALREADY_QUEUED:
            return self.tr("{0} is already in the list; it was not added twice.").format(Path(values["path"]).name)
        if notice.kind == front.COULD_NOT_ADD:
            return self.tr("Could not add {0}: {1}").format(values["path"], values["why"])
        if notice.kind == front.EMPTY_FOLDER:
            return self.tr("{0} is a folder with no recordings in it.").format(values["path"])
        if notice.kind == front.HELPER_REFUSED:
            return self.tr("Refused a helper at {0}: {1}").format(values["peer"], values["why"])
        if notice.kind == front.EXPORT_FAILED:
            return self.tr("Could not export to {0}: {1}").format(values["folder"], values["why"])
        if notice.kind == front.LINK_FAILED and said_from(values.get("said")):
            return words(said_from(values["said"]))
        if notice.kind == front.RECOVERED:
            return self.tr("A recording was not finished (Earmark stopped while it recorded); its {0} s were kept "
                           "as {1} and are transcribed now.").format(round(values["seconds"]), Path(values["path"]).name)
        return self._watch_sentence(notice) or notice.text

    def _watch_sentence(self, notice: front.Notice) -> str | None:
        from app.jobs import watch

        values = notice.values
        if notice.kind == watch.WATCH_SEEN:
            return self.tr("Found {0} in a watched folder; it is taken once it has finished copying.").format(
                Path(values["path"]).name)
        if notice.kind == watch.WATCH_TAKEN:
            return self.tr("Took {0} from a watched folder.").format(Path(values["path"]).name)
        if notice.kind == watch.WATCH_EXPORTED:
            return self.tr("Wrote {0}").format(", ".join(values["written"]))
        if notice.kind == watch.WATCH_FAILED:
            return self.tr("Could not write the transcript of {0}: {1}").format(values["path"], values["why"])
        if notice.kind == watch.WATCH_JOB_FAILED:
            return self.tr("Failed {0}: {1}").format(Path(values["path"]).name,
                                                     words(said_from(values.get("said"))) or values["why"])
        if notice.kind == watch.WATCH_MISSING:
            return self.tr("The watched folder {0} is not there; it is watched again as soon as it is.").format(
                values["folder"])
        return None

    def _act(self, action: str, job_ids: list[str]) -> None:
        """``Desk.act(action, job_id)`` for each job, off the GUI thread."""
        if self.stack is None:
            self.status.emit(self.tr("The workers are still starting; try again in a moment."))
            return
        for job_id in job_ids:
            self.run_action(action.replace("_", " "), lambda job_id=job_id: self.desk.act(action, job_id),
                            then=self.jobs_changed.emit)

    def run_action(self, what: str, fn, then=None) -> None:
        """Run *fn* on the action pool (never on the GUI thread; joined at exit); a
        failure becomes a sentence in the status bar. *then* runs after it either way."""
        def run():
            try:
                fn()
            except SENTENCE_ERRORS as exc:  # a sentence for a person, said as it is (in the window's language)
                self.status.emit(words(getattr(exc, "said", None) or str(exc)))
            except Exception as exc:
                log.exception("%s failed", what)
                self.status.emit(self.tr("Could not {0}: {1}").format(what, exc))
            if then:
                then()

        self._action_pool.submit(run)

    def run_stage(self, job_ids: list[str], name: str, **options) -> None:
        """Run a stage of each finished transcript again (``Desk.run_stage``): speakers,
        a summary, a translation, or any stage the table says a person may run again."""
        if self.stack is None:
            self.status.emit(self.tr("The workers are still starting; try again in a moment."))
            return
        for job_id in job_ids:
            self.run_action(name, lambda job_id=job_id: self.desk.run_stage(job_id, name, **options),
                            then=self.jobs_changed.emit)

    def pause(self, job_ids): self._act("pause", job_ids)
    def resume(self, job_ids): self._act("resume", job_ids)

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

    def export(self, job_ids: list[str], formats: list[str], folder: str, notes: bool | None = None) -> None:
        """Each job in *formats* into *folder*, with its notes (``NAME.summary.md``) unless
        *notes* (default: the settings') says not."""
        def run():
            written = []
            for job_id in job_ids:
                written += self.desk.export(job_id, formats, folder, parts=self.desk.export_parts(notes))
            self.exported.emit(written)

        self.run_action("export", run)
