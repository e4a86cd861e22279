"""The command-line roles that use the stack: serve, transcribe, status."""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from pathlib import Path

from app import export
from app import jobstore as js
from app.broker import BrokerAddress, address_file
from app.jobs import JobService
from app.jobstore import JobStore
from app.monitor import EventMonitor
from app.paths import DataDir
from app.settings import Settings
from app.supervisor import ALL_ROLES, AlreadyRunning, StartError, Supervisor

log = logging.getLogger(__name__)
POLL_BACKEND_SECONDS = 2.0


class Stack:
    """The embedded stack of a data folder: started here, or joined when another
    Earmark process (the window, ``earmark serve``) already runs it."""

    def __init__(self, data: DataDir, settings: Settings, roles=ALL_ROLES):
        self.data, self.settings, self.roles = data, settings, roles
        self.store = JobStore(data.database)
        self.supervisor: Supervisor | None = None
        self.celery = None
        self.service: JobService | None = None
        self.monitor: EventMonitor | None = None
        self._joined_address: BrokerAddress | None = None

    @property
    def address(self) -> BrokerAddress | None:
        """The broker's address, password included (for outside tools)."""
        return self.supervisor.address if self.supervisor else self._joined_address

    @property
    def owner(self) -> bool:
        return self.supervisor is not None

    def open(self, wait_workers: bool = False) -> "Stack":
        supervisor = Supervisor(self.data, self.settings, self.roles)
        reconciled = {}

        def reconcile(celery_app):
            service = JobService(self.store, celery_app, self.data.root)
            reconciled.update(service.reconcile())
            reconciled["sent"] = service.send_pending()

        try:
            supervisor.start(before_workers=reconcile)
            self.supervisor, self.celery = supervisor, supervisor.celery
            if any(reconciled.values()):
                log.info("reconciled with the broker: %s", reconciled)
        except AlreadyRunning:
            self._join()
        self.service = JobService(self.store, self.celery, self.data.root)
        self.monitor = EventMonitor(self.celery, self.service.handle_event)
        if not self.monitor.start():
            raise StartError("Could not listen to the workers' events; see the logs in "
                             f"{self.data.logs}")
        if wait_workers and self.owner:
            if not self.supervisor.wait_workers(120):
                raise StartError(f"The workers did not start; see the logs in {self.data.logs}")
        return self

    def _join(self) -> None:
        from workers.celery_app import client_app

        address = BrokerAddress.load(address_file(self.data))
        if address is None:
            raise StartError(f"Earmark is starting or stopping on {self.data.root}; try again in a moment.")
        self.celery = client_app(address.url)
        self._joined_address = address
        log.info("joined the running stack of %s", self.data.root)

    def close(self) -> None:
        if self.monitor:
            self.monitor.stop()
        if self.supervisor:
            self.supervisor.stop()
        elif self.celery is not None:
            self.celery.close()
        self.store.close()


def serve(data: DataDir) -> int:
    settings = Settings(data.settings)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        stack = Stack(data, settings).open(wait_workers=True)
    except (StartError, AlreadyRunning) as exc:
        print(f"earmark: {exc}", file=sys.stderr)
        return 1
    print(f"Earmark is ready (data folder {data.root}). Press Ctrl-C to stop.", flush=True)
    try:
        while not stop.wait(POLL_BACKEND_SECONDS):
            stack.service.poll()
    finally:
        print("Stopping…", flush=True)
        stack.close()
    return 0


class ProgressView:
    """One line per file: a bar while it runs, then where its transcript went or why it failed."""

    def __init__(self, stream=sys.stderr):
        self.stream = stream
        self.tty = stream.isatty()
        self.drawn = 0
        self.last: dict[str, tuple] = {}

    def show(self, rows: list[tuple[str, str, float, str]]) -> None:
        if self.tty:
            if self.drawn:
                self.stream.write(f"\x1b[{self.drawn}F")
            for name, state, progress, note in rows:
                self.stream.write("\x1b[2K" + self._line(name, state, progress, note) + "\n")
            self.drawn = len(rows)
        else:  # a log or a pipe: a line when something changes by a tenth or more
            for name, state, progress, note in rows:
                key = (state, int(progress * 10), note)
                if self.last.get(name) != key:
                    self.last[name] = key
                    self.stream.write(self._line(name, state, progress, note) + "\n")
        self.stream.flush()

    @staticmethod
    def _line(name: str, state: str, progress: float, note: str) -> str:
        width = 24
        filled = int(round(progress * width))
        bar = "#" * filled + "-" * (width - filled)
        label = name if len(name) <= 32 else "…" + name[-31:]
        return f"{label:<32} [{bar}] {progress * 100:5.1f}% {state:<9} {note}".rstrip()


