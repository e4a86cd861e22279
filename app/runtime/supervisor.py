"""Starts, watches, restarts and stops Earmark's child processes.

The broker, one Celery worker per queue and beat run as children of the app:
foreground, each logging to its own file, restarted with backoff when they die,
stopped warm at exit and killed by the kernel if the app itself is killed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from app.errors import AppError
from app.paths import DataDir, private_dir, self_command
from app.runtime.broker import BrokerAddress, BrokerError, EmbeddedBroker, address_file
from app.runtime.processes import (
    die_with_parent,
    kill_stale,
    stall_seconds_default,
    write_pidfile,
)
from app.settings import Settings
from workers import config

log = logging.getLogger(__name__)

WORKER_ROLES = config.QUEUES  # one worker per queue
ALL_ROLES = (*WORKER_ROLES, "beat")
FILES_ROLE = config.FILES  # with helpers: the tasks that read the person's files
GATE_ROLE = "gate"  # with helpers: the TLS gate to the broker (app/runtime/gate.py)
ORPHAN_CHECK_SECONDS = 5.0
BACKOFF_FIRST_SECONDS = 0.5
BACKOFF_MAX_SECONDS = 30.0
STABLE_AFTER_SECONDS = 60.0  # a child that ran this long starts its backoff afresh
BROKER_READY_SECONDS = 15.0
# at stop: a worker that has not said it stopped consuming by then is stopped warm (an idle one answers in ms)
IDLE_ANSWER_SECONDS = 2.0
TEMP_PREFIX = "earmark-tmp-"  # the children's private TMPDIR (_children_temp)
TEMP_RECORD = "children-temp"  # in run/: where it is, for the next start after a kill


class AlreadyRunning(AppError):
    """Another Earmark process owns this data folder's stack."""


class StartError(AppError):
    """The stack could not start; the message says why and what to do."""


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict
    log_path: str
    pidfile: str
    pdeathsig: int
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    failures_in_row: int = 0
    restart_at: float | None = None
    last_exit: int | None = None
    queues: tuple = field(default_factory=tuple)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def thread_budgets(roles, cores: int | None = None) -> dict[str, int]:
    """CPU threads per worker role, from each queue's ``cpu_share`` in the stage table,
    so engines running at once never ask for more threads than there are cores. A role
    with a share takes it when the transcription worker runs beside it; transcription
    takes what is left; alone, a role has every core."""
    from workers import stages

    cores = cores or os.cpu_count() or 1
    budget = {role: cores for role in roles}
    rest = stages.TRANSCRIBE_Q.name
    for queue in stages.QUEUES:
        if queue.name not in roles or queue.cpu_share is None:
            continue
        if isinstance(queue.cpu_share, int):
            budget[queue.name] = queue.cpu_share
        elif rest in roles:
            budget[queue.name] = max(1, int(cores * queue.cpu_share))
            budget[rest] = max(1, budget[rest] - budget[queue.name])
    return budget


def worker_hostname(role: str) -> str:
    return f"{role}@{socket.gethostname()}"


def local_queues(settings) -> tuple[str, ...]:
    """The queues this machine's own workers take (the setting, in the queues' order)."""
    chosen = {q.strip() for q in str(settings["local_queues"]).split(",") if q.strip()}
    return tuple(q for q in WORKER_ROLES if q in chosen)


def shares_work(settings) -> bool:
    """Whether tasks may run on other machines: helpers are let in, or this machine
    leaves some queue to them. Then every recording's audio travels through the broker
    and the tasks that read the file itself run here (queue ``files``)."""
    return bool(str(settings["helpers_listen"]).strip()) or local_queues(settings) != WORKER_ROLES


def plan_roles(roles, settings) -> tuple[str, ...]:
    """The children to run: the asked roles less the queues left to helpers, plus the
    files worker and the gate when work is shared."""
    local = local_queues(settings)
    planned = [r for r in roles if r not in WORKER_ROLES or r in local]
    if shares_work(settings) and any(r in WORKER_ROLES for r in roles):
        planned.append(FILES_ROLE)
        if str(settings["helpers_listen"]).strip() and not settings["broker_url"]:
            planned.append(GATE_ROLE)  # last: it reads the broker's address, saved before the roles start
    return tuple(planned)


