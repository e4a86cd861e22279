"""The thin command (issue 32): with Earmark running, ``earmark transcribe`` and ``earmark
status`` go through the running Earmark's command door (``app.jobs.door``) and load none
of Celery, kombu, redis, NumPy, the engines or Qt. Real ``earmark serve`` (the shared
stack), real workers, real tiny.en."""

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.paths import DataDir
from app.store import jobstore as js
from app.store.jobstore import JobStore
from tests.helpers import fresh_copy, reference, wait_until, wer

pytestmark = pytest.mark.stack

THIN = r"""
import sys
from app.cli.main import main
folder, path, out = sys.argv[1:4]
code = main(['--data-dir', folder, 'transcribe', path, '--out', out])
print('TRANSCRIBE', code, flush=True)
code = main(['--data-dir', folder, 'status'])
print('STATUS', code, flush=True)
bad = sorted(m for m in sys.modules if m.split('.')[0] in (
    'celery', 'kombu', 'redis', 'billiard', 'numpy', 'faster_whisper', 'ctranslate2', 'onnxruntime', 'av',
    'llama_cpp', 'PySide6', 'shiboken6') or m in ('app.jobs.desk', 'app.jobs.service', 'app.runtime.supervisor'))
print('LOADED', bad)
"""


def door_of(folder: Path) -> Path:
    return Path(DataDir.resolve(folder).door.read_text(encoding="utf-8"))


