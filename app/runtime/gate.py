"""The gate: helpers on other machines reach the embedded broker through here.

A TLS server on the address chosen in the settings (the broker itself stays on its
private socket: the valkey-server Earmark ships is built without TLS). A helper must
log in within LOGIN_SECONDS of its handshake with its own name and secret
(``broker/helpers/helpers.json``; removing one closes its connections within a second);
only then does the gate open a broker connection for it, as the gate's own restricted
broker user. From then on every command the helper sends is read and checked against
what it was given (``app/runtime/gate_policy.py``) before it reaches the broker, and every
reply is read to learn what it was given. Connections are bounded in number, values in
size. Refusals (a wrong secret, a certificate the helper no longer trusts, a command
it may not run) are recorded for the window and ``earmark serve`` to say.

It runs as one of the app's supervised children (``earmark gate``): turning helpers
off stops it, which closes the port.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import time
from pathlib import Path

from app.addresses import parse_listen
from app.remote.access import GATE_USER, HelperAccess
from app.runtime.broker import BrokerAddress, address_file
from app.runtime.gate_policy import VALUE_CAP_BYTES, HelperPolicy, Refused

log = logging.getLogger(__name__)

PIPE_BYTES = 256 * 1024
KEEP_REFUSALS = 20
HANDSHAKE_SECONDS = 10.0
LOGIN_SECONDS = 10.0  # from the end of the handshake to a good secret
MAX_CONNECTIONS = 256
MAX_PER_PEER = 64
MAX_ARRAY = 4096  # items in one command
REGISTRY_POLL_SECONDS = 1.0


class Incomplete(Exception):
    """More bytes are needed for a whole frame."""


class ProtocolError(Exception):
    """Not RESP, or larger than a helper may send."""


def parse_frame(buf, pos: int = 0, max_bulk: int | None = None):
    """One RESP2 value from *buf* at *pos*: (value, next position). Bulk strings are
    bytes, arrays lists, errors and simple strings ('-'/'+' + text). Raises Incomplete,
    or ProtocolError for what is not RESP2 or exceeds *max_bulk*."""
    end = buf.find(b"\r\n", pos)
    if end < 0:
        if len(buf) - pos > 64 * 1024:
            raise ProtocolError("a header line without an end")
        raise Incomplete
    kind, line = buf[pos:pos + 1], bytes(buf[pos + 1:end])
    nxt = end + 2
    if kind in (b"+", b"-"):
        return kind.decode() + line.decode("utf-8", "replace"), nxt
    if kind == b":":
        return int(line), nxt
    if kind == b"$":
        size = int(line)
        if size < 0:
            return None, nxt
        if max_bulk is not None and size > max_bulk:
            raise ProtocolError(f"a value of {size} bytes (at most {max_bulk})")
        if len(buf) < nxt + size + 2:
            raise Incomplete
        return bytes(buf[nxt:nxt + size]), nxt + size + 2
    if kind == b"*":
        count = int(line)
        if count < 0:
            return None, nxt
        if max_bulk is not None and count > MAX_ARRAY:
            raise ProtocolError(f"a command of {count} parts")
        items = []
        for _ in range(count):
            item, nxt = parse_frame(buf, nxt, max_bulk)
            items.append(item)
        return items, nxt
    raise ProtocolError(f"not RESP2 ({kind!r})")


def encode_error(text: str) -> bytes:
    return b"-" + text.replace("\r", " ").replace("\n", " ").encode() + b"\r\n"


def status_file(data) -> Path:
    return data.run / "gate.json"


def read_status(data) -> dict:
    """What the gate last wrote: where it listens, who is connected, who was refused."""
    try:
        return json.loads(status_file(data).read_text())
    except (OSError, ValueError):
        return {}


def refusals_since(data, since: float) -> list[dict]:
    """The helpers refused after *since* (a time.time()), oldest first: what the window's
    status bar and ``earmark serve`` say."""
    return [r for r in read_status(data).get("refused") or () if r["at"] > since]


class Session:
    """One helper connection after its handshake: the login, then every command checked
    and every reply read, in order."""

    def __init__(self, gate: "Gate", peer: str, reader, writer):
        self.gate, self.peer, self.reader, self.writer = gate, peer, reader, writer
        self.helper: str | None = None
        self.policy: HelperPolicy | None = None
        self.broker_reader = self.broker_writer = None
        self.pending: list[list] = []  # per command sent or answered here, in order: [kind, reply or None]
        self.in_multi = False
        self.subscribed = False
        self.closed = asyncio.Event()

    async def login(self) -> bool:
        """The first command must be AUTH with a helper's name and secret, within
        LOGIN_SECONDS; then the broker connection, as the gate's user."""
        buf = bytearray()
        deadline = asyncio.get_running_loop().time() + LOGIN_SECONDS
        try:
            for _ in range(3):
                while True:
                    try:
                        command, used = parse_frame(buf, 0, max_bulk=4096)
                        break
                    except Incomplete:
                        left = deadline - asyncio.get_running_loop().time()
                        block = await asyncio.wait_for(self.reader.read(4096), max(left, 0.001))
                        if not block:  # closed after the handshake: a helper fetching the certificate
                            return False
                        buf += block
                del buf[:used]
                words = [a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a) for a in command or []]
                if not words or words[0].upper() != "HELLO":
                    break
                # RESP3 is not spoken here: redis-py then logs in the RESP2 way (AUTH)
                self.writer.write(b"-NOPROTO this gate speaks RESP2\r\n")
                await self.writer.drain()
        except (asyncio.TimeoutError, ProtocolError, ValueError):
            self.gate._refuse(self.peer, "no login: a helper must give its join line's secret first")
            return False
        except (ConnectionError, ssl.SSLError, OSError):  # gone after the handshake (a certificate fetch)
            return False
        if len(words) != 3 or words[0].upper() != "AUTH":
            self.writer.write(b"-NOAUTH Authentication required.\r\n")
            self.gate._refuse(self.peer, "no login: a helper must give its join line's secret first")
            return False
        name, secret = words[1], words[2]
        if not self.gate.access.check(name, secret):
            self.writer.write(b"-WRONGPASS invalid username-password pair or user is disabled.\r\n")
            self.gate._refuse(self.peer, "wrong secret: the helper's join line is old, mistyped or removed")
            return False
        try:
            self.broker_reader, self.broker_writer = await self.gate._open_broker()
            self.broker_writer.write(_command(b"AUTH", GATE_USER.encode(), self.gate.password.encode()))
            reply = await asyncio.wait_for(self.broker_reader.readline(), 10)
        except (OSError, asyncio.TimeoutError) as exc:
            log.warning("the broker is not reachable for %s: %r", self.peer, exc)
            return False
        if not reply.startswith(b"+OK"):
            log.error("the broker refused the gate's own user: %r", reply[:80])
            return False
        self.helper, self.policy = name, self.gate.policy_for(name)
        self.writer.write(b"+OK\r\n")
        self.leftover = bytes(buf)
        return True

    async def from_helper(self) -> None:
        buf = bytearray(self.leftover)
        while True:
            while True:
                try:
                    command, used = parse_frame(buf, 0, max_bulk=VALUE_CAP_BYTES)
                except Incomplete:
                    break
                raw = bytes(buf[:used])
                del buf[:used]
                if not isinstance(command, list):
                    raise ProtocolError("an inline command")
                self._one(command, raw)
            await self.broker_writer.drain()
            await self.writer.drain()
            block = await self.reader.read(PIPE_BYTES)
            if not block:
                return
            buf += block

    def _one(self, command: list, raw: bytes) -> None:
        name = (command[0].decode("utf-8", "replace") if command and isinstance(command[0], bytes) else "").upper()
        try:
            self.policy.check(command, in_multi=self.in_multi)
        except Refused as exc:
            self.gate._denied(self.helper, self.peer, str(exc))
            if self.in_multi:  # a transaction with a refused command does not run at all
                self.broker_writer.write(_command(b"DISCARD"))
                self.pending.append(["DISCARD-SILENT", None])
                self.in_multi = False
                raise ProtocolError(f"refused in a transaction: {exc}") from None
            self._answer(encode_error(f"NOPERM {exc}"))
            return
        if name == "MULTI":
            self.in_multi = True
        elif name in ("EXEC", "DISCARD"):
            self.in_multi = False
        elif name in ("SUBSCRIBE", "PSUBSCRIBE"):
            self.subscribed = True
        self.broker_writer.write(raw)
        if not self.subscribed:
            self.pending.append([name, None])

    def _answer(self, reply: bytes) -> None:
        if self.subscribed or not self.pending:
            self.writer.write(reply)
        else:
            self.pending.append(["LOCAL", reply])

    async def from_broker(self) -> None:
        buf = bytearray()
        while True:
            block = await self.broker_reader.read(PIPE_BYTES)
            if not block:
                return
            buf += block
            while True:
                try:
                    reply, used = parse_frame(buf, 0)
                except Incomplete:
                    break
                raw = bytes(buf[:used])
                del buf[:used]
                self._reply(reply, raw)
            await self.writer.drain()

    def _reply(self, reply, raw: bytes) -> None:
        if self.subscribed and not self.pending:
            if isinstance(reply, list) and reply and reply[0] in (b"message", b"pmessage"):
                self.policy.told(reply[-1])
            self.writer.write(raw)
            return
        while self.pending and self.pending[0][0] == "LOCAL":
            self.writer.write(self.pending.pop(0)[1])
        if not self.pending:  # a push after SUBSCRIBE
            self.writer.write(raw)
            return
        kind, _ = self.pending.pop(0)
        if kind == "BRPOP" and isinstance(reply, list) and len(reply) == 2:
            self.policy.taken(reply[1])
        if kind != "DISCARD-SILENT":
            self.writer.write(raw)
        while self.pending and self.pending[0][0] == "LOCAL":
            self.writer.write(self.pending.pop(0)[1])

    def close(self) -> None:
        self.closed.set()
        for w in (self.writer, self.broker_writer):
            if w is not None:
                try:
                    w.close()
                except Exception:
                    pass


