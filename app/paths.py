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


def chosen_data_dir_file() -> Path:
    """Where the data folder chosen in the settings is kept (it cannot live inside itself)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("earmark", appauthor=False)) / "data-folder"


def chosen_data_dir() -> str:
    try:
        return chosen_data_dir_file().read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def choose_data_dir(folder: str) -> None:
    target = chosen_data_dir_file()
    if not folder:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(folder, encoding="utf-8")


@dataclass(frozen=True)
class DataDir:
    root: Path

    @classmethod
    def resolve(cls, explicit: str | os.PathLike | None = None) -> "DataDir":
        """``--data-dir`` first, then ``$EARMARK_DATA_DIR``, then the folder chosen in the
        settings, then the platform's folder."""
        raw = explicit or os.environ.get(ENV_DATA_DIR) or chosen_data_dir()
        root = Path(raw).expanduser() if raw else default_data_dir()
        return cls(root.resolve())

    def ensure(self) -> "DataDir":
        """Create the folder and make everything in it private (0700 folders, 0600 files),
        whatever the umask was and whatever an older version left readable."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        for folder in (self.root, self.logs, self.broker, self.run, self.scratch):
            folder.mkdir(mode=0o700, exist_ok=True)
            os.chmod(folder, 0o700)
            for item in folder.iterdir():
                try:
                    if item.is_file() and not item.is_symlink() and item.stat().st_mode & 0o077:
                        os.chmod(item, 0o600)
                except OSError:
                    continue  # gone meanwhile
        return self

    def _under(name: str, doc: str = ""):
        return property(lambda self: self.root / name, doc=doc)

    database = _under("earmark.db", "The job store (SQLite, WAL).")
    settings = _under("settings.json")
    logs = _under("logs", "One log file per child process.")
    broker = _under("broker", "The broker's config and append-only file.")
    run = _under("run", "Pidfiles, the lock and the broker's address: 0700, this user only.")
    scratch = _under("scratch", "Decoded audio of long files for the chunk tasks on this machine.")
    door = _under("run/door", "Where the running stack's command door listens (``app.jobs.door``): "
                              "the socket's path, written while it serves.")
    del _under

    def socket_path(self, name: str = "broker.sock") -> Path:
        """The broker's unix socket (or another of *name*), short enough for sun_path. A
        deep data folder gets a folder of its own in the user's runtime folder, or else a
        fresh one with a random name in the temp folder: never a name another user could
        have made first."""
        path = self.run / name
        if len(os.fsencode(path)) <= MAX_SOCKET_PATH:
            return path
        tag = hashlib.sha256(os.fsencode(self.root)).hexdigest()[:12]
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        if runtime and private_dir(Path(runtime)):
            short = Path(runtime) / f"earmark-{tag}"
            try:
                short.mkdir(mode=0o700)
            except FileExistsError:
                pass
            if private_dir(short) and len(os.fsencode(short / name)) <= MAX_SOCKET_PATH:
                return short / name
        return Path(tempfile.mkdtemp(prefix=f"earmark-{tag}-")) / name

    def log_file(self, role: str) -> Path:
        return self.logs / f"{role}.log"

    def pidfile(self, role: str) -> Path:
        return self.run / f"{role}.pid"


def private_dir(path: Path) -> bool:
    """A real folder (not a link) of this user's that no one else may enter."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    import stat

    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o077


def self_command() -> list[str]:
    """How to start this program again for a child role, frozen or not."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "app"]
