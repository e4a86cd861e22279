"""Where an instance keeps its things: one data folder holds them all."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ENV_DATA_DIR = "EARMARK_DATA_DIR"
# sun_path is 108 bytes on Linux, 104 on macOS; keep a margin.
MAX_SOCKET_PATH = 100


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("earmark", appauthor=False))


@dataclass(frozen=True)
class DataDir:
    root: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike | None = None) -> "DataDir":
        """``--data-dir`` first, then ``$EARMARK_DATA_DIR``, then the platform's folder."""
        raw = explicit or os.environ.get(ENV_DATA_DIR)
        root = Path(raw).expanduser() if raw else default_data_dir()
        return cls(root.resolve())

    def ensure(self) -> "DataDir":
        for folder in (self.root, self.logs):
            folder.mkdir(parents=True, exist_ok=True)
        for private in (self.broker, self.run):
            private.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(private, 0o700)
        return self

    @property
    def database(self) -> Path:
        return self.root / "earmark.db"

    @property
    def settings(self) -> Path:
        return self.root / "settings.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def broker(self) -> Path:
        return self.root / "broker"

    @property
    def run(self) -> Path:
        """Pidfiles, the lock and the broker's address: 0700, this user only."""
        return self.root / "run"

    @property
    def socket_path(self) -> Path:
        """The broker's unix socket, short enough for sun_path."""
        path = self.run / "broker.sock"
        if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
            return path
        # A deep data folder: fall back to a private folder under the temp dir,
        # named after the data folder so two instances never share it.
        tag = hashlib.sha256(os.fsencode(self.root)).hexdigest()[:12]
        uid = os.getuid() if hasattr(os, "getuid") else 0
        short = Path(tempfile.gettempdir()) / f"earmark-{uid}-{tag}"
        short.mkdir(mode=0o700, exist_ok=True)
        os.chmod(short, 0o700)
        return short / "broker.sock"

    def log_file(self, role: str) -> Path:
        return self.logs / f"{role}.log"

    def pidfile(self, role: str) -> Path:
        return self.run / f"{role}.pid"


def self_command() -> list[str]:
    """How to start this program again for a child role, frozen or not."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "app"]
