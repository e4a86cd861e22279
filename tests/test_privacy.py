"""Private by default: another local user can read nothing Earmark writes, whatever the
umask, and names another user made first in /tmp change nothing. Real processes; the
other user is created here (CI runs as root) and everything is tried as that user."""

import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.stack
OTHER = "earmark-other"


@pytest.fixture(scope="module")
def other_user():
    if os.getuid() != 0:
        pytest.skip("needs root to create a second user")
    try:
        pwd.getpwnam(OTHER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OTHER],
                       check=True)
    entry = pwd.getpwnam(OTHER)
    return entry.pw_uid, entry.pw_gid


def as_other(user, *argv):
    uid, gid = user
    return subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *argv],
                          capture_output=True, text=True)


def test_another_user_reads_nothing_and_tmp_names_change_nothing(other_user, corpus):
    parent = Path(tempfile.mkdtemp(prefix="em-priv-"))
    os.chmod(parent, 0o755)  # the folder above is open: only Earmark's own modes protect
    traps = [Path(tempfile.gettempdir()) / f"earmark-scratch-{os.getuid()}"]  # the old predictable names
    try:
        for trap in traps:
            shutil.rmtree(trap, ignore_errors=True)
            as_other(other_user, "mkdir", "-m", "0777", str(trap))
        data = parent / "data"
        data.mkdir()
        # long files go in chunks: decoded audio is kept in scratch while the job runs
        (data / "settings.json").write_text('{"chunk_from_minutes": 1, "chunk_minutes": 0.5}')
        os.chmod(data, 0o755)  # as an older version left it
        out = parent / "out"
        done = subprocess.run(
            ["sh", "-c", 'umask 022; exec "$@"', "sh", sys.executable, "-m", "app", "--data-dir", str(data),
             "transcribe", str(corpus / "meeting1_product_sync.mp3"), str(corpus / "jfk.flac"), "--out", str(out)],
            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        assert done.returncode == 0, done.stderr

        for folder, dirs, files in os.walk(data):
            assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
            for name in files:
                mode = stat.S_IMODE(os.lstat(Path(folder) / name).st_mode)
                assert not mode & 0o077, f"{folder}/{name} is {oct(mode)}"
        for name in os.listdir(out):
            assert not os.stat(out / name).st_mode & 0o077, name

        assert as_other(other_user, "ls", str(data)).returncode != 0
        for target in ("earmark.db", "earmark.db-wal", "logs/app.log", "logs/transcribe.log", "run/broker.json"):
            assert as_other(other_user, "cat", str(data / target)).returncode != 0, target
        read = as_other(other_user, sys.executable, "-c",
                        f"import sqlite3; sqlite3.connect('file:{data}/earmark.db?mode=ro', uri=True)"
                        ".execute('select text from transcripts').fetchall()")
        assert read.returncode != 0

        logs = " ".join(p.read_text(errors="replace") for p in (data / "logs").glob("*.log")).lower()
        assert "ask not what your country" not in logs  # what was said never goes to a log
        assert not list((data / "scratch").iterdir())  # the decoded audio went with its job
        for trap in traps:
            assert not list(trap.iterdir()), f"Earmark wrote into {trap}, made by another user"
    finally:
        shutil.rmtree(parent, ignore_errors=True)
        for trap in traps:
            shutil.rmtree(trap, ignore_errors=True)


def test_a_deep_data_folder_never_uses_a_socket_folder_another_user_made(other_user, tmp_path, monkeypatch):
    from app.paths import DataDir

    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)

    deep = DataDir.resolve(tmp_path.joinpath(*["a-rather-long-folder-name"] * 6))
    first, second = deep.socket_path(), deep.socket_path()
    for path in (first, second):
        st = os.lstat(path.parent)
        assert st.st_uid == os.getuid() and not st.st_mode & 0o077 and len(str(path)) <= 100
    assert first.parent != second.parent  # fresh random names: nothing to pre-create
    shutil.rmtree(first.parent)
    shutil.rmtree(second.parent)