def ask(folder: Path, request, raw: bytes | None = None) -> list[dict]:
    """Send one request to the door as a command would; every message of the answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(120)
        sock.connect(str(door_of(folder)))
        sock.sendall(raw if raw is not None else json.dumps(request).encode() + b"\n")
        with sock.makefile("rb") as answers:
            return [json.loads(line) for line in answers]


def test_transcribe_and_status_go_through_the_running_earmark_without_the_queue_or_engines(
        shared_stack, corpus, tmp_path):
    recording = fresh_copy(corpus / "jfk.flac", tmp_path / "in")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", THIN, str(shared_stack), str(recording), str(out)],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert "TRANSCRIBE 0" in done.stdout and "STATUS 0" in done.stdout, done.stdout + done.stderr
    assert "LOADED []" in done.stdout, done.stdout
    assert wer(reference("jfk"), (out / "jfk.txt").read_text()) <= 0.05
    # status, answered by the running Earmark: its workers and queues, and this job
    assert "Workers:" in done.stdout and "transcribe@" in done.stdout and "Queues" in done.stdout, done.stdout
    assert "jfk.flac  (from command line)" in done.stdout
    store = JobStore(shared_stack / "earmark.db")
    try:
        [job] = [j for j in store.jobs(limit=500) if j["path"] == str(recording)]
        assert job["source"] == "command line"
        # the command did not wait for the index: the running Earmark indexes it after
        wait_until(lambda: store.job(job["id"])["state"] == js.DONE, 120, message="indexed by the running Earmark")
    finally:
        store.close()
    # only this user may reach the door
    door = door_of(shared_stack)
    assert stat.S_IMODE(door.stat().st_mode) == 0o600 and stat.S_IMODE(door.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(DataDir.resolve(shared_stack).door.stat().st_mode) == 0o600


def test_the_door_takes_only_what_the_command_line_may_do(shared_stack, corpus, tmp_path):
    recording = fresh_copy(corpus / "jfk.flac", tmp_path / "in")
    good = {"op": "transcribe", "files": [str(recording)], "asked": {}, "format": "txt", "out": str(tmp_path),
            "force": False, "wait_index": False}
    refused = [
        {"op": "serve"},  # not a command's to ask
        {"op": "act", "action": "remove", "job_id": "x"},
        {**good, "asked": {"hotwords": "anything"}},  # an option the command line does not give
        {**good, "asked": {"beam_size": "5"}},  # nor in that form
        {**good, "out": "relative/folder"},
        {**good, "format": "exe"},
        {**good, "files": []},
        {**good, "force": "yes"},
        {**good, "files": ["in/jfk.flac"]},  # relative: whose folder would it be in?
    ]
    for request in refused:
        answer = ask(shared_stack, request)
        assert answer[-1]["exit"] == 2 and "refused the command" in answer[-1]["say"], (request, answer)
    for raw in (b"not json\n", b"[" * 100_000 + b"\n"):  # the second nested past Python's recursion limit
        answer = ask(shared_stack, None, raw=raw)
        assert answer[-1]["exit"] == 2 and "refused the command" in answer[-1]["say"], answer
    # a value the command line gives but the setting's check refuses: said with its flag, nothing queued
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(shared_stack), "transcribe",
                           str(recording), "--beam-size", "99", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "earmark: --beam-size:" in done.stderr, done.stderr
    store = JobStore(shared_stack / "earmark.db")
    try:
        assert not [j for j in store.jobs(limit=500) if j["path"] == str(recording)]
    finally:
        store.close()


def test_a_slow_or_crowding_command_cannot_hold_the_door(shared_stack):
    """A command that trickles its request a byte at a time is closed once the request's
    whole time is up (not each byte's), and past MAX_COMMANDS at once a command gets a
    sentence instead of a thread of the running Earmark."""
    import threading
    import time

    from app.jobs.door import MAX_COMMANDS, REQUEST_SECONDS

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(door_of(shared_stack)))
        started, closed = time.monotonic(), threading.Event()

        def trickle():
            while not closed.wait(1.0):  # a byte a second, never a whole line
                try:
                    sock.sendall(b" ")
                except OSError:
                    return

        threading.Thread(target=trickle, daemon=True).start()
        sock.settimeout(REQUEST_SECONDS + 30)
        try:
            assert sock.recv(1) == b""  # the door closes it
        except ConnectionResetError:
            pass
        finally:
            closed.set()
        assert time.monotonic() - started < REQUEST_SECONDS + 10
    crowd = []
    try:
        for _ in range(MAX_COMMANDS):
            waiting = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            waiting.connect(str(door_of(shared_stack)))
            crowd.append(waiting)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as extra:
            extra.connect(str(door_of(shared_stack)))  # blocking: waits for room in the listen backlog
            extra.settimeout(60)
            extra.sendall(b'{"op": "status"}\n')
            with extra.makefile("rb") as answers:
                answer = [json.loads(line) for line in answers]
        assert answer == [{"say": f"the running Earmark is serving {MAX_COMMANDS} commands; try again", "exit": 1}]
    finally:
        for waiting in crowd:
            waiting.close()
    # The crowd gone, commands are served again: as soon as the door's threads have seen the
    # closed connections (they notice on their own, a moment after the close).
    wait_until(lambda: ask(shared_stack, {"op": "status"})[-1]["exit"] == 0, timeout=REQUEST_SECONDS,
               message="the door serves commands again once the crowd is gone")


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to run a client as another user")
def test_another_user_cannot_reach_the_door(shared_stack):
    probe = f"import socket; s = socket.socket(socket.AF_UNIX); s.connect({str(door_of(shared_stack))!r})"
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
                           probe], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "PermissionError" in done.stderr, done.stderr


def test_a_command_that_goes_leaves_its_file_with_the_running_earmark(shared_stack, corpus, tmp_path):
    """Ctrl-C (or a closed terminal) after the file was taken: the running Earmark goes on with it."""
    recording = fresh_copy(corpus / "jfk.flac", tmp_path / "in")
    request = {"op": "transcribe", "files": [str(recording)], "asked": {}, "format": "txt",
               "out": str(tmp_path / "out"), "force": False, "wait_index": False}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(120)
        sock.connect(str(door_of(shared_stack)))
        sock.sendall(json.dumps(request).encode() + b"\n")
        with sock.makefile("rb") as answers:
            first = json.loads(answers.readline())
    assert "rows" in first, first  # the file was taken: its row came
    store = JobStore(shared_stack / "earmark.db")
    try:
        [job] = wait_until(lambda: [j for j in store.jobs(limit=500) if j["path"] == str(recording)], 30,
                           message="the job")
        wait_until(lambda: store.job(job["id"])["state"] == js.DONE, 180, message="the job done without the command")
        assert wer(reference("jfk"), store.transcript(job["id"])["text"]) <= 0.05
    finally:
        store.close()
