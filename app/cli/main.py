"""``earmark``: one entry point for every role, so a frozen bundle needs nothing else.

    earmark                      the window (the stack starts behind it)
    earmark serve                the embedded stack without a window, until Ctrl-C
    earmark serve --api [ADDR]   ... and the local API (the job contract and OpenAI's)
    earmark serve --watch IN     ... and transcribe what lands in folder IN [--out OUT] [--format F]
    earmark api-key [--new]      the API's key
    earmark transcribe FILE...   transcribe through the queue, write transcripts (a FILE may be a link)
    earmark listen [--device D]  live text from a microphone or what the computer plays
    earmark status               workers, queue depths, recent jobs
    earmark worker --queues Q    a Celery worker (started by the app, or on another machine)
    earmark worker --join LINE   help another machine's Earmark (the line its Settings › Helpers shows)
    earmark helpers [add|remove NAME]   the helpers let in, each with its own line
    earmark beat                 Celery beat (started by the app)
"""

from __future__ import annotations

import argparse
import os
import sys


class Parser(argparse.ArgumentParser):
    """argparse that says "did you mean" for a mistyped command, choice or option, and
    whose errors show the usage of the command they are about (not the top level's)."""

    def error(self, message: str):
        import difflib
        import re

        guess = None
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:
            choices = re.findall(r"'([^']*)'", choice.group(2)) or [c.strip() for c in choice.group(2).split(",")]
            guess = next(iter(difflib.get_close_matches(choice.group(1), choices, n=1, cutoff=0.5)), None)
        unknown = re.match(r"unrecognized arguments: (\S+)", message)
        if unknown and unknown.group(1).startswith("-"):
            options = [o for o in self._option_string_actions if o.startswith("--")]
            guess = next(iter(difflib.get_close_matches(unknown.group(1).split("=")[0], options, n=1,
                                                        cutoff=0.6)), None)
        super().error(message + (f" (did you mean '{guess}'?)" if guess else ""))


def parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse; an argument a command does not take is that command's error, with its usage."""
    args, extra = parser.parse_known_args(argv)
    if extra:
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        owner = commands.choices.get(getattr(args, "command", None) or "", parser)
        owner.error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def build_parser() -> argparse.ArgumentParser:
    from app import export

    data_help = "where this instance keeps everything (default: $EARMARK_DATA_DIR or the platform's user data folder)"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=data_help)
    parser = Parser(prog="earmark", description="Offline transcripts through a local job queue.",
                    epilog="'earmark COMMAND --help' tells more about one command.")
    parser.add_argument("--data-dir", help=data_help)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", parser_class=Parser)

    g = sub.add_parser("gui", parents=[common], help="open the window (the default)")
    g.add_argument("--quit-when-ready", action="store_true",
                   help="close as soon as the workers are ready and print start-up times (smoke tests)")
    s = sub.add_parser("serve", parents=[common], help="run the embedded broker and workers until interrupted")
    s.add_argument("--api", nargs="?", const="", default=None, metavar="ADDRESS",
                   help="also serve the local API (OpenAI's /v1/audio and the job contract) at ADDRESS: a port "
                        "(on 127.0.0.1) or HOST:PORT (default 127.0.0.1:8765; other than loopback over TLS)")
    s.add_argument("--api-upload-limit", type=int, default=2048, metavar="MB",
                   help="the largest file the API takes, in MB (default: 2048; larger is refused with 413)")
    s.add_argument("--api-queue-limit", type=int, default=100, metavar="N",
                   help="refuse new API requests with 429 while N jobs wait to start (default: 100)")
    s.add_argument("--watch", action="append", metavar="IN",
                   help="transcribe every recording that lands in folder IN or its subfolders, once it has "
                        "finished copying (may be given more than once)")
    s.add_argument("--out", metavar="OUT", help="with --watch: write the transcripts to OUT, mirroring the "
                                                "subfolders (default: next to each recording)")
    s.add_argument("--format", metavar="FMT", help=f"with --watch: the transcripts' formats, by commas "
                                                   f"({', '.join(export.FORMATS)}; default: the settings' export "
                                                   "formats)")
    s.add_argument("--settle", type=float, default=5.0, metavar="SECONDS",
                   help="with --watch: take a file once its size and time have not changed for this long "
                        "(default: 5)")
    k = sub.add_parser("api-key", parents=[common], help="print the local API's key (made on first use)")
    k.add_argument("--new", action="store_true", help="make a new key (the old one stops working at once)")

    t = sub.add_parser("transcribe", parents=[common], help="transcribe files through the queue",
                       epilog="A file whose name starts with '-' goes after '--': earmark transcribe -- -take1.wav")
    t.add_argument("files", nargs="+", metavar="FILE",
                   help="recordings (audio or video), folders (the recordings in them), or links (http:// or "
                        "https://: a recording, or a page that holds one, fetched with yt-dlp)")
    t.add_argument("--format", default="txt", choices=export.FORMATS,
                   help="the transcript's file type (default: txt)")
    t.add_argument("--out", default=".", help="folder for the transcripts (default: here)")
    t.add_argument("--model", help="bundled, a model folder, or a faster-whisper model name")
    t.add_argument("--language", help="language code, e.g. en (default: detect)")
    t.add_argument("--beam-size", type=int, metavar="N",
                   help="1 to 20: higher is a little more accurate and slower (default: the settings')")
    t.add_argument("--word-timestamps", action="store_true", default=None,
                   help="the time of each word, not only of each segment")
    t.add_argument("--task", choices=("transcribe", "translate"),
                   help="translate: speech to English (needs a multilingual model, e.g. --model base)")
    t.add_argument("--summary", nargs="?", const="meeting_minutes", metavar="TEMPLATE",
                   help="also write NAME.summary.md with the local LLM (template: meeting_minutes, "
                        "short_summary, key_points, chapters or one of yours)")
    t.add_argument("--translate", metavar="LANG", help="also write NAME.LANG.FORMAT translated by the local LLM")
    t.add_argument("--speakers", nargs="?", const="auto", metavar="auto|N|MIN-MAX",
                   help="label who spoke when: auto (the number found), N speakers, or between MIN and MAX; "
                        "names of voices you named before are recognised")
    t.add_argument("--force", action="store_true", help="transcribe again files already done")
    t.add_argument("--wait-index", action="store_true",
                   help="with Earmark already running: wait until the files are indexed for search "
                        "(by default the running Earmark indexes them after this command returns)")

    li = sub.add_parser("listen", parents=[common], help="live text from a microphone or what the computer plays",
                        epilog="Standard output holds only the final lines; Ctrl-C stops, and the whole recording "
                               "is then transcribed as a job and written to --out. To record a call, listen to "
                               "the monitor of the output the call plays on (NAME.monitor in --list-devices).")
    li.add_argument("--device", metavar="NAME", help="the input (default: the system's default input); "
                                                     "--list-devices lists them")
    li.add_argument("--list-devices", action="store_true", help="list the inputs and stop")
    li.add_argument("--out", default=".", help="folder for the transcript once stopped (default: here)")
    li.add_argument("--format", default="txt", choices=export.FORMATS,
                    help="the transcript's file type (default: txt)")
    li.add_argument("--model", help="bundled, a model folder, or a faster-whisper model name")
    li.add_argument("--language", help="language code, e.g. en (default: the settings')")

    sub.add_parser("status", parents=[common], help="show workers, queue depths and recent jobs")

    f = sub.add_parser("search", parents=[common], help="search every transcript")
    f.add_argument("query", nargs="+", help='words (all must appear), or "a quoted phrase"')
    f.add_argument("--newest", action="store_true", help="newest first instead of most relevant")
    f.add_argument("--limit", type=int, default=20, metavar="N", help="at most N hits (default: 20)")
    f.add_argument("--speaker", metavar="NAME", help='only what this speaker said (a name, or "Speaker 2")')

    m = sub.add_parser("models", help="list, download or remove speech and summary models")
    m.add_argument("action", choices=("list", "download", "remove"), help="list, download NAME or remove NAME")
    m.add_argument("name", nargs="?", help="a model from 'earmark models list'")
    m.add_argument("--unverified", action="store_true",
                   help="take files the server gives no checksum for (only from a server you trust)")

    h = sub.add_parser("helpers", parents=[common], help="list the helpers let in, add one, or remove one "
                                                         "(its connections close at once)")
    h.add_argument("action", nargs="?", default="list", choices=("list", "add", "remove"))
    h.add_argument("name", nargs="?", help="the helper's name (add: default helper, helper-2 …)")

    w = sub.add_parser("worker", parents=[common], help="run a Celery worker for some queues")
    w.add_argument("--queues", default="transcribe,nlp,index",
                   help="the queues it takes work from, by commas (default: transcribe,nlp,index)")
    w.add_argument("--broker", help="broker URL (default: $EARMARK_BROKER_URL)")
    w.add_argument("--join", metavar="LINE", help="help another machine's Earmark: the earmark://… line its "
                                                  "Settings › Helpers shows")
    w.add_argument("--hostname", help="this worker's name in the queue panel (default: QUEUES@this machine)")
    w.add_argument("--concurrency", type=int, default=1, metavar="N",
                   help="how many tasks it runs at once (default: 1)")
    w.add_argument("--pool", default="solo" if sys.platform == "win32" else "prefork",
                   help="Celery's pool (prefork; on Windows solo, the one Celery supports there)")
    w.add_argument("--loglevel", default="INFO", help="DEBUG, INFO, WARNING or ERROR (default: INFO)")
    w.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)

    b = sub.add_parser("beat", parents=[common], help="run Celery beat (periodic housekeeping)")
    b.add_argument("--broker", help="broker URL (default: $EARMARK_BROKER_URL)")
    b.add_argument("--loglevel", default="INFO", help="DEBUG, INFO, WARNING or ERROR (default: INFO)")
    b.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)
    return parser


