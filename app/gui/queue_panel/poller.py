"""The panel's background poll of the broker and the workers (never on the GUI thread)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from app.runtime import fleet

POLL_SECONDS = 2.0
INSPECT_EVERY = 2  # polls: inspect() every 4 s, the broker's lists every 2 s


class BrokerPoller(QObject):
    """Polls the broker and the workers on its own thread while the panel is shown;
    results arrive by signal."""

    polled = Signal(dict)
    failed = Signal(str)

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.active = threading.Event()  # set while the panel is shown
        self._thread = threading.Thread(target=self._run, name="queue-panel-poll", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def poll_now(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        n = 0
        while not self._stop.is_set():
            stack = self.controller.stack
            if stack is not None and not self.controller.is_stopped and self.active.is_set():
                try:
                    result = fleet.poll_depths(stack.celery, stack.queues)
                    result["failed"] = stack.store.failed_by_worker()
                    result["memory"] = fleet.worker_memory(self.controller.fleet, stack.supervisor)
                    self.polled.emit(result)
                    if n % INSPECT_EVERY == 0:
                        fleet.poll_inspect(stack.celery, self.controller.fleet)
                except Exception as exc:
                    self.failed.emit(self.tr("The broker does not answer: {0}").format(exc))
                n += 1
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()