def _command(*parts: bytes) -> bytes:
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        out.append(b"$%d\r\n%s\r\n" % (len(part), part))
    return b"".join(out)


class Gate:
    def __init__(self, data, listen: str):
        self.data = data
        self.host, self.port = parse_listen(listen)
        self.access = HelperAccess.of(data).ensure()
        self.password = self.access.gate_password
        self.tls = self.access.server_context()  # read once, not at every connection
        self.address = BrokerAddress.load(address_file(data))
        self.sessions: dict[int, Session] = {}
        self.per_peer: dict[str, int] = {}
        self.policies: dict[str, HelperPolicy] = {}
        self.tasks: set[asyncio.Task] = set()  # held, or the loop may drop them mid-connection
        self.refused: list[dict] = []
        self.denied = 0
        self.served = 0

    def policy_for(self, name: str) -> HelperPolicy:
        if name not in self.policies:
            self.policies[name] = HelperPolicy(name)
        return self.policies[name]

    def _write_status(self) -> None:
        connected = sorted({s.peer for s in self.sessions.values() if s.helper})
        state = {"listening": f"{self.host}:{self.port}", "pid": os.getpid(), "served": self.served,
                 "connected": connected, "helpers": sorted({s.helper for s in self.sessions.values() if s.helper}),
                 "refused": self.refused[-KEEP_REFUSALS:], "denied": self.denied, "at": time.time()}
        path = status_file(self.data)
        tmp = path.with_name(f"gate.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(state, fh)
        os.replace(tmp, path)

    def _refuse(self, peer: str, why: str) -> None:
        log.warning("refused a helper at %s: %s", peer, why)
        self.refused.append({"at": time.time(), "peer": peer, "why": why})
        self._write_status()

    def _denied(self, helper: str, peer: str, why: str) -> None:
        """A command a helper may not run: said once per kind in the log, counted."""
        self.denied += 1
        log.warning("helper %s at %s: refused a command: %s", helper, peer, why)
        if self.denied <= 3 or self.denied % 100 == 0:
            self.refused.append({"at": time.time(), "peer": peer, "why": f"{helper}: {why}"})
            self._write_status()

    async def _open_broker(self):
        if self.address is None:
            self.address = BrokerAddress.load(address_file(self.data))
        if self.address.socket_path:
            return await asyncio.open_unix_connection(self.address.socket_path, limit=PIPE_BYTES)
        return await asyncio.open_connection(self.address.host, self.address.port, limit=PIPE_BYTES)

    async def _serve(self, transport) -> None:
        """One connection: the TLS handshake (here, so a failed one is known and said),
        the login, then the commands both ways, each checked."""
        loop = asyncio.get_running_loop()
        peer = (transport.get_extra_info("peername") or ("?",))[0]
        reader = asyncio.StreamReader(limit=PIPE_BYTES, loop=loop)
        protocol = _TLSStreamProtocol(reader, loop=loop)
        try:
            tls = await asyncio.wait_for(loop.start_tls(transport, protocol, self.tls,
                                                        server_side=True), HANDSHAKE_SECONDS)
        except (ssl.SSLError, ConnectionError, asyncio.TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc.__class__.__name__
            if reason in ("TLSV1_ALERT_UNKNOWN_CA", "SSLV3_ALERT_BAD_CERTIFICATE", "TLSV1_ALERT_DECRYPT_ERROR",
                          "SSLV3_ALERT_CERTIFICATE_UNKNOWN"):
                self._refuse(peer, "the helper does not trust this app's certificate (its join line is older "
                                   "than the certificate): give it the current line")
            elif reason in ("HTTP_REQUEST", "WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "RECORD_LAYER_FAILURE"):
                self._refuse(peer, "not TLS: only `earmark worker --join` may connect here")
            else:
                log.info("handshake with %s did not finish: %s", peer, reason)
            transport.abort()
            return
        writer = asyncio.StreamWriter(tls, protocol, reader, loop)
        session = Session(self, peer, reader, writer)
        key = id(session)
        self.sessions[key] = session
        try:
            if not await session.login():
                return
            self.served += 1
            self._write_status()
            pipes = [asyncio.ensure_future(session.from_helper()), asyncio.ensure_future(session.from_broker()),
                     asyncio.ensure_future(session.closed.wait())]
            done, rest = await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
            for task in rest:
                task.cancel()
            for task in done:
                if not task.cancelled() and isinstance(task.exception(), ProtocolError):
                    self._denied(session.helper, peer, f"connection closed: {task.exception()}")
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            session.close()
            self.sessions.pop(key, None)
            self._write_status()

    def admit(self, transport) -> bool:
        """Connections are bounded, in all and per address: more are closed at once."""
        peer = (transport.get_extra_info("peername") or ("?",))[0]
        if len(self.tasks) >= MAX_CONNECTIONS or self.per_peer.get(peer, 0) >= MAX_PER_PEER:
            log.warning("too many connections (%d, %d from %s): one refused", len(self.tasks),
                        self.per_peer.get(peer, 0), peer)
            return False
        self.per_peer[peer] = self.per_peer.get(peer, 0) + 1
        return True

    def release(self, transport) -> None:
        peer = (transport.get_extra_info("peername") or ("?",))[0]
        left = self.per_peer.get(peer, 1) - 1
        if left > 0:
            self.per_peer[peer] = left
        else:
            self.per_peer.pop(peer, None)

    async def _watch_registry(self) -> None:
        """A helper removed in the settings (its secret forgotten) loses its connections
        within a second, and its rights with them."""
        while True:
            await asyncio.sleep(REGISTRY_POLL_SECONDS)
            known = self.access.helpers()
            for session in list(self.sessions.values()):
                if session.helper and session.helper not in known:
                    log.warning("helper %s was removed: closing its connection from %s", session.helper,
                                session.peer)
                    session.close()
            for name in list(self.policies):
                if name not in known:
                    del self.policies[name]

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Accept(self), self.host, self.port, reuse_address=True)
        log.info("gate listening on %s:%d for helpers", self.host, self.port)
        self._write_status()
        watcher = asyncio.ensure_future(self._watch_registry())
        try:
            async with server:
                await server.serve_forever()
        finally:
            watcher.cancel()


class _Accept(asyncio.Protocol):
    """Holds a new connection still (nothing read) until the TLS layer takes it over:
    bytes read before the handshake would be lost to it."""

    def __init__(self, gate: Gate):
        self.gate = gate

    def connection_made(self, transport) -> None:
        if not self.gate.admit(transport):
            transport.abort()
            return
        transport.pause_reading()
        task = asyncio.ensure_future(self.gate._serve(transport))
        self.gate.tasks.add(task)
        task.add_done_callback(lambda t, tr=transport: self._done(t, tr))

    def _done(self, task: asyncio.Task, transport) -> None:
        self.gate.tasks.discard(task)
        self.gate.release(transport)
        if not task.cancelled() and task.exception() is not None:
            log.warning("a helper connection ended with %r", task.exception())


class _TLSStreamProtocol(asyncio.StreamReaderProtocol):
    def eof_received(self) -> bool:
        super().eof_received()
        return False  # no half-closed TLS: the pipe ends when either side does


def run(data, listen: str) -> int:
    try:
        gate = Gate(data, listen)
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    try:
        asyncio.run(gate.run())
    except OSError as exc:  # the port is taken, the address is not this machine's
        log.error("the gate cannot listen on %s: %s", listen, exc.strerror or exc)
        status_file(data).write_text(json.dumps({"error": f"Cannot listen on {listen}: {exc.strerror or exc}"}))
        return 1
    return 0
