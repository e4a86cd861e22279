"""What the queue panel shows about workers and queues, gathered off the GUI thread:
Celery's worker events (heartbeats, the model each running task reports), ``inspect`` replies,
the broker's lists (every priority bucket) and, for the workers this app supervises,
their processes. No Qt here."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

HEARTBEAT_GRACE = 1.5  # seconds beyond two missed heartbeats before a worker is offline
TASK_ENDED = ("task-succeeded", "task-failed", "task-retried", "task-revoked", "task-rejected")


@dataclass
class WorkerInfo:
    hostname: str
    pid: int | None = None
    freq: float = 2.0
    last_seen: float = 0.0  # time.time() of its last worker event
    offline: bool = False
    active: int = 0
    processed: int = 0
    loadavg: tuple = ()
    running: dict = field(default_factory=dict)  # task id -> {"model": what it said it uses, "started": bool}
    working_mb: float | None = None  # its working process's memory, from its last progress report
    stats: dict = field(default_factory=dict)  # from inspect stats()
    queues: list[str] | None = None  # from inspect active_queues(); None: not asked yet

    def seen_recently(self, now: float) -> bool:
        return not self.offline and now - self.last_seen <= 2 * self.freq + HEARTBEAT_GRACE

    @property
    def model(self) -> str | None:
        """The models its running tasks use (a model it loaded for a task that has ended is
        not what it works with now); None when idle."""
        return ", ".join(dict.fromkeys(t["model"] for t in self.running.values() if t["model"])) or None


class WorkerTracker:
    """Worker state from the event stream; thread-safe (events arrive on the monitor thread)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.workers: dict[str, WorkerInfo] = {}

    def _get(self, hostname: str) -> WorkerInfo:
        info = self.workers.get(hostname)
        if info is None:
            info = self.workers[hostname] = WorkerInfo(hostname)
        return info

    def on_event(self, event: dict) -> None:
        kind, hostname = event.get("type", ""), event.get("hostname")
        if not hostname:
            return
        with self._lock:
            if kind in ("worker-online", "worker-heartbeat"):
                info = self._get(hostname)
                info.pid = event.get("pid", info.pid)
                info.freq = float(event.get("freq") or info.freq)
                info.last_seen = time.time()
                info.offline = False
                info.active = int(event.get("active") or 0)
                info.processed = int(event.get("processed") or info.processed)
                info.loadavg = tuple(event.get("loadavg") or ())
                if kind == "worker-online":  # a new process runs nothing yet
                    info.running.clear()
                elif not info.active:  # an end event missed is not shown for ever: the worker sent
                    # this after the start of each task it had started, and runs none now
                    info.running = {k: t for k, t in info.running.items() if not t["started"]}
            elif kind == "worker-offline":
                self._get(hostname).offline = True
                self._get(hostname).running.clear()
            elif kind in ("task-started", "task-progress") and event.get("uuid"):
                # the worker says a task started, its pool process what it uses: either may come first
                info = self._get(hostname)
                task = info.running.setdefault(event["uuid"], {"model": None, "started": False})
                if kind == "task-started":
                    task["started"] = True
                else:
                    task["model"] = event.get("model") or task["model"]
                    info.working_mb = event.get("rss_mb") or info.working_mb
            elif kind in TASK_ENDED:
                self._get(hostname).running.pop(event.get("uuid"), None)

    def merge_inspect(self, stats: dict, active_queues: dict) -> None:
        with self._lock:
            for hostname, data in (stats or {}).items():
                info = self._get(hostname)
                info.stats = data
                info.pid = data.get("pid", info.pid)
            for hostname, queues in (active_queues or {}).items():
                self._get(hostname).queues = sorted(q["name"] for q in queues)

    def snapshot(self) -> dict[str, WorkerInfo]:
        with self._lock:
            return {h: WorkerInfo(**{**vars(w), "running": {k: dict(t) for k, t in w.running.items()}})
                    for h, w in self.workers.items()}


def role_of(hostname: str) -> str:
    return hostname.split("@", 1)[0]


def process_memory(pid: int | None, pool_pids=()) -> float | None:
    """RSS in MiB of a worker and its pool processes (this machine's workers only)."""
    import psutil

    if not pid:
        return None
    try:
        main = psutil.Process(pid)
        total = main.memory_info().rss
        pids = set(pool_pids) | {c.pid for c in main.children(recursive=True)}
        for child in pids:
            try:
                total += psutil.Process(child).memory_info().rss
            except psutil.Error:
                continue
        return total / 1024 ** 2
    except psutil.Error:
        return None


def supervised_workers(supervisor) -> dict[str, dict]:
    """The supervisor's status of each worker it runs, by Celery hostname."""
    if supervisor is None:
        return {}
    from app.runtime.supervisor import worker_hostname

    return {worker_hostname(s["name"]): s for s in supervisor.status() if s["name"] not in ("broker", "beat")}


