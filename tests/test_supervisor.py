"""The supervisor's own duties: stale children of a crashed run, restart backoff."""

import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import psutil
import pytest

from app.paths import DataDir
from app.runtime.processes import write_pidfile
from app.runtime.supervisor import Child, Supervisor
from tests.helpers import live_processes, wait_until

pytestmark = pytest.mark.stack


def test_stale_children_of_a_crashed_run_are_killed_but_strangers_are_not(data_dir):
    data = DataDir.resolve(data_dir).ensure()
    # what a crashed run could leave: a worker of this data folder, still running
    stale = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()", "worker",
                              "--data-dir", str(data.root)], stdin=subprocess.PIPE)
    write_pidfile(data.pidfile("transcribe"), stale.pid)
    # a pidfile whose pid now belongs to another program (here: this test)
    write_pidfile(data.pidfile("nlp"), psutil.Process().pid)
    sup = Supervisor(data, roles=())
    sup.start()
    try:
        stale.wait(timeout=10)  # it waits on its stdin forever: ending means it was killed
        assert not live_processes([stale.pid])
        assert psutil.Process().is_running()
        assert not data.pidfile("transcribe").exists() and not data.pidfile("nlp").exists()
    finally:
        sup.stop()


def test_a_crashing_child_is_restarted_with_growing_backoff(data_dir):
    delays, exits = [], threading.Semaphore(0)

    def on_event(name, state, info):
        if name == "crasher" and state == "exited":
            delays.append(info["restart_in"])
            exits.release()

    data = DataDir.resolve(data_dir)
    sup = Supervisor(data, roles=(), on_child_event=on_event)
    sup.start()
    try:
        sup._spawn(Child("crasher", [sys.executable, "-c", "raise SystemExit(3)"], {}, str(data.logs / "c.log"),
                         str(data.pidfile("crasher")), pdeathsig=signal.SIGKILL))
        for _ in range(3):
            assert exits.acquire(timeout=30)
        assert delays[:3] == [0.5, 1.0, 2.0]
        child = sup.children["crasher"]
        assert child.restarts >= 2 and child.last_exit == 3
    finally:
        sup.stop()
    assert not live_processes([child.pid])


def test_a_killed_broker_is_restarted_and_keeps_its_data(data_dir):
    sup = Supervisor(DataDir.resolve(data_dir), roles=())
    sup.start()
    try:
        sup.broker.client().set("survives", "yes")
        sup.broker.client().execute_command("BGREWRITEAOF")  # the AOF holds it (fsync is every second)
        wait_until(lambda: sup.broker.client().info("persistence")["aof_rewrite_in_progress"] == 0)
        old = sup.children["broker"].pid
        psutil.Process(old).send_signal(signal.SIGKILL)
        wait_until(lambda: sup.children["broker"].pid != old and sup.broker.ping(), 30,
                   message="broker restarted")
        assert sup.broker.client().get("survives") == b"yes"
    finally:
        sup.stop()


def test_a_child_that_died_says_its_exit_before_the_watch_has_seen_it(data_dir):
    """The queue panel logs a crash when it first sees the process gone: its exit must be
    known then, not only once the watch (every 0.2 s) has noticed. Here no watch runs (the
    supervisor is not started), so only the status itself can have seen the exit."""
    data = DataDir.resolve(data_dir).ensure()
    sup = Supervisor(data, roles=())
    try:
        sup._spawn(Child("short", [sys.executable, "-c", "raise SystemExit(3)"], {}, str(data.logs / "s.log"),
                         str(data.pidfile("short")), pdeathsig=signal.SIGKILL))
        pid = sup.children["short"].pid
        wait_until(lambda: psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, 30, message="the child to exit")
        [status] = sup.status()
        assert status["alive"] is False and status["last_exit"] == 3, status
        assert sup.children["short"].restart_at is None  # nobody else had looked at it
    finally:
        sup.stop()


def test_a_worker_started_by_hand_keeps_its_temp_files_private_and_takes_them_when_it_goes(data_dir, tmp_path):
    """A helper's worker (``earmark worker --broker/--join``, no supervisor above it) gets a
    private TMPDIR for its pool's ``pymp-*`` folders: gone when it stops, and a killed
    one's at the next start of such a worker."""
    data = DataDir.resolve(data_dir)
    sup = Supervisor(data, roles=())  # only the broker: the worker below is the helper
    address = sup.start()

    def worker(name: str) -> tuple[subprocess.Popen, Path]:
        proc = subprocess.Popen([sys.executable, "-m", "app", "worker", "--broker", address.url, "--queues", "index",
                                 "--data-dir", str(tmp_path / name), "--hostname", f"{name}@elsewhere"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        temp = wait_until(lambda: _pool_temp(proc.pid), 120, interval=0.2, message="the worker's pool to start")
        return proc, temp

    try:
        stopped, temp = worker("one")
        assert temp.stat().st_mode & 0o777 == 0o700
        stopped.send_signal(signal.SIGTERM)  # Celery's warm shutdown
        assert stopped.wait(timeout=60) == 0
        assert not temp.exists()

        killed, temp = worker("two")
        killed.kill()
        killed.wait(timeout=30)
        wait_until(lambda: not psutil.pid_exists(killed.pid), 30, message="the killed worker's pool to go")
        assert temp.exists()
        other, _ = worker("three")  # the next one clears what the killed one left
        try:
            assert not temp.exists()
        finally:
            other.terminate()
            other.wait(timeout=60)
    finally:
        sup.stop()


def _pool_temp(pid: int) -> Path | None:
    """The private TMPDIR of worker *pid*, once its pool has made a folder there."""
    from app.cli.main import OWN_TEMP_PREFIX

    for folder in Path(tempfile.gettempdir()).glob(f"{OWN_TEMP_PREFIX}{pid}-*"):
        if any(folder.glob("pymp-*")):
            return folder
    return None
