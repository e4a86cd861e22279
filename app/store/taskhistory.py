"""The task history: every task's timeline (``task_events``) and one row per task kept
up to date from it (``tasks``), for the queue panel, its statistics and
``earmark status``. Written only by the app."""

from __future__ import annotations

import json
import time

from app.store.schema import Database
from workers import stages

ENDS = ("succeeded", "failed")  # a task ends once (its retries are 'retried')
_TASK_TIME = {"queued": "queued_at", "received": "received_at", "started": "started_at",
              "succeeded": "finished_at", "failed": "finished_at", "cancelled": "finished_at",
              "revoked": "finished_at", "moved": "finished_at"}


class TaskHistory(Database):
    # --- task timeline ---------------------------------------------------------
    def add_event(self, task_id: str, kind: str, at: float, *, job_id: str | None = None,
                  stage: str | None = None, detail: dict | None = None, name: str | None = None) -> None:
        """One step of a task's timeline, and its row in ``tasks`` brought up to date."""
        detail = detail or {}
        if name is None and (kind == "queued" or "chunk" in detail) and stage:
            name = stages.task_of(stage, chunk="chunk" in detail)
        state = "queued" if kind == "sent" else kind  # 'sent' is the app's own publish event
        worker = None if kind == "sent" else detail.get("hostname")
        time_col = _TASK_TIME.get(kind)
        with self.transaction() as db:
            if kind in ENDS and db.execute("SELECT 1 FROM task_events WHERE task_id=? AND kind=?",
                                           (task_id, kind)).fetchone():
                return  # said once: by the worker's event or by the result it left, whichever came first
            db.execute("INSERT OR IGNORE INTO task_events (task_id, job_id, stage, kind, at, detail) "
                       "VALUES (?,?,?,?,?,?)",
                       (task_id, job_id, stage, kind, at, json.dumps(detail) if detail else None))
            if task_id == "-":
                return
            db.execute(
                "INSERT INTO tasks (task_id, job_id, stage, chunk, name, queue, state, worker, runtime, error,"
                " retries, updated_at" + (f", {time_col}" if time_col else "") + ")"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?" + (",?" if time_col else "") + ")"
                " ON CONFLICT(task_id) DO UPDATE SET"
                " name=COALESCE(excluded.name, name), queue=COALESCE(excluded.queue, queue),"
                " job_id=COALESCE(excluded.job_id, job_id), stage=COALESCE(excluded.stage, stage),"
                " chunk=COALESCE(excluded.chunk, chunk),"
                # a late 'started' never undoes 'succeeded'; a new 'queued' (sent again) does
                " state=CASE WHEN state IN ('succeeded','failed','cancelled','revoked','moved')"
                "  AND excluded.state IN ('queued','received','started','retried','lost') THEN state"
                "  WHEN state != 'queued' AND excluded.state = 'queued' AND tasks.queued_at IS NOT NULL THEN state"
                "  ELSE excluded.state END,"
                " worker=COALESCE(excluded.worker, worker), runtime=COALESCE(excluded.runtime, runtime),"
                " error=COALESCE(excluded.error, error), retries=retries + excluded.retries,"
                " updated_at=excluded.updated_at" + (f", {time_col}=excluded.{time_col}" if time_col else ""),
                (task_id, job_id, stage, detail.get("chunk"), name, stages.queue_of(name), state, worker,
                 detail.get("runtime"), detail.get("exception"), int(kind == "retried"), time.time(),
                 *((at,) if time_col else ())))

    # --- the queue panel's task history ---------------------------------------------
    def task_rows(self, updated_since: float = 0.0, limit: int = 100_000) -> list[dict]:
        rows = self._q("SELECT t.*, j.path, j.source FROM tasks t LEFT JOIN jobs j ON j.id = t.job_id "
                       "WHERE t.updated_at > ? ORDER BY t.updated_at LIMIT ?", (updated_since, limit))
        return [dict(r) for r in rows]

    def newest_task_rows(self, limit: int) -> list[dict]:
        """The *limit* tasks changed last (the queue panel's first read of a long history)."""
        rows = self._q("SELECT t.*, j.path, j.source FROM tasks t LEFT JOIN jobs j ON j.id = t.job_id "
                       "ORDER BY t.updated_at DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def task_count(self) -> int:
        return self._q("SELECT COUNT(*) FROM tasks")[0][0]

    def task(self, task_id: str) -> dict | None:
        return self._one("SELECT t.*, j.path, j.source, j.options FROM tasks t LEFT JOIN jobs j ON j.id = t.job_id "
                         "WHERE t.task_id=?", (task_id,))

    def delete_tasks(self, task_ids: list[str]) -> None:
        """Forget tasks from the history (their jobs and transcripts stay)."""
        with self.transaction() as db:
            db.executemany("DELETE FROM tasks WHERE task_id=?", [(t,) for t in task_ids])
            db.executemany("DELETE FROM task_events WHERE task_id=?", [(t,) for t in task_ids])

    def task_stats(self) -> list[dict]:
        """Per task name: how many, success and failure rates, run times (mean, p50, p95)."""
        by_name: dict[str, dict] = {}
        for row in self._q("SELECT name, state, runtime, started_at, finished_at FROM tasks"):
            entry = by_name.setdefault(row["name"] or "?", {"name": row["name"] or "?", "total": 0,
                                                             "succeeded": 0, "failed": 0, "times": []})
            entry["total"] += 1
            if row["state"] in ("succeeded", "failed"):
                entry[row["state"]] += 1
            run = row["runtime"] if row["runtime"] is not None else (
                row["finished_at"] - row["started_at"] if row["finished_at"] and row["started_at"] else None)
            if run is not None and row["state"] == "succeeded":
                entry["times"].append(run)
        out = []
        for entry in sorted(by_name.values(), key=lambda e: e["name"]):
            times = sorted(entry.pop("times"))
            finished = entry["succeeded"] + entry["failed"]
            entry["success_rate"] = entry["succeeded"] / finished if finished else None
            entry["failure_rate"] = entry["failed"] / finished if finished else None
            entry["mean"] = sum(times) / len(times) if times else None
            entry["p50"] = times[len(times) // 2] if times else None
            entry["p95"] = times[min(len(times) - 1, int(len(times) * 0.95))] if times else None
            out.append(entry)
        return out

    def task_series(self, since: float) -> list[dict]:
        """Finished tasks since *since*, with their wait and run times, for the charts."""
        return [dict(r) for r in self._q(
            "SELECT name, queue, state, queued_at, started_at, finished_at FROM tasks "
            "WHERE finished_at >= ? ORDER BY finished_at", (since,))]

    def task_rates(self, since: float) -> dict[str, dict[str, int]]:
        """Per queue: tasks received, started, succeeded and failed since *since*."""
        out: dict[str, dict[str, int]] = {}
        for row in self._q(
                "SELECT queue, SUM(received_at >= ?) AS received, SUM(started_at >= ?) AS started,"
                " SUM(state='succeeded' AND finished_at >= ?) AS succeeded,"
                " SUM(state='failed' AND finished_at >= ?) AS failed FROM tasks"
                " WHERE updated_at >= ? GROUP BY queue", (since,) * 5):
            out[row["queue"] or "?"] = {k: int(row[k] or 0) for k in ("received", "started", "succeeded", "failed")}
        return out

    def failed_by_worker(self) -> dict[str, int]:
        return {r["worker"]: r["n"] for r in self._q(
            "SELECT worker, COUNT(*) AS n FROM tasks WHERE state='failed' AND worker IS NOT NULL GROUP BY worker")}

    def events(self, job_id: str | None = None, task_id: str | None = None) -> list[dict]:
        if task_id:
            rows = self._q("SELECT * FROM task_events WHERE task_id=? ORDER BY at, id", (task_id,))
        else:
            rows = self._q("SELECT * FROM task_events WHERE job_id=? ORDER BY at, id", (job_id,))
        return [dict(r) for r in rows]

    def trouble(self, since: float) -> list[dict]:
        """Crashes, stalls and lost tasks since *since*, newest first (``earmark status``)."""
        rows = self._q("SELECT e.*, j.path FROM task_events e LEFT JOIN jobs j ON j.id = e.job_id"
                       " WHERE e.at >= ? AND (e.kind IN ('stalled', 'lost') OR (e.kind = 'retried' AND"
                       " e.detail LIKE '%crashed%')) ORDER BY e.at DESC LIMIT 20", (since,))
        return [dict(r) for r in rows]