def worker_memory(tracker: WorkerTracker, supervisor) -> dict[str, float]:
    """RSS in MiB of each of this app's workers with its pool (reads /proc: polled off
    the GUI thread)."""
    seen = tracker.snapshot()
    out = {}
    for hostname, child in supervised_workers(supervisor).items():
        stats = seen[hostname].stats if hostname in seen else {}
        megabytes = process_memory(child["pid"], (stats.get("pool") or {}).get("processes") or ())
        if child["alive"] and megabytes:
            out[hostname] = megabytes
    return out


def worker_rows(tracker: WorkerTracker, supervisor=None, failed_by_worker: dict | None = None,
                memory: dict | None = None) -> list[dict]:
    """One row per worker known from events, inspect, or the supervisor: local facts only,
    cheap enough for the GUI thread (failed counts and memory come from the poll)."""
    now = time.time()
    seen = tracker.snapshot()
    supervised = supervised_workers(supervisor)
    rows = []
    for hostname in sorted(set(seen) | set(supervised)):
        info = seen.get(hostname) or WorkerInfo(hostname)
        child = supervised.get(hostname)
        online = info.seen_recently(now)
        if child is not None:  # ours: the process must be alive and be the one that spoke
            online = online and child["alive"] and info.pid == child["pid"]
        pool = info.stats.get("pool", {}) if info.stats else {}
        # ours: the worker and its pool, read here; a helper: what its tasks report
        megabytes = (memory or {}).get(hostname) if child else info.working_mb
        rows.append({
            "hostname": hostname, "role": role_of(hostname) if child else "helper", "online": online,
            "supervised": child is not None, "restarts": child["restarts"] if child else None,
            "alive": child["alive"] if child else None, "last_exit": child["last_exit"] if child else None,
            # the supervisor counts on the monotonic clock: a time of day for people
            "started_at": now - (time.monotonic() - child["started_at"]) if child and child.get("started_at")
            else None,
            "pid": child["pid"] if child else info.pid,
            "last_heartbeat": now - info.last_seen if info.last_seen else None,
            "pool": (pool.get("implementation") or "").split(":")[0].split(".")[-1] or None,
            "concurrency": pool.get("max-concurrency"), "active": info.active if online else 0,
            "processed": info.processed, "failed": (failed_by_worker or {}).get(hostname, 0),
            "load": info.loadavg, "model": info.model if online else None,
            "queues": info.queues,
            "memory_mb": megabytes if online else None,
        })
    return rows


def poll_depths(celery_app, queues=None) -> dict:
    """Queue depths: every priority bucket, and what workers hold unacknowledged."""
    from app.runtime.queues import depths
    from workers import config

    return {"depths": depths(celery_app, queues or config.QUEUES, buckets=True), "at": time.time()}


def poll_inspect(celery_app, tracker: WorkerTracker) -> None:
    """The workers' own answers to ``inspect`` (pool, processes, queues consumed). Takes
    up to its timeout, so it runs after the depths are shown."""
    try:
        inspect = celery_app.control.inspect(timeout=1.0)
        tracker.merge_inspect(inspect.stats() or {}, inspect.active_queues() or {})
    except Exception as exc:  # a worker that does not answer is shown by its heartbeat
        log.debug("inspect failed: %r", exc)


def per_minute(rows: list[dict], since: float, minutes: int = 60) -> dict[str, list]:
    """Throughput and mean wait/run times per minute over the last *minutes*, for charts."""
    buckets = [{"succeeded": 0, "failed": 0, "wait": [], "run": []} for _ in range(minutes)]
    for row in rows:
        i = int((row["finished_at"] - since) // 60)
        if not 0 <= i < minutes:
            continue
        b = buckets[i]
        if row["state"] in ("succeeded", "failed"):
            b[row["state"]] += 1
        if row["started_at"] and row["queued_at"]:
            b["wait"].append(max(0.0, row["started_at"] - row["queued_at"]))
        if row["started_at"] and row["finished_at"]:
            b["run"].append(max(0.0, row["finished_at"] - row["started_at"]))

    def mean(values):
        return sum(values) / len(values) if values else 0.0

    return {"succeeded": [b["succeeded"] for b in buckets], "failed": [b["failed"] for b in buckets],
            "wait": [mean(b["wait"]) for b in buckets], "run": [mean(b["run"]) for b in buckets]}


# --- what the panel asks of the workers (run on the controller's action pool) ---------
CONTROL_TIMEOUT_SECONDS = 2.0


def set_consuming(celery_app, hostname: str, queue: str, on: bool) -> None:
    """A worker starts or stops taking tasks from *queue* (what it runs finishes)."""
    call = celery_app.control.add_consumer if on else celery_app.control.cancel_consumer
    call(queue, destination=[hostname], reply=True, timeout=CONTROL_TIMEOUT_SECONDS)


def stop_worker(celery_app, hostname: str) -> None:
    """Ask a worker (a helper) to leave: it finishes its running task, then exits."""
    celery_app.control.shutdown(destination=[hostname])


def resize_pool(celery_app, hostname: str, by: int) -> None:
    """One pool process more (by > 0) or fewer."""
    call = celery_app.control.pool_grow if by > 0 else celery_app.control.pool_shrink
    call(1, destination=[hostname], reply=True, timeout=CONTROL_TIMEOUT_SECONDS)
