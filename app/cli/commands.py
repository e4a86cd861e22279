"""The command-line roles that use the stack: serve, transcribe, status."""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path

from app.cli.progress import ProgressView
from app.cli.thin import flag_problem
from app.errors import OptionsProblem
from app.jobs import follow
from app.jobs.desk import COMMAND_LINE, Desk, ExportNames
from app.jobs.door import CommandDoor
from app.jobs.stack import POLL_BACKEND_SECONDS
from app.paths import DataDir
from app.runtime.supervisor import AlreadyRunning, StartError
from app.settings import Settings
from app.store.jobstore import JobStore


def say(notices) -> None:
    """The desk's notices, one line each on stderr (the desk prints nothing itself)."""
    for notice in notices:
        print(f"earmark: {notice.text}", file=sys.stderr, flush=True)


def serve(data: DataDir, api: str | None = None, api_limits: dict | None = None, watch: dict | None = None) -> int:
    """The stack until Ctrl-C; with *api* (an address, "" for the default) the local API too;
    with *watch* ({"folders", "out", "formats", "settle_seconds"}) watched folders."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    desk = Desk(data)
    watches = _watches(desk, watch) if watch else []
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
        say(desk.open(wait_workers=True, join=False, door=CommandDoor))
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
    say(desk.open(wait_workers=True, join=False, door=CommandDoor))
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


def transcribe(data: DataDir, args) -> int:
    desk = Desk(data, auto_export=False)  # this command writes its own exports to --out
    try:
        asked = {key: getattr(args, key) for key in follow.ASKED}
        try:
            options = follow.command_options(desk, asked)
        except OptionsProblem as exc:
            print(flag_problem(exc.key, str(exc)), file=sys.stderr)
            return 2
        nlp = ("nlp",) if args.summary or args.translate else ()
        for note in follow.notes_on(desk, options, args.translate):
            print(f"earmark: {note}", file=sys.stderr)
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
        added = follow.take(desk, args.files, options, force=args.force, source=getattr(args, "source", COMMAND_LINE),
                            on_download=lambda url, done, total: view.show([follow.download_row(url, done, total)]))
        say(follow.worth_saying(added.notices))
        items = [follow.Item(intake, names.stem_for(intake.path)) for intake in added.jobs]
        if not items:
            return 1
        wanted = follow.Wanted(args.format, args.out, summary=bool(args.summary), translate=bool(args.translate),
                               wait_index=bool(getattr(args, "wait_index", False)))
        # a stack this command joined goes on after it (and may index the files then); one it started stops
        following = follow.Follow(desk, items, wanted, stays=lambda: desk.stack is not None and not desk.stack.owner)
        ids = {i.job_id for i in items}
        last_poll = time.monotonic()
        waiting_note = ""
        while True:
            desk.keep_alive()
            rows, pending = following.rows()
            view.show([(name, state, progress, note or waiting_note) for name, state, progress, note in rows])
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
    lines, code = following.report()
    for line in lines:
        print(f"earmark: {line}", file=sys.stderr)
    return max(code, 1 if added.refused else 0)


def status(data: DataDir) -> int:
    from app.jobs.overview import status_lines
    from app.runtime.broker import BrokerAddress, address_file

    address = BrokerAddress.load(address_file(data))
    store = JobStore(data.database)
    celery = None
    if address is not None:
        from workers.celery_app import client_app

        celery = client_app(address.url)
    print("\n".join(status_lines(data.root, store, celery)))
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