class Supervisor:
    """Owns one data folder's stack. ``start()`` then ``stop()``; thread-safe."""

    def __init__(self, data: DataDir, settings: Settings | None = None,
                 roles: tuple[str, ...] = ALL_ROLES,
                 on_child_event: Callable[[str, str, dict], None] | None = None):
        self.data = data.ensure()
        self.settings = settings or Settings(data.settings)
        self.roles = plan_roles(roles, self.settings)
        self.sharing = shares_work(self.settings)
        self.on_child_event = on_child_event or (lambda name, state, info: None)
        self.children: dict[str, Child] = {}
        self.notices: list[str] = []  # what a person should know about this start
        self.broker: EmbeddedBroker | None = None
        self.address: BrokerAddress | None = None
        self.celery = None
        self._lock_fd: int | None = None
        self._temp: Path | None = None  # the children's TMPDIR, see _children_temp
        self._stopping = threading.Event()
        self._mutex = threading.RLock()
        self._watcher: threading.Thread | None = None
        # PR_SET_PDEATHSIG fires when the *thread* that forked a child exits, so every
        # child is spawned from this one thread, which lives until stop() is done.
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="spawner")

    # --- start -----------------------------------------------------------------
    def start(self, before_workers: Callable[[object], None] | None = None) -> BrokerAddress:
        """Start the broker, then (after *before_workers(celery_app)*, e.g. reconciling
        the job store while no worker can take anything yet) the worker roles."""
        self._take_lock()
        try:
            self._clean_stale()
            self._children_temp()
            self._trust()
            external = self.settings["broker_url"]
            if external:
                self.address = BrokerAddress(url=external)
            else:
                self.broker = EmbeddedBroker(self.data, self.settings["broker_tcp_port"],
                                             gate_password=self._gate_password())
                self.address = self.broker.address
                self._spawn(self._broker_child())
                self._start_broker_or_repair()
            from workers.celery_app import client_app

            self.celery = client_app(self.address.url)
            if self.broker:
                # The only consumer of the broker: what a dead run took, it gets back now.
                # With helpers, only what this machine alone takes: a helper may still be
                # running its task, and the orphan check restores what no one holds.
                from app.runtime.queues import restore_unacked

                restore_unacked(self.celery, (FILES_ROLE,) if self.sharing else None)
            if before_workers:
                before_workers(self.celery)
            self.address.save(address_file(self.data))
            for role in self.roles:
                self._spawn(self._role_child(role))
        except BrokerError as exc:
            self.stop()
            raise StartError(str(exc)) from None
        except Exception:
            self.stop()
            raise
        self._watcher = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._watcher.start()
        if self.sharing and self.broker:
            threading.Thread(target=self._watch_orphans, name="orphans", daemon=True).start()
        return self.address

    @staticmethod
    def owner_gone(data: DataDir) -> bool:
        """Whether nobody holds the data folder's stack (its lock is free)."""
        path = data.run / "supervisor.lock"
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(fd)  # closing drops the probe's lock
        return True

    def _take_lock(self) -> None:
        path = self.data.run / "supervisor.lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(f"Earmark is already running on {self.data.root}") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._lock_fd = fd
        # an address left by a run that was killed is stale (another port, another password):
        # a process joining while this one starts must wait for the new one, not join the old
        address_file(self.data).unlink(missing_ok=True)

    def _clean_stale(self) -> None:
        """Children of a run that was killed before it could stop them (no PDEATHSIG
        on this platform, or a pidfile left behind): kill and forget them."""
        root = str(self.data.root)

        def ours(proc) -> bool:
            try:
                return root in " ".join(proc.cmdline()) or proc.cwd() == str(self.data.broker)
            except Exception:
                return False

        for pidfile in self.data.run.glob("*.pid"):
            kill_stale(pidfile, ours)
        _remove_children_temp(self.data)

    def _children_temp(self) -> None:
        """A private temp folder for the children, removed when they have stopped (and at the
        next start after a kill). Their process pools make ``pymp-*`` folders that a pool
        process killed at shutdown never removes: two in /tmp for every start before."""
        import tempfile

        self._temp = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))  # 0700; short, for socket paths
        record = self.data.run / TEMP_RECORD
        record.write_text(str(self._temp))
        record.chmod(0o600)

    def _broker_child(self) -> Child:
        return Child("broker", self.broker.command(), dict(os.environ),
                     str(self.data.logs / "broker.console.log"), str(self.data.pidfile("broker")),
                     pdeathsig=signal.SIGTERM)  # valkey flushes its AOF on SIGTERM

    def _trust(self) -> None:
        """Every task this process sends is signed, and every worker here runs only what
        was (``workers.trust``): the key is the gate's, made once in the data folder."""
        from app.remote.access import HelperAccess
        from workers import trust

        self.access = HelperAccess.of(self.data).ensure()
        trust.use_signing_key(self.access.key_path)

    def _gate_password(self) -> str | None:
        if not str(self.settings["helpers_listen"]).strip():
            return None
        from app.remote.access import HelperAccess

        return HelperAccess.of(self.data).ensure().gate_password

    def _role_child(self, role: str) -> Child:
        env = dict(os.environ, EARMARK_BROKER_URL=self.address.url,
                   EARMARK_DATA_DIR=str(self.data.root), PYTHONUNBUFFERED="1",
                   EARMARK_SCRATCH_DIR=str(self.data.scratch),
                   EARMARK_THREADS=str(thread_budgets(self.roles).get(role, 1)))
        from workers import trust

        env[trust.CERT_ENV] = str(self.access.cert_path)  # run only what the app signed
        if role == "beat":
            env[trust.KEY_ENV] = str(self.access.key_path)  # its hourly cleanup is sent signed
        env.pop(trust.HELPER_CERT_ENV, None)
        if self._temp is not None:
            env["TMPDIR"] = str(self._temp)
        common = ["--data-dir", str(self.data.root), "--parent-pid", str(os.getpid())]
        if role == "beat":
            argv = [*self_command(), "beat", *common]
            queues: tuple = ()
        elif role == GATE_ROLE:
            argv = [*self_command(), "gate", "--listen", str(self.settings["helpers_listen"]).strip(), *common]
            queues = ()
        else:
            argv = [*self_command(), "worker", "--queues", role, "--hostname", worker_hostname(role),
                    *common]
            queues = (role,)
        # A worker's pool processes get SIGKILL from Celery when it dies; the worker
        # itself must not linger on a long task once the app is gone, and its task
        # stays unacknowledged in the broker, restored at the next start.
        return Child(role, argv, env, str(self.data.logs / f"{role}.console.log"), str(self.data.pidfile(role)),
                     pdeathsig=signal.SIGKILL, queues=queues)

    def _spawn(self, child: Child) -> None:
        self._spawner.submit(self._spawn_here, child).result()

    def _spawn_here(self, child: Child) -> None:
        log_fh = open(child.log_path, "ab", buffering=0)
        try:
            child.proc = subprocess.Popen(
                child.argv, env=child.env, stdin=subprocess.DEVNULL, stdout=log_fh,
                stderr=subprocess.STDOUT, start_new_session=True,  # Ctrl-C reaches us, not them
                preexec_fn=die_with_parent(child.pdeathsig), close_fds=True)
        except OSError as exc:
            raise StartError(f"Could not start {child.name}: {exc}") from None
        finally:
            log_fh.close()
        child.started_at = time.monotonic()
        child.restart_at = None
        write_pidfile(self.data.pidfile(child.name), child.proc.pid)
        with self._mutex:
            self.children[child.name] = child
        log.info("started %s (pid %d)", child.name, child.proc.pid)
        self.on_child_event(child.name, "started", {"pid": child.proc.pid})

    def _start_broker_or_repair(self) -> None:
        """A damaged append-only file stops the broker at every start. Keep a copy, let the
        broker's own checker truncate it to its last good command and start again; if even
        that does not start, move it aside and start empty: the job store knows every job,
        and reconcile sends again what the broker no longer holds. Either way a notice says
        what was done."""
        try:
            self._wait_broker()
            return
        except StartError as exc:
            if not self.broker.aof_damaged(self.children["broker"].log_path):
                raise
            first = exc
        kept = self.broker.keep_aof_copy()
        log.warning("the broker's append-only file is damaged (%s); a copy is in %s", first, kept)
        if self.broker.repair_aof():
            try:
                self._spawn(self._broker_child())
                self._wait_broker()
                self.notices.append(f"The broker's queue file was damaged and has been repaired (a copy of the "
                                    f"damaged one is in {kept}). Nothing was lost.")
                return
            except StartError:
                pass
        self.broker.move_aof_aside()
        self._spawn(self._broker_child())
        self._wait_broker()
        self.notices.append(f"The broker's queue file was damaged beyond repair and was moved to {kept}; "
                            "Earmark started with an empty queue and queues again every job that was not finished.")

    def _wait_broker(self) -> None:
        deadline = time.monotonic() + BROKER_READY_SECONDS
        child = self.children["broker"]
        while time.monotonic() < deadline:
            if child.proc.poll() is not None:
                tail = _tail(child.log_path)
                raise StartError(f"The broker exited at start (code {child.proc.returncode}). "
                                 f"Its log says: {tail}")
            if self.broker.ping():
                return
            time.sleep(0.02)
        raise StartError(f"The broker did not answer within {BROKER_READY_SECONDS:.0f} s; "
                         f"see {child.log_path}")

    def wait_workers(self, timeout_seconds: float = 60.0, roles: tuple[str, ...] | None = None) -> bool:
        """Block until every worker answers a ping (never call on a GUI thread)."""
        wanted = {worker_hostname(r) for r in (roles or self.roles) if r in (*WORKER_ROLES, FILES_ROLE)}
        deadline = time.monotonic() + timeout_seconds
        while wanted and time.monotonic() < deadline:
            replies = self.celery.control.ping(destination=sorted(wanted), timeout=0.5)
            for reply in replies:
                wanted -= set(reply)
        return not wanted

    # --- watch -----------------------------------------------------------------
    def _watch(self) -> None:
        stopped_since: dict[str, float] = {}
        while not self._stopping.wait(0.2):
            with self._mutex:
                children = list(self.children.values())
            for child in children:
                if self._stopping.is_set():
                    return
                if child.restart_at is None and child.proc and child.proc.poll() is not None:
                    self._on_exit(child)
                elif child.restart_at is not None and time.monotonic() >= child.restart_at:
                    self._restart(child)
                elif child.queues:
                    self._kill_if_stopped(child, stopped_since)

    def _watch_orphans(self) -> None:
        """With helpers, a message is given back only when no live worker holds it (a
        helper that was killed or lost its network): never while its owner runs it. Its
        own thread: asking every worker takes up to two seconds."""
        from app.runtime.queues import restore_orphans

        suspects: dict[str, float] = {}
        while not self._stopping.wait(ORPHAN_CHECK_SECONDS):
            try:
                restore_orphans(self.celery, suspects, ORPHAN_CHECK_SECONDS)
            except Exception as exc:  # the broker restarting: look again next time
                log.info("orphan check skipped: %r", exc)

    def _kill_if_stopped(self, child: Child, stopped_since: dict[str, float]) -> None:
        """A worker whose own process is stopped (SIGSTOP) sends no heartbeat and takes
        nothing: after the stall time it is killed, and restarted like any dead child."""
        import psutil

        try:
            stopped = psutil.Process(child.proc.pid).status() == psutil.STATUS_STOPPED
        except psutil.Error:
            return
        if not stopped:
            stopped_since.pop(child.name, None)
            return
        since = stopped_since.setdefault(child.name, time.monotonic())
        if time.monotonic() - since >= stall_seconds_default():
            log.warning("%s (pid %d) has been stopped for %.0f s; killing it", child.name, child.proc.pid,
                        time.monotonic() - since)
            self.on_child_event(child.name, "stalled", {"pid": child.proc.pid})
            stopped_since.pop(child.name, None)
            child.proc.kill()

    def _on_exit(self, child: Child) -> None:
        child.last_exit = child.proc.returncode
        ran = time.monotonic() - child.started_at
        child.failures_in_row = 0 if ran > STABLE_AFTER_SECONDS else child.failures_in_row + 1
        delay = min(BACKOFF_MAX_SECONDS, BACKOFF_FIRST_SECONDS * 2 ** max(0, child.failures_in_row - 1))
        child.restart_at = time.monotonic() + delay
        log.warning("%s (pid %d) exited with %s after %.1f s; restarting in %.1f s",
                    child.name, child.proc.pid, child.last_exit, ran, delay)
        self.on_child_event(child.name, "exited", {"code": child.last_exit, "restart_in": delay})

    def _restart(self, child: Child) -> None:
        try:
            if child.name == "broker":
                child.argv = self.broker.command()
            elif self.broker and child.queues and not self.sharing:
                # This worker was its queues' only consumer: give back what it held, one
                # crash counted on each (a task that kills its worker every time ends).
                from app.runtime.queues import restore_unacked
                from workers.delivery import exit_words

                restore_unacked(self.celery, child.queues, crash_cause=exit_words(child.last_exit))
            child.restarts += 1
            self._spawn(child)
        except Exception as exc:  # the broker may be restarting too: try again later
            log.warning("restart of %s failed: %r", child.name, exc)
            child.failures_in_row += 1
            child.restart_at = time.monotonic() + BACKOFF_MAX_SECONDS / 4

    def restart_role(self, role: str) -> None:
        """Warm restart of one worker: it finishes its task, exits, and the watcher
        starts it again (its first restart is immediate)."""
        with self._mutex:
            child = self.children[role]
        if child.alive():
            child.failures_in_row = 0
            child.proc.send_signal(signal.SIGTERM)

    def close_gate(self) -> bool:
        """Helpers turned off while running: the gate goes now (its port closes and every
        helper connection with it) and is not started again. True if it was running."""
        with self._mutex:
            child = self.children.pop(GATE_ROLE, None)
            self.roles = tuple(r for r in self.roles if r != GATE_ROLE)
        if child is None:
            return False
        if child.alive():
            child.proc.kill()
            child.proc.wait(timeout=10)
        self.data.pidfile(child.name).unlink(missing_ok=True)
        log.info("helpers turned off: the gate is stopped")
        self.on_child_event(child.name, "stopped", {})
        return True

    # --- stop ------------------------------------------------------------------
    def stop(self, timeout_seconds: float | None = None) -> None:
        """Warm stop: workers finish (or give back) their task, then the broker flushes. A
        worker with nothing to finish or give back is stopped at once (``_stop_idle``)."""
        if timeout_seconds is None:
            timeout_seconds = self.settings["stop_timeout_seconds"]
        self._stopping.set()
        if self._watcher and self._watcher is not threading.current_thread():
            self._watcher.join(timeout=5)
        with self._mutex:
            children = dict(self.children)
        roles = [c for name, c in children.items() if name != "broker"]
        idle = self._stop_idle(roles)
        for child in roles:
            if child.alive() and child not in idle:
                child.proc.send_signal(signal.SIGTERM)  # Celery's warm shutdown
        _wait_all(roles, timeout_seconds)
        broker = children.get("broker")
        if broker and broker.alive():
            self.broker.shutdown()
            _wait_all([broker], 10.0)
        if self.broker:
            self.broker.remove_socket_folder()
        for child in children.values():
            self.data.pidfile(child.name).unlink(missing_ok=True)
            self.on_child_event(child.name, "stopped", {})
        address_file(self.data).unlink(missing_ok=True)
        (self.data.run / "gate.json").unlink(missing_ok=True)  # what the gate said is over with it
        if self._temp is not None:
            _remove_children_temp(self.data)
            self._temp = None
        if self.celery is not None:
            self.celery.close()
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None
        self._spawner.shutdown(wait=True)

    def _stop_idle(self, roles: list[Child]) -> list[Child]:
        """Stop at once the workers that will take nothing more and hold nothing; return them.

        Celery's warm shutdown of an idle prefork worker takes about two seconds, all of it in
        the pool's teardown (billiard's pool process sleeps a second before it exits, the
        shutdown timer thread half a second more): a command that started its own stack paid
        them after its last file. Each worker is first told to stop consuming, and answers
        once it has (a message its last poll of the broker still brings goes back to its
        queue). Then, if its queues have nothing waiting and nothing that this machine's
        workers took and have not acknowledged, it has nothing to finish or give back, and
        it is killed with its pool process. One that does not answer in time, or whose
        queues hold something, gets the warm shutdown as before. (A message sent in the
        millisecond between its last poll's reply and its giving the message back would be
        lost to the broker; the job store still has its stage, and the next start sends it
        again, as after any crash: ``JobService.reconcile``.) Only with the embedded broker,
        which this process can ask directly whether it still answers."""
        workers = [c for c in roles if c.queues and c.alive()]
        broker = self.children.get("broker")
        if self.broker is None or self.celery is None or not workers:
            return []
        if broker is None or not broker.alive() or not self.broker.ping():
            return []  # Celery's client would wait for it; the warm shutdown's timeout bounds the stop
        from app.runtime.queues import quiet

        try:
            stopped_taking = [c for c in workers if self._stop_taking(c)]
            calm = quiet(self.celery, {q for c in stopped_taking for q in c.queues})
        except Exception as exc:  # the broker restarting: the warm shutdown waits it out
            log.info("could not tell whether the workers are idle (%r); stopping them warm", exc)
            return []
        idle = [c for c in stopped_taking if set(c.queues) <= calm]
        for child in idle:
            _kill_at_once(child.proc.pid)
        if idle:
            log.info("stopped idle %s at once", ", ".join(c.name for c in idle))
        return idle

    def _stop_taking(self, child: Child) -> bool:
        """Tell a worker to stop consuming its queues; True once it says it has."""
        host = worker_hostname(child.name)
        for queue in child.queues:
            replies = self.celery.control.cancel_consumer(queue, destination=[host], reply=True, limit=1,
                                                          timeout=IDLE_ANSWER_SECONDS)
            if not any("ok" in (reply.get(host) or {}) for reply in replies or ()):
                return False
        return True

    def status(self) -> list[dict]:
        """Each child's process; one that has died says its exit at once, before the watch
        (every 0.2 s) has seen it (the queue panel logs a crash with its cause)."""
        with self._mutex:
            return [_status_of(c) for c in self.children.values()]


