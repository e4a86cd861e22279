"""Measures how late the GUI event loop runs a repeating timer: the delay a person feels."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer


class EventLoopProbe(QObject):
    def __init__(self, interval_ms: int = 10, parent=None):
        super().__init__(parent)
        self.interval = interval_ms / 1000
        self.delays: list[float] = []  # seconds late, one per tick
        self.timer = QTimer(self, interval=interval_ms, timeout=self._tick)
        self.timer.setTimerType(Qt.PreciseTimer)
        self._last = None

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.delays.append(max(0.0, now - self._last - self.interval))
        self._last = now

    def percentile(self, p: float) -> float:
        ordered = sorted(self.delays)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else 0.0