def gate_parser() -> argparse.ArgumentParser:
    """``earmark gate``: started by the app for helpers, not by people (so not listed)."""
    gate = Parser(prog="earmark gate")
    gate.add_argument("--data-dir")
    gate.add_argument("--listen", required=True)
    gate.add_argument("--parent-pid", type=int)
    gate.set_defaults(command="gate")
    return gate


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        if sys.stdout is not None:  # (none in a windowed bundle)
            sys.stdout.flush()  # a reader that left is found here, not as a traceback at exit
        return code
    except BrokenPipeError:  # `earmark status | head`: the reader left; stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
    # Recordings, transcripts, logs, scratch audio: whatever Earmark and its children
    # write is its user's alone, whatever umask the session had.
    os.umask(0o077)
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["llama-probe"]:  # the summary engine's CPU probe, in a frozen bundle
        from workers.engines import llama_cpu

        return llama_cpu.main(argv[1:])
    args = gate_parser().parse_args(argv[1:]) if argv[:1] == ["gate"] else parse(build_parser(), argv)
    command = args.command or "gui"
    if command in ("worker", "beat", "gate"):
        return _run_role(command, args)
    if command == "models":
        from app.cli.commands import models

        return models(args.action, args.name, args.unverified)

    from app.errors import AppError
    from app.paths import DataDir

    data = DataDir.resolve(args.data_dir)
    try:
        data.ensure()
        _log_to(data.log_file("app"))
        return _run(command, data, args)
    except AppError as exc:  # an app-side error says its sentence (a role that did not catch it)
        print(f"earmark: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a full disk, a read-only folder: a sentence, not a traceback
        sentence = storage_trouble(data.root, exc)
        if sentence is None:
            raise
        print(f"earmark: {sentence}", file=sys.stderr)
        return 1


def storage_trouble(root, exc: BaseException) -> str | None:
    """The sentence for a data folder Earmark cannot write (full, read-only, not allowed),
    or None when *exc* is something else."""
    import errno
    import sqlite3

    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text or "no space left" in text:
        return (f"The disk that holds {root} is full. Free some space and start again; "
                "nothing that was already done is lost.")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text or "read-only" in text:
        return f"Earmark may not write to {root}. Choose another data folder with --data-dir."
    if isinstance(exc, sqlite3.DatabaseError):
        return f"Earmark cannot use its job store in {root}: {exc}."
    return None


def _run(command: str, data, args) -> int:
    if command == "gui":
        from app.api.local import LocalApi
        from app.gui.app import run

        # the window may run the local API (Settings › API): handed over here, where both rooms may be used
        return run(data, quit_when_ready=getattr(args, "quit_when_ready", False), api=LocalApi)
    if command == "serve":
        from app.cli.commands import serve

        if (args.out or args.format) and not args.watch:
            print("earmark: --out and --format go with --watch IN.", file=sys.stderr)
            return 2
        watch = {"folders": args.watch, "out": args.out, "formats": args.format,
                 "settle_seconds": args.settle} if args.watch else None
        return serve(data, api=args.api, api_limits={"max_upload_bytes": args.api_upload_limit << 20,
                                                     "queue_limit": args.api_queue_limit}, watch=watch)
    if command == "api-key":
        from app.api.keys import api_key

        print(api_key(data.root, new=args.new))
        return 0
    if command in ("transcribe", "status"):
        # a running Earmark does it for the command, through its door
        from app.cli import thin

        done = thin.transcribe(data, args) if command == "transcribe" else thin.status(data)
        if done is not None:
            return done
    if command == "transcribe":
        from app.cli.commands import transcribe

        return transcribe(data, args)
    if command == "listen":
        from app.cli.listen import listen

        return listen(data, args)
    if command == "search":
        from app.cli.lookup import search

        return search(data, " ".join(args.query), newest=args.newest, limit=args.limit, speaker=args.speaker)
    if command == "helpers":
        from app.cli.commands import helpers

        return helpers(data, args.action, args.name)
    if command == "status":
        from app.cli.commands import status

        return status(data)
    return 2


def _log_to(path) -> None:
    from workers.logs import setup_logging

    setup_logging(str(path), os.environ.get("EARMARK_LOGLEVEL", "INFO"))


def _join(args) -> int:
    """``earmark worker --join LINE``: check the other machine's certificate and this
    helper's secret before anything starts, with a sentence for what is wrong; then the
    worker uses that broker over TLS, trusting the pinned certificate alone. 0 when
    joined (the worker then starts), else the exit code."""
    from app.paths import DataDir
    from app.remote.access import HelperError, Ticket, check_secret, pin_certificate

    data = DataDir.resolve(args.data_dir).ensure()
    try:
        ticket = Ticket.parse(args.join)
        ca = pin_certificate(ticket, data.run / "helper")
        check_secret(ticket, ca)
    except HelperError as exc:
        print(f"earmark: {exc}", file=sys.stderr)
        return 2
    # read by workers.config when it is first imported, after this
    os.environ["EARMARK_BROKER_URL"] = ticket.broker_url()
    os.environ["EARMARK_BROKER_CA"] = str(ca)  # TLS to the gate, and the tasks' signatures (workers.trust)
    os.environ["EARMARK_HELPER_NAME"] = ticket.user  # its own acknowledgement keys (workers.config.helper_keys)
    import logging

    # The gate reads every command and reply in RESP2; redis-py asks each new connection
    # for RESP3 first and falls back, with a warning worth nothing here.
    logging.getLogger("redis.connection").addFilter(lambda record: "does not support HELLO" not in record.msg)
    print(f"earmark: joined the Earmark at {ticket.where}; taking {args.queues} (Ctrl-C to leave)", file=sys.stderr)
    return 0


OWN_TEMP_PREFIX = "earmark-tmp-worker"  # + pid + "-": a worker started by hand (_own_temp)


def _own_temp() -> None:
    """A worker started by hand (a helper on another machine, ``--join`` or ``--broker``)
    gets a private TMPDIR, as the app's own workers get one from their supervisor: its
    pool's ``pymp-*`` folders go with it when it stops, and a killed worker's at the next
    start of one (its pid is in the name)."""
    import shutil
    import tempfile
    from multiprocessing import util
    from pathlib import Path

    import psutil

    from app.paths import private_dir

    for folder in Path(tempfile.gettempdir()).glob(f"{OWN_TEMP_PREFIX}*-*"):
        pid = folder.name.removeprefix(OWN_TEMP_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not psutil.pid_exists(int(pid)) and private_dir(folder):
            shutil.rmtree(folder, ignore_errors=True)
    owner = os.getpid()
    temp = tempfile.mkdtemp(prefix=f"{OWN_TEMP_PREFIX}{owner}-")  # 0700
    os.environ["TMPDIR"] = tempfile.tempdir = temp

    def remove() -> None:
        if os.getpid() == owner:  # not a forked pool process
            shutil.rmtree(temp, ignore_errors=True)
    # at exit, after multiprocessing's own finalizer has removed its pymp-* folder in there
    # (exit priority -100; the pool's billiard uses the same): a plain atexit handler would
    # run first, and that finalizer would then fail on a folder already gone
    util.Finalize(None, remove, exitpriority=-1000)


def _run_role(command: str, args) -> int:
    from app.paths import DataDir

    if command == "gate":
        from app.runtime import gate
        from workers.main import watch_parent

        data = DataDir.resolve(args.data_dir).ensure()
        _log_to(data.log_file("gate"))
        if args.parent_pid:
            watch_parent(args.parent_pid)
        return gate.run(data, args.listen)
    if getattr(args, "join", None):
        joined = _join(args)
        if joined:
            return joined
    elif args.broker:
        os.environ["EARMARK_BROKER_URL"] = args.broker
    elif "EARMARK_BROKER_URL" not in os.environ:
        print("earmark: give --broker URL (or set EARMARK_BROKER_URL)", file=sys.stderr)
        return 2
    data = DataDir.resolve(args.data_dir).ensure()
    os.environ.setdefault("EARMARK_SCRATCH_DIR", str(data.scratch))
    from workers import main as roles

    if command == "worker":
        if not args.parent_pid:
            _own_temp()
        queues = [q.strip() for q in args.queues.split(",") if q.strip()]
        log_name = "worker-" + "+".join(queues)
        roles.run_worker(queues, hostname=args.hostname, concurrency=args.concurrency, pool=args.pool,
                         log_file=str(data.log_file(log_name)), loglevel=args.loglevel,
                         parent_pid=args.parent_pid)
    else:
        data.run.mkdir(mode=0o700, parents=True, exist_ok=True)
        roles.run_beat(str(data.run / "beat-schedule"), log_file=str(data.log_file("beat")),
                       loglevel=args.loglevel, parent_pid=args.parent_pid)
    return 0
