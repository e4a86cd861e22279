"""The command-line roles that use the stack: serve, transcribe, status."""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path

from app.errors import OptionsProblem
from app.jobs.desk import (
    ALREADY_DONE,
    ALREADY_QUEUED,
    COMMAND_LINE,
    NOTES,
    TRANSCRIPT,
    TRANSLATIONS,
    Desk,
    ExportNames,
)
from app.jobs.stack import POLL_BACKEND_SECONDS
from app.paths import DataDir
from app.runtime.supervisor import AlreadyRunning, StartError
from app.settings import Settings
from app.store import jobstore as js
from app.store.jobstore import JobStore
from workers import stages


def say(notices) -> None:
    """The desk's notices, one line each on stderr (the desk prints nothing itself)."""
    for notice in notices:
        print(f"earmark: {notice.text}", file=sys.stderr, flush=True)


def serve(data: DataDir, api: str | None = None, api_limits: dict | None = None, watch: dict | None = None) -> int:
    """The stack until Ctrl-C; with *api* (an address, "" for the default) the local API too;
    with *watch* ({"folders", "out", "formats", "settle_seconds"}) watched folders; without
    it, the folders Settings › Watch folder names (the window's watch), if any."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    desk = Desk(data)
    if watch:
        watches = _watches(desk, watch)
    else:
        from app.jobs.watch import from_settings

        watches, watch = from_settings(desk.settings), {}
    if watches is None:
        desk.shut()
        return 2
    server = None
    if api is not None:  # the port first: one in use is said before the workers start
        from app.api.server import ApiServer

        try:
            server = ApiServer(desk, api, **(api_limits or {})).bind()
        except (ValueError, OSError) as exc:
            print(f"earmark: the API cannot listen on {api or 'its default address'}: "
                  f"{getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            desk.shut()
            return 2 if isinstance(exc, ValueError) else 1
    try:
        say(desk.open(wait_workers=True, join=False))
    except AlreadyRunning:
        print(f"earmark: Earmark is already running on {data.root} (the window or another "
              "'earmark serve'); 'earmark status' shows it.", file=sys.stderr)
        desk.shut()
        return 1
    except StartError as exc:
        print(f"earmark: {exc}", file=sys.stderr)
        desk.shut()
        return 1
    if server is not None:
        server.start()
        print(f"The API listens on {server.url} (docs at {server.url}/docs; 'earmark api-key' prints its key).",
              flush=True)
    print(f"Earmark is ready (data folder {data.root}). Press Ctrl-C to stop.", flush=True)
    from app.remote.access import join_lines

    for line in join_lines(data, desk.settings):
        print(f"Another machine helps with: {line}", flush=True)
    folder_watch = None
    if watches:
        from app.jobs.watch import FolderWatch, describe

        folder_watch = FolderWatch(desk, watches, settle_seconds=watch.get("settle_seconds") or 5.0,
                                   on_notice=_say_watching).start()
        print(describe(watches), flush=True)
    settings_seen = _mtime(data.settings)
    try:
        while not stop.wait(POLL_BACKEND_SECONDS):
            tick = desk.tick()
            for job_id, written in tick.exported.items():
                print(f"Exported {', '.join(written)}", flush=True)
            say(tick.notices)
            if _mtime(data.settings) != settings_seen:
                settings_seen = _mtime(data.settings)
                _follow_settings(data, desk)
    finally:
        print("Stopping…", flush=True)
        if folder_watch is not None:
            folder_watch.stop()
        if server is not None:
            server.stop()
        desk.shut()
    return 0


def _watches(desk: Desk, asked: dict):
    """``serve --watch``'s folders as watches, or None (said) when one cannot be used."""
    from app.export import FORMATS
    from app.jobs.watch import watched

    folders = [str(Path(f).expanduser()) for f in asked["folders"]]
    missing = [f for f in folders if not Path(f).is_dir()]
    if missing:
        print(f"earmark: --watch: there is no folder {missing[0]}.", file=sys.stderr)
        return None
    formats = [f.strip() for f in (asked.get("formats") or str(desk.settings["export_formats"])).split(",")
               if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        print(f"earmark: --format: unknown {', '.join(unknown) or 'format'} (choose from {', '.join(FORMATS)}).",
              file=sys.stderr)
        return None
    return watched(folders, asked.get("out"), formats)


def _say_watching(notice) -> None:
    """What the watch did, on standard output (the desk's own notices on standard error)."""
    if notice.kind.startswith("watch-"):
        print(notice.text, flush=True)
    else:
        say([notice])


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _follow_settings(data: DataDir, desk: Desk) -> None:
    """The settings file changed under a running ``serve`` (the window's settings, or an
    edit): the next jobs and exports follow it; helpers turned off close the port at
    once; a new helpers' address starts the stack again with it."""
    from app.remote.access import join_lines

    settings = Settings(data.settings)
    desk.use_settings(settings)
    before, now = str(desk.stack.settings["helpers_listen"]).strip(), str(settings["helpers_listen"]).strip()
    if before == now:
        return
    if not now and desk.stack.supervisor and desk.stack.supervisor.close_gate():
        print("Helpers are turned off: the port is closed.", flush=True)
        desk.stack.settings = settings
        return
    print("The helpers' address changed: starting again with it…", flush=True)
    desk.close()
    say(desk.open(wait_workers=True, join=False))
    for line in join_lines(data, settings):
        print(f"Another machine helps with: {line}", flush=True)


def helpers(data: DataDir, action: str, name: str | None) -> int:
    """``earmark helpers``: who may help, each with its own line; removing one takes
    effect at once (the gate closes its connections), the others keep theirs."""
    from app.remote.access import HelperAccess, clean_name, join_lines

    access = HelperAccess.of(data).ensure()
    settings = Settings(data.settings)
    try:
        if action == "add":
            name = access.add(clean_name(name) if name else None)
        elif action == "remove":
            if not name or not access.remove(clean_name(name)):
                print(f"earmark: no helper named '{name}' (see 'earmark helpers')", file=sys.stderr)
                return 2
            print(f"Removed {name}: its join line no longer works, and it is disconnected if it was connected.")
            return 0
    except ValueError as exc:
        print(f"earmark: {exc}", file=sys.stderr)
        return 2
    names = [name] if action == "add" else list(access.helpers())
    if not str(settings["helpers_listen"]).strip():
        print("Helpers are off: set an address in Settings › Helpers (helpers_listen) to let them in.",
              file=sys.stderr)
    for each in names:
        lines = join_lines(data, settings, each) or [f"(helpers are off) {each}"]
        for line in lines:
            print(f"{each}: {line}")
    if not names:
        print("No helper is let in yet: 'earmark helpers add' makes a line for one.", file=sys.stderr)
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


def options_from(desk: Desk, args) -> dict:
    """A transcribe command's job options: only what was asked for on the command line
    runs here (no notes, translation or speakers unless asked), the rest from the
    settings; each checked by the desk (``OptionsProblem`` names the one)."""
    if args.translate is not None and not args.translate.strip():
        raise OptionsProblem("needs a language, e.g. --translate fr.", "translate_to")
    return desk.job_options(model=args.model, language=args.language, beam_size=args.beam_size,
                            word_timestamps=args.word_timestamps, task=args.task,
                            summarize=bool(args.summary), summary_template=args.summary,
                            translate_to=args.translate or "", speakers=args.speakers or "off")


# The command line's name for each option it sets (for a problem with one of them).
FLAGS = {"summary_template": "--summary", "translate_to": "--translate", "beam_size": "--beam-size",
         "speakers": "--speakers", "model": "--model", "language": "--language", "task": "--task"}


class Item:
    """One file of a transcribe command: its job and what was written for it."""

    def __init__(self, intake, stem: str):
        self.intake, self.stem = intake, stem
        self.written: dict[str, list[str]] = {}  # part → paths
        self.problem: str | None = None  # an export that could not be written

    @property
    def job_id(self) -> str:
        return self.intake.job_id


def transcribe(data: DataDir, args) -> int:
    desk = Desk(data, auto_export=False)  # this command writes its own exports to --out
    try:
        try:
            options = options_from(desk, args)
        except OptionsProblem as exc:
            print(f"earmark: {FLAGS.get(exc.key, '--' + str(exc.key))}: {exc}", file=sys.stderr)
            return 2
        nlp = ("nlp",) if args.summary or args.translate else ()
        from workers.engines.llm import translation_warning

        # before anything is relied on: a translation path that scored below the floor says so
        for warning in (args.translate and translation_warning("text", desk.settings["llm_model"]),
                        options.get("task") == "translate" and translation_warning("speech", options.get("model"))):
            if warning:
                print(f"earmark: note: {warning}", file=sys.stderr)
        return _transcribe(desk, options, nlp, args)
    finally:
        desk.shut()


def _transcribe(desk: Desk, options: dict, nlp: tuple, args) -> int:
    try:
        say(desk.open(roles=("transcribe", *nlp, "index")))
    except (StartError, AlreadyRunning) as exc:
        print(f"earmark: {exc}", file=sys.stderr)
        return 1
    view = ProgressView()
    names = ExportNames()
    try:  # a mistake on the command line is said here, not kept as a failed job in the window
        from app.jobs.links import is_link

        links = [f for f in args.files if is_link(f)]
        added = desk.add([f for f in args.files if not is_link(f)], options, force=args.force, keep_bad=False,
                         source=getattr(args, "source", COMMAND_LINE))
        for url in links:  # fetched now, one after the other, while the files above are transcribed
            added.jobs += desk.add_link(url, options, on_progress=_download_progress(view, url)).jobs
        say(n for n in added.notices if n.kind not in (ALREADY_DONE, ALREADY_QUEUED))
        items = [Item(intake, names.stem_for(intake.path)) for intake in added.jobs]
        if not items:
            return 1
        ids = {i.job_id for i in items}
        last_poll = time.monotonic()
        waiting_note = ""
        while True:
            desk.keep_alive()
            rows, pending = [], 0
            for item in items:
                state, progress, note, done = _progress_of(desk, item, args)
                pending += not done
                rows.append((Path(item.intake.path).name, state, progress, note or waiting_note))
            view.show(rows)
            if not pending:
                break
            desk.wait_for_change(0.5)
            if time.monotonic() - last_poll > POLL_BACKEND_SECONDS:
                tick = desk.tick(ids)
                say(tick.notices)
                waiting_note = "" if tick.answered else "(waiting for the broker…)"
                last_poll = time.monotonic()
    except KeyboardInterrupt:
        print("\nInterrupted: unfinished files stay queued and continue the next time Earmark runs.",
              file=sys.stderr)
        return 130
    except StartError as exc:  # the stack it joined stopped and could not be started again
        print(f"earmark: {exc} Unfinished files stay queued for the next run.", file=sys.stderr)
        return 1
    finally:
        desk.close()
    return max(_report(desk.store, items), 1 if added.refused else 0)


def _download_progress(view: ProgressView, url: str):
    """A link's download on its own line: the bar, and MB so far (of the whole, when known)."""
    def show(done: int, total: int) -> None:
        size = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        view.show([(url, "download", done / total if total else 0.0, size)])
    return show


def _progress_of(desk: Desk, item: Item, args) -> tuple[str, float, str, bool]:
    """(state, progress, note, finished) of one file; writes its exports once they exist."""
    store = desk.store
    job = store.job(item.job_id)
    stage = store.stage(item.job_id, stages.TRANSCRIBE.name)
    progress = stage["progress"] or 0.0
    if job["state"] == js.PAUSED:  # paused in the window: not this command's to wait for
        return job["state"], progress, "paused (resume it in the window)", True
    if stage["state"] != js.DONE:
        return job["state"], progress, (job["error"] or "") if job["state"] in js.FINAL else "", \
            job["state"] in js.FINAL
    _write_results(desk, item, args)
    note = ", ".join(f"→ {p}" for paths in item.written.values() for p in paths)
    speakers = store.stage(item.job_id, stages.DIARIZE.name)
    if speakers and speakers["state"] not in js.FINAL:
        note = f"finding speakers {100 * (speakers['progress'] or 0):.0f}%"
    if item.intake.already_done:
        note += " (already done; --force to redo)"
    if item.problem:
        note += f" ({item.problem})"
    elif job["state"] == js.FAILED:
        note += f" (a later stage failed: {job['error']})"
    if job["state"] not in js.FINAL and _only_the_index_left(desk, item.job_id, args):
        return job["state"], progress, note + " (indexed for search by the running Earmark)", True
    return job["state"], progress, note, job["state"] in js.FINAL


def _only_the_index_left(desk: Desk, job_id: str, args) -> bool:
    """Whether a joined stack may index the job after this command has gone: everything
    asked for is written and the stack's owner (the window, ``serve``) runs on. A stack
    this command started stops with it, so then it waits (as it does with --wait-index)."""
    if getattr(args, "wait_index", False) or desk.stack is None or desk.stack.owner:
        return False
    return all(s["state"] in js.FINAL for s in desk.store.stages(job_id) if s["name"] != stages.INDEX.name)


def _write_results(desk: Desk, item: Item, args) -> None:
    """The transcript (once its speakers are found, or that failed), then the notes and
    the translation once their stages are done, each asked for and written once; an
    export that cannot be written is that file's problem alone."""
    wanted = [TRANSCRIPT] + ([NOTES] if args.summary else []) + ([TRANSLATIONS] if args.translate else [])
    for part in wanted:
        if part in item.written or item.problem or part not in desk.ready_parts(item.job_id):
            continue
        try:
            item.written[part] = desk.export(item.job_id, [args.format], args.out, stem=item.stem, parts=[part])
        except OSError as exc:
            what = {TRANSCRIPT: "transcript", NOTES: "summary", TRANSLATIONS: "translation"}[part]
            item.problem = f"could not write the {what} to {args.out}: {exc.strerror or exc}"


def _report(store: JobStore, items: list[Item]) -> int:
    failed = 0
    for item in items:
        job = store.job(item.job_id)
        path = item.intake.path
        if store.stage(item.job_id, stages.TRANSCRIBE.name)["state"] != js.DONE:  # no transcript: a failure
            failed += 1
            why = job["error"] or job["state"]
            print(f"earmark: {why}" if path in why else f"earmark: {path}: {why}", file=sys.stderr)
        elif item.problem:
            failed += 1
            print(f"earmark: {path}: transcribed, but {item.problem}", file=sys.stderr)
        elif job["state"] == js.FAILED:  # a summary or translation asked for did not come
            failed += 1
            print(f"earmark: {path}: transcribed, but {job['error']}", file=sys.stderr)
        for note in (store.transcript(item.job_id) or {}).get("notes") or ():
            print(f"earmark: {path}: note: {note}", file=sys.stderr)
    return 1 if failed else 0


def status(data: DataDir) -> int:
    from app.runtime.broker import BrokerAddress, address_file
    from app.runtime.queues import depths
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
    trouble = store.trouble(time.time() - 24 * 3600)
    if trouble:
        print("Faults in the last 24 hours (each handled: the task was sent again, or failed with its reason):")
        for event in trouble:
            when = time.strftime("%H:%M:%S", time.localtime(event["at"]))
            what = json.loads(event["detail"] or "{}").get("exception", "")
            print(f"  {when}  {event['kind']:<8} {event['stage'] or '':<11} {Path(event['path'] or '-').name}  {what}")
    print("Recent jobs:")
    jobs = store.jobs(limit=10)
    for job in jobs:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(job["created_at"]))
        extra = f"  {job['error']}" if job["error"] else ""
        source = f"  (from {job['source']})" if job["source"] else ""
        print(f"  {when}  {job['state']:<9} {Path(job['path']).name}{source}{extra}")
    if not jobs:
        print("  (none yet)")
    store.close()
    return 0


