"""The command door: how ``earmark transcribe`` and ``earmark status`` reach a running
Earmark (the window, ``earmark serve``) without importing Celery, kombu, redis or the
engines (``app.cli.thin``: Python, a socket and JSON).

The process that runs the stack listens on a unix socket of its own, in its private run
folder (0700; the socket 0600), and writes the socket's path to ``DataDir.door``. Only
this user may connect (the folder and the socket's mode, and on Linux the peer's uid
checked again); and what comes through is only what the command line may do: transcribe
files (with the command's options, checked by the desk as the command's own would be)
and say the status. One request a connection, a line of JSON; the answer is lines of
JSON, one message each, until ``{"exit": CODE}``:

    {"op": "transcribe", "files": [...], "asked": {...}, "format": "txt", "out": "/abs",
     "force": false, "wait_index": false}      → {"rows": [[name, state, progress, note]…]},
                                                  {"say": sentence}, {"problem": {key, text}}
    {"op": "status"}                            → {"out": [line…]}

A command that goes (Ctrl-C) leaves its files with the running Earmark: they go on."""

from __future__ import annotations

import json
import logging
import os
import select
import socket
import struct
import threading
import time
from pathlib import Path

from app import export
from app.errors import OptionsProblem
from app.jobs import follow
from app.jobs.desk import COMMAND_LINE, Desk, ExportNames

log = logging.getLogger(__name__)

SOCKET_NAME = "door.sock"
MAX_REQUEST_BYTES = 1 << 20  # a command line's paths fit many times over
REQUEST_SECONDS = 10.0  # a connection that has not sent its whole request in this time is closed
SEND_SECONDS = 30.0  # a command that reads nothing for this long counts as gone (its files go on)
MAX_COMMANDS = 32  # served at once; more are refused with a sentence
OPS = ("transcribe", "status")


class Refused(ValueError):
    """A request that is not something the command line may ask."""


class Gone(Exception):
    """The command went (Ctrl-C, a closed terminal)."""


def check_request(request) -> dict:
    """The request, if it is one the command line may make (``Refused`` otherwise)."""
    if not isinstance(request, dict) or request.get("op") not in OPS:
        raise Refused(f"a command may ask only for {' or '.join(OPS)}")
    if request["op"] == "status":
        return request
    files, asked = request.get("files"), request.get("asked")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and f for f in files):
        raise Refused("transcribe needs files")
    if not all(os.path.isabs(f) or f.startswith(("http://", "https://")) for f in files):
        raise Refused("files: absolute paths or links (the command sends them so)")
    if not isinstance(asked, dict) or set(asked) - set(follow.ASKED):
        raise Refused(f"transcribe takes only {', '.join(follow.ASKED)}")
    for key, value in asked.items():
        if value is not None and type(value) is not {"beam_size": int, "word_timestamps": bool}.get(key, str):
            raise Refused(f"{key}: not a value the command line gives")
    if request.get("format") not in export.FORMATS:
        raise Refused(f"format: one of {', '.join(export.FORMATS)}")
    out = request.get("out")
    if not isinstance(out, str) or not os.path.isabs(out):
        raise Refused("out: an absolute folder")
    for flag in ("force", "wait_index"):
        if not isinstance(request.get(flag, False), bool):
            raise Refused(f"{flag}: true or false")
    return request


class Reply:
    """The answer to one command, a JSON line a message; ``Gone`` once it has left."""

    def __init__(self, conn: socket.socket):
        self.conn = conn

    def send(self, **message) -> None:
        try:
            self.conn.sendall(json.dumps(message).encode() + b"\n")
        except OSError as exc:
            raise Gone() from exc

    def gone(self) -> bool:
        """Whether the command has closed its end (it sends nothing after its request)."""
        try:  # looked at without waiting (the socket's send timeout would make recv wait)
            if not select.select([self.conn], [], [], 0)[0]:
                return False
            return self.conn.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):  # ValueError: closed already
            return True


def request_line(conn: socket.socket) -> bytes:
    """The request's line, read within REQUEST_SECONDS in all (a byte now and then does not
    keep it open), at most MAX_REQUEST_BYTES + 1 bytes (longer is refused by the caller)."""
    deadline = time.monotonic() + REQUEST_SECONDS
    data = bytearray()
    while b"\n" not in data and len(data) <= MAX_REQUEST_BYTES:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Gone()
        conn.settimeout(left)
        try:
            piece = conn.recv(65536)
        except OSError as exc:  # the deadline (TimeoutError is one), or the command closed
            raise Gone() from exc
        if not piece:
            break
        data += piece
    return bytes(data.split(b"\n", 1)[0] + b"\n") if b"\n" in data else bytes(data)


def _refuse_busy(conn: socket.socket) -> None:
    """A sentence for a command beyond MAX_COMMANDS, after its request is read (closing a
    socket with unread bytes resets it, and the command would see no sentence)."""
    with conn:
        try:
            conn.settimeout(1.0)
            conn.recv(MAX_REQUEST_BYTES)
            Reply(conn).send(say=f"the running Earmark is serving {MAX_COMMANDS} commands; try again", exit=1)
        except (OSError, Gone):
            pass


