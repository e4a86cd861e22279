"""``earmark transcribe`` and ``earmark status`` with Earmark running (the window, ``earmark
serve``): sent through its command door (``app.jobs.door``), so the command imports
neither Celery, kombu and redis nor the engines, and pays no stack to join: the running
Earmark hashes and probes the files, queues them, writes the transcripts to ``--out`` and
says how it goes. Nothing running (or a platform without unix sockets): ``None``, and
the command runs its own stack as before (``app.cli.commands``)."""

from __future__ import annotations

import json
import os
import socket
import sys

from app.cli.progress import ProgressView
from app.paths import DataDir

# The command line's name for each option it sets (for a problem with one of them).
FLAGS = {"summary_template": "--summary", "translate_to": "--translate", "beam_size": "--beam-size",
         "speakers": "--speakers", "model": "--model", "language": "--language", "task": "--task"}


def flag_problem(key: str | None, text: str) -> str:
    return f"earmark: {FLAGS.get(key, '--' + str(key))}: {text}"


def reach(data: DataDir) -> socket.socket | None:
    """A connection to the running Earmark's door, or None when none answers there."""
    if not hasattr(socket, "AF_UNIX"):
        return None
    try:
        path = data.door.read_text(encoding="utf-8").strip()
        if os.stat(path).st_uid != os.getuid():  # only a door of this user's is one to talk to
            return None
    except OSError:  # nothing runs (or it stopped and its door went with it)
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(path)
    except OSError:  # left by a process that was killed
        sock.close()
        return None
    return sock


def transcribe(data: DataDir, args) -> int | None:
    from app.jobs.links import is_link

    sock = reach(data)
    if sock is None:
        return None
    asked = {"model": args.model, "language": args.language, "beam_size": args.beam_size,
             "word_timestamps": args.word_timestamps, "task": args.task, "summary": args.summary,
             "translate": args.translate, "speakers": args.speakers}
    request = {"op": "transcribe", "files": [f if is_link(f) else os.path.abspath(f) for f in args.files],
               "asked": asked, "format": args.format, "out": os.path.abspath(args.out), "force": args.force,
               "wait_index": bool(args.wait_index)}
    view = ProgressView()
    try:
        return _talk(sock, request, view)
    except KeyboardInterrupt:
        print("\nInterrupted: the running Earmark goes on with the unfinished files.", file=sys.stderr)
        return 130


def status(data: DataDir) -> int | None:
    sock = reach(data)
    return None if sock is None else _talk(sock, {"op": "status"}, None)


def _talk(sock: socket.socket, request: dict, view: ProgressView | None) -> int:
    """Send the request, show each message of the answer; its exit code."""
    with sock, sock.makefile("rb") as answers:
        sock.sendall(json.dumps(request).encode() + b"\n")
        for line in answers:
            message = json.loads(line)
            if "rows" in message and view is not None:
                view.show([tuple(row) for row in message["rows"]])
            if "say" in message:
                print(f"earmark: {message['say']}", file=sys.stderr, flush=True)
            if "problem" in message:
                print(flag_problem(message["problem"]["key"], message["problem"]["text"]), file=sys.stderr)
            if "out" in message:
                print("\n".join(message["out"]), flush=True)
            if "exit" in message:
                return int(message["exit"])
    print("earmark: the running Earmark stopped before the command was done; unfinished files stay queued and "
          "continue the next time Earmark runs.", file=sys.stderr)
    return 1