def _status_of(child: Child) -> dict:
    alive = child.alive()
    return {"name": child.name, "pid": child.pid, "alive": alive, "restarts": child.restarts,
            "last_exit": child.last_exit if alive or child.proc is None else child.proc.returncode,
            "started_at": child.started_at}


def _remove_children_temp(data: DataDir) -> None:
    """Remove the children's temp folder that *data*'s run file names: only a private
    folder of this user's that Earmark made (its name), whatever the file says."""
    record = data.run / TEMP_RECORD
    try:
        folder = Path(record.read_text().strip())
    except (OSError, ValueError):
        return
    if folder.name.startswith(TEMP_PREFIX) and private_dir(folder):
        shutil.rmtree(folder, ignore_errors=True)
    record.unlink(missing_ok=True)


def _wait_all(children: list[Child], timeout_seconds: float) -> None:
    deadline = time.monotonic() + timeout_seconds
    for child in children:
        if child.proc is None:
            continue
        try:
            child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in time; killing it", child.name)
            _kill_tree(child.proc.pid)
            child.proc.wait()


def _kill_at_once(pid: int) -> None:
    """SIGKILL a worker and its pool processes: stopped first, so it forks none after its
    children are listed; returns once none of them runs."""
    import psutil

    try:
        proc = psutil.Process(pid)
        proc.send_signal(signal.SIGSTOP)
    except psutil.NoSuchProcess:
        return
    _kill_tree(pid)


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and its descendants; returns once none of them runs (the process
    itself is reaped by its Popen, the others by whoever adopted them)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        family = [*proc.children(recursive=True), proc]
    except psutil.NoSuchProcess:
        return
    for p in family:
        try:
            p.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass
    deadline = time.monotonic() + 10
    for p in family:
        while time.monotonic() < deadline:
            try:
                if p.status() == psutil.STATUS_ZOMBIE:
                    break
            except psutil.NoSuchProcess:
                break
            time.sleep(0.005)


def _tail(path: str, lines: int = 3) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 4000))
            text = fh.read().decode("utf-8", "replace").strip().splitlines()
            return " / ".join(text[-lines:]) or "(nothing)"
    except OSError:
        return "(no log)"
