"""The composition root: one data folder's stack (broker, workers, the job service and
the event monitor) started here, or joined when another Earmark process (the window,
``earmark serve``) already runs it. The window and every command-line role build it
the same way."""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from app.jobs.service import JobService
from app.paths import DataDir
from app.runtime.broker import BrokerAddress, address_file
from app.runtime.monitor import EventMonitor
from app.runtime.supervisor import (
    ALL_ROLES,
    AlreadyRunning,
    StartError,
    Supervisor,
    shares_work,
)
from app.settings import Settings
from app.store.jobstore import JobStore

log = logging.getLogger(__name__)
POLL_BACKEND_SECONDS = 2.0
STARTING_OR_STOPPING_SECONDS = 30.0  # how long a process waits to join a stack whose owner starts or stops


class Stack:
    """The embedded stack of a data folder: started here, or joined when another
    Earmark process (the window, ``earmark serve``) already runs it."""

    def __init__(self, data: DataDir, settings: Settings, roles=ALL_ROLES, *, store: JobStore | None = None,
                 on_event: Callable[[dict], None] | None = None,
                 on_summary_text: Callable[[str, str], None] | None = None):
        """*store*: the process's job store (one connection per process; opened here if
        not given, and then closed here). *on_event*: every Celery event, after a task's
        has been applied to the store. *on_summary_text*: (job id, text) as a summary is
        generated."""
        self.data, self.settings, self.roles = data, settings, roles
        self.sharing = shares_work(settings)  # as it was when built: new settings take a new stack
        self._own_store = store is None
        self.store = store if store is not None else JobStore(data.database)
        self.on_event = on_event or (lambda event: None)
        self.on_summary_text = on_summary_text
        self.supervisor: Supervisor | None = None
        self.celery = None
        self.service: JobService | None = None
        self.monitor: EventMonitor | None = None
        self._joined_address: BrokerAddress | None = None
        self.notices: list[str] = []  # what a person should know about this start

    @property
    def address(self) -> BrokerAddress | None:
        """The broker's address, password included (for outside tools)."""
        return self.supervisor.address if self.supervisor else self._joined_address

    @property
    def queues(self) -> tuple[str, ...]:
        """The queues this stack's work goes through (``files`` too when helpers share it)."""
        from workers import config

        return config.ALL_QUEUES if self.sharing else config.QUEUES

    @property
    def owner(self) -> bool:
        return self.supervisor is not None

    def open(self, wait_workers: bool = False, join: bool = True) -> "Stack":
        """Start the stack, or join the one another Earmark process runs (unless *join*
        is False: ``earmark serve`` must not pretend to serve what another one does)."""
        reconciled = {}

        def reconcile(celery_app):
            self.service = self._service(celery_app)
            if not self._listen(celery_app):  # before any worker starts: no task's first event is missed
                raise StartError(f"Could not listen to the workers' events; see the logs in {self.data.logs}")
            reconciled.update(self.service.reconcile())
            reconciled["sent"] = self.service.send_pending()

        deadline = time.monotonic() + STARTING_OR_STOPPING_SECONDS
        while True:
            supervisor = Supervisor(self.data, self.settings, self.roles)
            try:
                supervisor.start(before_workers=reconcile)
            except AlreadyRunning:
                if not join:
                    raise
            except BaseException:
                self._stop_listening()
                raise
            else:
                self.supervisor, self.celery = supervisor, supervisor.celery
                self.notices = list(supervisor.notices)  # the front end says them (app.jobs.desk)
                if any(reconciled.values()):
                    log.info("reconciled with the broker: %s", reconciled)
                break
            try:
                self._join()
                break
            except StartError:  # its owner is starting (no address yet) or stopping: join it or start again
                if time.monotonic() > deadline:
                    raise
                threading.Event().wait(0.05)
        if self.monitor is None:  # joined: its workers run already, and the poll finds what was missed
            self.service = self._service(self.celery)
            if not self._listen(self.celery) and not self.keep_alive():  # its owner stopped: start again
                self._stop_listening()  # a monitor left to retry would apply events for a stack nobody holds
                self.celery.close()
                raise StartError("Could not listen to the workers' events; see the logs in "
                                 f"{self.data.logs}")
        if wait_workers and self.owner:
            if not self.supervisor.wait_workers(120):
                self.close()  # nobody gets this stack: its broker, workers and lock must not run on
                raise StartError(f"The workers did not start; see the logs in {self.data.logs}")
        return self

    def _listen(self, celery_app) -> bool:
        """Listen to the workers' events; True once the receiver is subscribed. The owner
        listens before its workers start, so it sees every task's first event."""
        self.monitor = EventMonitor(celery_app, self._on_event)
        return self.monitor.start()

    def _stop_listening(self) -> None:
        if self.monitor:
            self.monitor.stop()
        self.monitor = None

    def _service(self, celery_app) -> JobService:
        return JobService(self.store, celery_app, self.data.root, on_summary_text=self.on_summary_text,
                          sharing=self.sharing)

    def _on_event(self, event: dict) -> None:  # on the monitor's thread
        if event.get("type", "").startswith("task-"):  # worker heartbeats change no job
            self.service.handle_event(event)
        self.on_event(event)

    def poll(self, job_ids=None) -> bool:
        """The safety net every POLL_BACKEND_SECONDS, for every role (the window, serve,
        transcribe): a stack whose owner has gone is taken over, then missed results,
        unsent stages, lost and hung tasks (``JobService.poll``)."""
        self.keep_alive()
        return self.service.poll(job_ids)

    def _join(self) -> None:
        from workers.celery_app import client_app

        address = BrokerAddress.load(address_file(self.data))
        if address is None:
            raise StartError(f"Earmark is starting or stopping on {self.data.root}; try again in a moment.")
        from app.remote.access import HelperAccess
        from workers import trust

        trust.use_signing_key(HelperAccess.of(self.data).ensure().key_path)  # what it sends, signed as the owner's
        self.celery = client_app(address.url)
        self._joined_address = address
        log.info("joined the running stack of %s", self.data.root)

    def keep_alive(self) -> bool:
        """A joined stack whose owner has stopped (its lock is free) is taken over: this
        process starts it again, reconciles, and its jobs go on. True if it did."""
        if self.owner or not Supervisor.owner_gone(self.data):
            return False
        log.info("the process that ran the stack of %s has stopped; taking it over", self.data.root)
        if self.monitor:
            self.monitor.stop()
        if self.celery is not None:
            self.celery.close()
        self.supervisor = self.celery = self.service = self.monitor = self._joined_address = None
        for _ in range(50):  # another joiner may win the race; then join that one
            try:
                self.open()
                return True
            except StartError:
                if not Supervisor.owner_gone(self.data):
                    threading.Event().wait(0.1)  # the winner is writing its address
                    continue
                raise
        raise StartError(f"Could not start or join the stack of {self.data.root}")

    def close(self) -> None:
        if self.monitor:
            self.monitor.stop(wait=False)  # it notices within 0.1 s, while the workers stop
        if self.supervisor:
            self.supervisor.stop()
        elif self.celery is not None:
            self.celery.close()
        if self.monitor:
            self.monitor.stop()
        if self._own_store:
            self.store.close()