def models(action: str, name: str | None, unverified: bool = False) -> int:
    """``earmark models list|download NAME|remove NAME``; Ctrl-C cancels a download."""
    from app import models as manager

    if action == "list":
        for row in manager.listing():
            print(f"{row['name']:<16} {row['kind']:<8} {row['size_mb']:>6} MB  {row['state'] or '-':<10} "
                  f"{row['hint']}")
        return 0
    if not name:
        print(f"earmark: give the model's name: earmark models {action} NAME", file=sys.stderr)
        return 2
    try:
        if action == "remove":
            if not manager.remove(name):
                print(f"{name} is not downloaded.")
            else:
                print(f"Removed {name}.")
            return 0
        view = ProgressView()
        cancel = threading.Event()

        def progress(done: int, total: int) -> None:
            view.show([(name, "download", done / total if total else 0.0, f"{done / 1e6:.0f}/{total / 1e6:.0f} MB")])
        try:
            folder = manager.download(name, on_progress=progress, cancel=cancel, allow_unverified=unverified)
        except KeyboardInterrupt:
            cancel.set()
            raise manager.Cancelled(f"The download of {name} was cancelled; what was fetched is kept for next time.")
        print(f"Downloaded {name} to {folder}. Choose it in the settings ('model' or 'llm_model': {name}).")
        return 0
    except manager.DownloadError as exc:
        print(f"earmark: {exc}", file=sys.stderr)
        return 1
