"""The gate: helpers on other machines reach the embedded broker through here.

A TLS server on the address chosen in the settings (the broker itself stays on its
private socket: the valkey-server Earmark ships is built without TLS). Each
connection is encrypted, then passed byte for byte to the broker, which checks the
helper's user and secret. The gate watches the broker's first answer on every
connection, so the app can say when a helper was refused (a wrong secret), and every
handshake a helper broke off (it no longer trusts this certificate).

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

from app.broker import BrokerAddress, address_file
from app.helpers import HelperAccess, parse_listen

log = logging.getLogger(__name__)

PIPE_BYTES = 256 * 1024
KEEP_REFUSALS = 20
HANDSHAKE_SECONDS = 10.0


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


class Gate:
    def __init__(self, data, listen: str):
        self.data = data
        self.host, self.port = parse_listen(listen)
        self.access = HelperAccess.of(data).ensure()
        self.tls = self.access.server_context()  # read once, not at every connection
        self.address = BrokerAddress.load(address_file(data))
        self.connected: dict[int, str] = {}
        self.tasks: set[asyncio.Task] = set()  # held, or the loop may drop them mid-connection
        self.refused: list[dict] = []
        self.served = 0

    def _write_status(self) -> None:
        state = {"listening": f"{self.host}:{self.port}", "pid": os.getpid(), "served": self.served,
                 "connected": sorted(set(self.connected.values())), "refused": self.refused[-KEEP_REFUSALS:],
                 "at": time.time()}
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

    async def _open_broker(self):
        if self.address is None:
            self.address = BrokerAddress.load(address_file(self.data))
        if self.address.socket_path:
            return await asyncio.open_unix_connection(self.address.socket_path)
        return await asyncio.open_connection(self.address.host, self.address.port)

    async def _pipe(self, reader, writer, first_reply=None) -> None:
        try:
            while True:
                block = await reader.read(PIPE_BYTES)
                if not block:
                    break
                if first_reply is not None:
                    first_reply(block)
                    first_reply = None
                writer.write(block)
                await writer.drain()
        except (ConnectionError, ssl.SSLError, OSError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    async def _serve(self, transport) -> None:
        """One connection: the TLS handshake (here, so a failed one is known and said),
        then the broker's socket, byte for byte both ways."""
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
        try:
            broker_reader, broker_writer = await self._open_broker()
        except OSError as exc:
            log.warning("the broker is not reachable for %s: %r", peer, exc)
            writer.close()
            return
        key = id(writer)
        self.connected[key] = peer
        self.served += 1
        self._write_status()

        def first_reply(block: bytes) -> None:
            if block.startswith((b"-WRONGPASS", b"-NOAUTH", b"-NOPERM")):
                self._refuse(peer, "wrong secret: the helper's join line is old or mistyped")

        try:
            await asyncio.gather(self._pipe(reader, broker_writer),
                                 self._pipe(broker_reader, writer, first_reply))
        finally:
            self.connected.pop(key, None)
            self._write_status()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _Accept(self), self.host, self.port, reuse_address=True)
        log.info("gate listening on %s:%d for helpers", self.host, self.port)
        self._write_status()
        async with server:
            await server.serve_forever()


class _Accept(asyncio.Protocol):
    """Holds a new connection still (nothing read) until the TLS layer takes it over:
    bytes read before the handshake would be lost to it."""

    def __init__(self, gate: Gate):
        self.gate = gate

    def connection_made(self, transport) -> None:
        transport.pause_reading()
        task = asyncio.ensure_future(self.gate._serve(transport))
        self.gate.tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self.gate.tasks.discard(task)
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