def same_user(conn: socket.socket) -> bool:
    """The peer runs as this user (Linux's SO_PEERCRED; elsewhere the folder's mode decides)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                          struct.calcsize("3i")))
    return uid == os.getuid()


class CommandDoor:
    """The socket a running stack's owner serves commands on, while it runs."""

    def __init__(self, desk: Desk):
        self.desk = desk
        self.path: Path | None = None
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> CommandDoor | None:
        """Listen; None where there are no unix sockets (the commands then join the stack)."""
        if not hasattr(socket, "AF_UNIX"):
            return None
        data = self.desk.data
        path = data.socket_path(SOCKET_NAME)
        path.unlink(missing_ok=True)  # left by a process that was killed
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(str(path))  # in a folder only this user may enter (``DataDir.socket_path``)
            os.chmod(path, 0o600)
            sock.listen(16)
            sock.settimeout(0.5)  # the accept loop looks at ``_stop`` this often
            pointer = data.door.with_name(data.door.name + ".new")
            pointer.write_text(str(path), encoding="utf-8")
            os.chmod(pointer, 0o600)
            os.replace(pointer, data.door)
        except OSError:
            sock.close()
            path.unlink(missing_ok=True)
            log.exception("the command door could not listen at %s; commands will join the stack instead", path)
            return None
        self._sock, self.path = sock, path
        self._thread = threading.Thread(target=self._accept, name="earmark-door", daemon=True)
        self._thread.start()
        log.info("commands reach this Earmark at %s", path)
        return self

    def stop(self) -> None:
        """No new command; the ones being served are let go (their files stay queued)."""
        self._stop.set()
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)  # wakes the accept under way at once
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(5)
        with self._lock:
            for conn in list(self._conns):
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        if self._sock is not None:
            self._sock.close()
        data = self.desk.data
        try:
            if self.path is not None and data.door.read_text(encoding="utf-8") == str(self.path):
                data.door.unlink()
        except OSError:
            pass
        if self.path is not None:
            self.path.unlink(missing_ok=True)
            if self.path.parent != data.run:  # the private folder made for a deep data folder's socket
                try:
                    self.path.parent.rmdir()
                except OSError:
                    pass

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not same_user(conn):
                log.warning("refused a command from another user")
                conn.close()
                continue
            with self._lock:
                busy = len(self._conns) >= MAX_COMMANDS
                if not busy:
                    self._conns.add(conn)
            if busy:  # answered on a short-lived thread: the accept loop never waits on a command
                threading.Thread(target=_refuse_busy, args=(conn,), name="earmark-door-busy", daemon=True).start()
                continue
            threading.Thread(target=self._serve, args=(conn,), name="earmark-door-command", daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        reply = Reply(conn)
        try:
            line = request_line(conn)
            conn.settimeout(SEND_SECONDS)
            try:
                request = check_request(json.loads(line)) if len(line) <= MAX_REQUEST_BYTES else None
            except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: JSON nested too deep
                reply.send(say=f"the running Earmark refused the command: {exc}", exit=2)
                return
            if request is None:
                reply.send(say="the running Earmark refused the command: too long", exit=2)
                return
            code = self._transcribe(request, reply) if request["op"] == "transcribe" else self._status(reply)
            reply.send(exit=code)
        except Gone:
            log.info("a command left; its files stay with this Earmark")
        except Exception as exc:  # the log has the traceback; the command a sentence
            log.exception("serving a command failed")
            try:
                reply.send(say=f"the running Earmark could not do it: {exc}", exit=1)
            except Gone:
                pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            conn.close()

    def _status(self, reply: Reply) -> int:
        from app.jobs.overview import status_lines
        from app.runtime.supervisor import FILES_ROLE, WORKER_ROLES

        stack = self.desk.stack
        expected = None  # helpers may answer too: they are given the whole second
        if stack is not None and stack.supervisor is not None and not stack.sharing:
            expected = sum(role in (*WORKER_ROLES, FILES_ROLE) for role in stack.supervisor.roles)
        reply.send(out=status_lines(self.desk.data.root, self.desk.store, stack.celery if stack else None,
                                    expected))
        return 0

    def _transcribe(self, request: dict, reply: Reply) -> int:
        desk, asked = self.desk, request["asked"]
        try:
            options = follow.command_options(desk, asked)
        except OptionsProblem as exc:
            reply.send(problem={"key": exc.key, "text": str(exc)})
            return 2
        for note in follow.notes_on(desk, options, asked.get("translate")):
            reply.send(say=note)
        names = ExportNames()

        def downloading(url: str, done: int, total: int) -> None:
            try:
                reply.send(rows=[follow.download_row(url, done, total)])
            except Gone:  # the command left: its link downloads on, as its files go on (raised in
                pass  # yt-dlp's hook, it failed the download)

        added = follow.take(desk, request["files"], options, force=request.get("force", False), source=COMMAND_LINE,
                            on_download=downloading)
        for notice in follow.worth_saying(added.notices):
            reply.send(say=notice.text)
        items = [follow.Item(intake, names.stem_for(intake.path)) for intake in added.jobs]
        if not items:
            return 1
        wanted = follow.Wanted(request["format"], request["out"], summary=bool(asked.get("summary")),
                               translate=bool(asked.get("translate")), wait_index=request.get("wait_index", False))
        following = follow.Follow(desk, items, wanted, stays=lambda: True)
        shown = None
        while True:
            rows, pending = following.rows()
            if rows != shown:
                reply.send(rows=rows)
                shown = rows
            if not pending:
                break
            if reply.gone() or self._stop.is_set():
                raise Gone()
            desk.wait_for_change(0.5)
        lines, code = following.report()
        for line in lines:
            reply.send(say=line)
        return max(code, 1 if added.refused else 0)