def transcribe(data: DataDir, args) -> int:
    settings = Settings(data.settings)
    options = settings.speech_options(model=args.model, language=args.language, beam_size=args.beam_size,
                                      word_timestamps=args.word_timestamps, task=args.task)
    # Only what was asked for on the command line runs here, not the window's defaults.
    options.update(summarize=bool(args.summary), translate_to=args.translate or "")
    if args.summary:
        options["summary_template"] = args.summary
    nlp = ("nlp",) if args.summary or args.translate else ()
    try:
        stack = Stack(data, settings, roles=("transcribe", *nlp, "index")).open()
    except (StartError, AlreadyRunning) as exc:
        print(f"earmark: {exc}", file=sys.stderr)
        return 1
    view = ProgressView()
    written: dict[str, str] = {}
    try:
        intakes = [stack.service.intake(str(Path(f).absolute()), options, force=args.force) for f in args.files]
        ids = {i.job_id for i in intakes}
        last_poll = time.monotonic()
        while True:
            rows, pending = [], 0
            for intake in intakes:
                job = stack.store.job(intake.job_id)
                stage = stack.store.stage(intake.job_id, "transcribe")
                note = ""
                if stage["state"] == js.DONE:  # the transcript exists: write it now
                    if intake.job_id not in written:
                        written[intake.job_id] = str(export.write(
                            stack.store.transcript(intake.job_id), args.format, args.out, Path(intake.path).stem))
                    note = f"→ {written[intake.job_id]}" + (" (already done; --force to redo)"
                                                            if intake.reused_from else "")
                    extra = _write_later_results(stack.store, intake, args, written)
                    if extra:
                        note += ", " + ", ".join(extra)
                    if job["state"] not in js.FINAL:
                        pending += 1  # indexing for search, a moment more
                    elif job["state"] == js.FAILED:
                        note += f" (a later stage failed: {job['error']})"
                elif job["state"] in js.FINAL:
                    note = job["error"] or job["state"]
                else:
                    pending += 1
                rows.append((Path(intake.path).name, job["state"], stage["progress"] or 0.0, note))
            view.show(rows)
            if not pending:
                break
            stack.service.wait_for_change(0.5)
            if time.monotonic() - last_poll > POLL_BACKEND_SECONDS:
                stack.service.poll(ids)
                last_poll = time.monotonic()
    except KeyboardInterrupt:
        print("\nInterrupted: unfinished files stay queued and continue the next time Earmark runs.",
              file=sys.stderr)
        return 130
    finally:
        stack.close()
    return _report(data, intakes)


def _write_later_results(store: JobStore, intake, args, written: dict) -> list[str]:
    """The summary and translation, once their stages are done: what was written."""
    stem = Path(intake.path).stem
    out = []
    if args.summary and (store.stage(intake.job_id, "summarize") or {}).get("state") == js.DONE:
        key = (intake.job_id, "summary")
        if key not in written:
            summary = store.summaries(intake.job_id)[0]
            written[key] = str(export.write_text(summary["markdown"], args.out, f"{stem}.summary.md"))
        out.append(written[key])
    if args.translate and (store.stage(intake.job_id, "translate") or {}).get("state") == js.DONE:
        key = (intake.job_id, "translation")
        if key not in written:
            language = store.translation_languages(intake.job_id)[-1]["language"]
            written[key] = str(export.write(store.translation(intake.job_id, language), args.format, args.out,
                                            f"{stem}.{language}"))
        out.append(written[key])
    return out


def _report(data: DataDir, intakes) -> int:
    store = JobStore(data.database)
    failed = 0
    for intake in intakes:
        job = store.job(intake.job_id)
        if store.stage(intake.job_id, "transcribe")["state"] != js.DONE:  # no transcript: a failure
            failed += 1
            print(f"earmark: {intake.path}: {job['error'] or job['state']}", file=sys.stderr)
        elif job["state"] == js.FAILED:  # a summary or translation asked for did not come
            failed += 1
            print(f"earmark: {intake.path}: transcribed, but {job['error']}", file=sys.stderr)
    store.close()
    return 1 if failed else 0


def status(data: DataDir) -> int:
    from app.queues import depths
    from workers.celery_app import client_app

    address = BrokerAddress.load(address_file(data))
    store = JobStore(data.database)
    if address is None:
        print(f"Earmark is not running on {data.root}.")
    else:
        celery = client_app(address.url)
        try:
            replies = celery.control.inspect(timeout=1.0).stats() or {}
            active = celery.control.inspect(timeout=1.0).active() or {}
            print("Workers:")
            for name in sorted(replies):
                pool = replies[name].get("pool", {})
                print(f"  {name:<28} online  pool {pool.get('implementation', '?').split(':')[0].split('.')[-1]}"
                      f"×{pool.get('max-concurrency', '?')}  active {len(active.get(name, []))}")
            if not replies:
                print("  (none answered)")
            print("Queues (waiting / taken by a worker):")
            for queue, d in depths(celery).items():
                print(f"  {queue:<12} {d['waiting']:>5} / {d['unacked']}")
        except Exception as exc:
            print(f"The broker at {data.root} does not answer: {exc}")
    print("Recent jobs:")
    jobs = store.jobs(limit=10)
    for job in jobs:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(job["created_at"]))
        extra = f"  {job['error']}" if job["error"] else ""
        print(f"  {when}  {job['state']:<9} {Path(job['path']).name}{extra}")
    if not jobs:
        print("  (none yet)")
    store.close()
    return 0


def search(data: DataDir, query: str, newest: bool = False, limit: int = 20) -> int:
    """Print hits across every transcript: file, time, snippet. Exit 1 when none."""
    from app.export import timestamp

    store = JobStore(data.database)
    hits = store.search(query, limit=limit, order="newest" if newest else "relevance")
    for hit in hits:
        print(f"{Path(hit['path']).name}  {timestamp(hit['start'], '.')[:8]}  segment {hit['idx']}  "
              f"{hit['snippet']}")
    if not hits:
        print(f"No transcript mentions: {query}", file=sys.stderr)
    store.close()
    return 0 if hits else 1
