"""Noticing a task stuck in a hung process.

A worker whose pool process is stopped (SIGSTOP, a deadlock in native code) still
answers pings and sends heartbeats from its main process, and its task would run
into the 6-hour time limit. A task is hung when it has sent no event for
``stall_seconds`` *and* its process has used no CPU meanwhile (a long decode sends no
progress but keeps a core busy; that is not a hang). Its process is then killed: the
worker's main process sees it lost and sends the task again, counted and bounded
(``workers.delivery``), and the store keeps a ``stalled`` event for the panel and
``earmark status``.

Only processes on this machine can be looked at; a task on another machine is left
to its own time limits.
"""

from __future__ import annotations

import logging
import os
import signal
import time

from app.runtime.processes import stall_seconds_default
from app.store import jobstore as js

log = logging.getLogger(__name__)

MIN_CPU_SECONDS = 0.2  # less than this in a whole stall window is no work at all


class StallWatch:
    def __init__(self, store, stall_seconds: float | None = None):
        self.store = store
        self.stall_seconds = stall_seconds or stall_seconds_default()
        self._life: dict[str, tuple[float, int | None]] = {}  # task id → (last event, its process)
        self._cpu: dict[str, tuple[float, float]] = {}  # task id → (cpu seconds, when measured)

    def seen(self, event: dict) -> None:
        """Any event of a task is a sign of life; progress events name the working process."""
        task_id, kind = event.get("uuid"), event.get("type", "")
        if not task_id or not kind.startswith("task-"):
            return
        if kind in ("task-succeeded", "task-failed", "task-revoked", "task-rejected"):
            self._life.pop(task_id, None)
            self._cpu.pop(task_id, None)
            return
        _, pid = self._life.get(task_id, (0.0, None))
        if kind == "task-progress":
            pid = event.get("pid") or pid  # sent from inside the task: the pool process
        self._life[task_id] = (time.monotonic(), pid)

    def running_tasks(self) -> set[str]:
        ids = {s["task_id"] for s in self.store.active_stages() if s["state"] == js.RUNNING}
        ids |= {c["task_id"] for c in self.store.active_chunks() if c["state"] == js.RUNNING}
        return ids

    def check(self) -> list[str]:
        """Kill the processes of hung tasks; return their task ids."""
        import psutil

        running = self.running_tasks()
        for gone in set(self._life) - running:
            self._life.pop(gone, None)
            self._cpu.pop(gone, None)
        now = time.monotonic()
        hung = []
        for task_id, (last, pid) in list(self._life.items()):
            if not pid:
                continue
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.Error:
                continue  # gone: the worker reports what became of it
            cpu = times.user + times.system
            before = self._cpu.get(task_id)
            if before is None or cpu - before[0] >= MIN_CPU_SECONDS:
                self._cpu[task_id] = (cpu, now)  # working, or a first look: a new window
                continue
            quiet = now - max(last, before[1])
            if quiet < self.stall_seconds:
                continue
            self._kill(task_id, pid, quiet)
            hung.append(task_id)
        return hung

    def _kill(self, task_id: str, pid: int, quiet: float) -> None:
        what = self.store.stage_by_task(task_id) or self.store.chunk_by_task(task_id) or {}
        log.warning("task %s (pid %d) made no progress and used no CPU for %.0f s; killing its process",
                    task_id, pid, quiet)
        self.store.add_event(task_id, "stalled", time.time(), job_id=what.get("job_id"),
                             stage=what.get("name") or "transcribe",
                             detail={"pid": pid, "exception": f"stalled: no progress and no CPU for {quiet:.0f} s;"
                                                              " its process was killed and the task sent again"})
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._life.pop(task_id, None)
        self._cpu.pop(task_id, None)
