"""Receives Celery events on a background thread and hands each to a callback."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)


class EventMonitor:
    """Celery's event stream (the same one Flower reads), on its own thread."""

    def __init__(self, celery_app, on_event):
        self.celery = celery_app
        self.on_event = on_event
        self.connected = threading.Event()
        self._receiver = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="celery-events", daemon=True)

    def start(self, wait_seconds: float = 10.0) -> bool:
        """Start; return once the receiver listens, so no event of a task sent after is missed."""
        self._thread.start()
        return self.connected.wait(wait_seconds)

    def stop(self, wait: bool = True) -> None:
        """Stop listening; with *wait*, return once the thread has (within 0.1 s)."""
        self._stop.set()
        if self._receiver is not None:
            self._receiver.should_stop = True
        if wait:
            self._thread.join(timeout=5)

    def _dispatch(self, event: dict) -> None:
        try:
            self.on_event(event)
        except Exception:  # one bad event must not end the stream
            log.exception("handling event %s failed", event.get("type"))

    def _run(self) -> None:
        delay = 0.5
        while not self._stop.is_set():
            try:
                with self.celery.connection_for_read() as conn:
                    self._receiver = self.celery.events.Receiver(conn, handlers={"*": self._dispatch})
                    if self._stop.is_set():
                        return
                    with self._receiver.Consumer() as (live, _channel, _consumers):
                        self.connected.set()
                        delay = 0.5
                        while not self._stop.is_set():
                            try:
                                live.drain_events(timeout=0.1)  # how soon stop() is noticed
                            except TimeoutError:
                                continue
            except Exception as exc:
                if self._stop.is_set():
                    return
                log.warning("event stream lost (%r); reconnecting in %.1f s", exc, delay)
                self._stop.wait(delay)
                delay = min(delay * 2, 10.0)
