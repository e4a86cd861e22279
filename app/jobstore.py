"""The job store: SQLite in WAL mode, the single source of truth for jobs, their
stages, task timelines and transcripts. Written only on the app side, so workers
can run on machines that never see this file."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

# Stage states; a job's own state is derived from its stages.
PENDING, QUEUED, RUNNING, DONE, FAILED, CANCELLED, PAUSED = (
    "pending", "queued", "running", "done", "failed", "cancelled", "paused")
ACTIVE = (QUEUED, RUNNING)
FINAL = (DONE, FAILED, CANCELLED)

SCHEMA = [
    # version 1
    """
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        file_hash TEXT,
        size_bytes INTEGER,
        duration_seconds REAL,
        options TEXT NOT NULL DEFAULT '{}',
        options_key TEXT,
        state TEXT NOT NULL,
        error TEXT,
        language TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        finished_at REAL
    );
    CREATE INDEX jobs_hash ON jobs(file_hash, options_key);
    CREATE TABLE stages (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        state TEXT NOT NULL,
        task_id TEXT UNIQUE,
        progress REAL NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        worker TEXT,
        worker_pid INTEGER,
        queued_at REAL,
        started_at REAL,
        finished_at REAL,
        error TEXT,
        traceback TEXT,
        PRIMARY KEY (job_id, name)
    );
    CREATE TABLE task_events (
        id INTEGER PRIMARY KEY,
        task_id TEXT NOT NULL,
        job_id TEXT,
        stage TEXT,
        kind TEXT NOT NULL,
        at REAL NOT NULL,
        detail TEXT,
        UNIQUE (task_id, kind, at)
    );
    CREATE INDEX task_events_task ON task_events(task_id);
    CREATE TABLE transcripts (
        job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        language TEXT,
        duration_seconds REAL,
        model TEXT,
        text TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE TABLE segments (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start REAL NOT NULL,
        end REAL NOT NULL,
        text TEXT NOT NULL,
        original_text TEXT,
        words TEXT,
        PRIMARY KEY (job_id, idx)
    );
    """,
    # version 2: search across every transcript (passages of consecutive segments,
    # so a phrase that runs over a segment boundary is still found)
    """
    CREATE VIRTUAL TABLE passages USING fts5(
        text, job_id UNINDEXED, idx UNINDEXED, start UNINDEXED, kind UNINDEXED,
        tokenize = 'porter unicode61 remove_diacritics 2'
    );
    """,
    # version 3: summaries, one per job and template
    """
    CREATE TABLE summaries (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        template TEXT NOT NULL,
        markdown TEXT NOT NULL,
        result TEXT NOT NULL,
        created_at REAL NOT NULL,
        PRIMARY KEY (job_id, template)
    );
    """,
    # version 4: translations by the LLM, segment by segment (same times as the original)
    """
    CREATE TABLE translations (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        language TEXT NOT NULL,
        idx INTEGER NOT NULL,
        start REAL NOT NULL,
        end REAL NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (job_id, language, idx)
    );
    CREATE TABLE translation_runs (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        language TEXT NOT NULL,
        language_name TEXT,
        model TEXT,
        created_at REAL NOT NULL,
        PRIMARY KEY (job_id, language)
    );
    """,
    # version 5: long files in chunks, each stored as it finishes (resume loses none)
    """
    CREATE TABLE chunks (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        start REAL NOT NULL,
        end REAL NOT NULL,
        regions TEXT NOT NULL DEFAULT '[]',
        state TEXT NOT NULL,
        task_id TEXT UNIQUE,
        progress REAL NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        worker TEXT,
        started_at REAL,
        finished_at REAL,
        error TEXT,
        result TEXT,
        PRIMARY KEY (job_id, idx)
    );
    """,
    # version 6: one row per task, kept up to date from its events, for the queue panel
    # (10,000 tasks filter and sort in milliseconds; the timeline stays in task_events)
    """
    CREATE TABLE tasks (
        task_id TEXT PRIMARY KEY,
        job_id TEXT,
        stage TEXT,
        chunk INTEGER,
        name TEXT,
        queue TEXT,
        state TEXT NOT NULL,
        queued_at REAL,
        received_at REAL,
        started_at REAL,
        finished_at REAL,
        worker TEXT,
        retries INTEGER NOT NULL DEFAULT 0,
        runtime REAL,
        error TEXT,
        updated_at REAL NOT NULL
    );
    CREATE INDEX tasks_updated ON tasks(updated_at);
    CREATE INDEX tasks_finished ON tasks(finished_at);
    INSERT INTO tasks (task_id, job_id, stage, chunk, name, queue, state, queued_at, received_at, started_at,
                       finished_at, worker, retries, updated_at)
    SELECT task_id, job_id, stage, chunk,
           CASE WHEN chunk IS NOT NULL THEN 'earmark.transcribe_chunk' ELSE 'earmark.' || stage END,
           CASE stage WHEN 'transcribe' THEN 'transcribe' WHEN 'index' THEN 'index' ELSE 'nlp' END,
           state, queued_at, received_at, started_at, finished_at, worker, retries, updated_at
    FROM (
    SELECT e.task_id, MAX(e.job_id) AS job_id, MAX(e.stage) AS stage,
           MAX(json_extract(e.detail, '$.chunk')) AS chunk,
           (SELECT kind FROM task_events l WHERE l.task_id = e.task_id ORDER BY at DESC, id DESC LIMIT 1) AS state,
           MIN(CASE WHEN e.kind = 'queued' THEN e.at END) AS queued_at,
           MIN(CASE WHEN e.kind = 'received' THEN e.at END) AS received_at,
           MAX(CASE WHEN e.kind = 'started' THEN e.at END) AS started_at,
           MAX(CASE WHEN e.kind IN ('succeeded','failed','cancelled','revoked') THEN e.at END) AS finished_at,
           MAX(json_extract(e.detail, '$.hostname')) AS worker, SUM(e.kind = 'retried') AS retries,
           MAX(e.at) AS updated_at
    FROM task_events e WHERE e.task_id != '-' GROUP BY e.task_id);
    """,
]

TASK_FINAL = ("succeeded", "failed", "cancelled", "revoked", "moved")
_TASK_TIME = {"queued": "queued_at", "received": "received_at", "started": "started_at",
              "succeeded": "finished_at", "failed": "finished_at", "cancelled": "finished_at",
              "revoked": "finished_at", "moved": "finished_at"}


def queue_of(task_name: str | None) -> str | None:
    from workers import config

    route = config.task_routes.get(task_name or "")
    return route["queue"] if route else None


def fts_query(text: str) -> str:
    """A person's words as an FTS5 query: quoted phrases kept, every other word required."""
    import re

    parts = re.findall(r'"([^"]+)"|(\S+)', text)
    terms = []
    for phrase, word in parts:
        cleaned = re.sub(r"[^\w\s']", " ", phrase or word).replace("'", " ").strip()
        if cleaned:
            terms.append('"' + " ".join(cleaned.split()) + '"')
    return " ".join(terms)


def job_state(stage_states: list[str]) -> str:
    """A job is as far as its least finished stage, and failed if any stage failed."""
    if not stage_states:
        return QUEUED
    if FAILED in stage_states:
        return FAILED
    if CANCELLED in stage_states:
        return CANCELLED
    if PAUSED in stage_states:
        return PAUSED
    if all(s == DONE for s in stage_states):
        return DONE
    if RUNNING in stage_states or DONE in stage_states:
        return RUNNING
    return QUEUED


class JobStore:
    """Thread-safe: one connection, one writer at a time (the monitor thread and
    the caller's thread both write). Other processes may open the same file."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30,
                                   isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def _migrate(self) -> None:
        with self.transaction() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(SCHEMA[version:], start=version + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={number}")

    @property
    def schema_version(self) -> int:
        return self._q("PRAGMA user_version")[0][0]

    @contextmanager
    def transaction(self):
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _q(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _one(self, sql: str, params=()) -> dict | None:
        rows = self._q(sql, params)
        return dict(rows[0]) if rows else None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- jobs ------------------------------------------------------------------
    def create_job(self, path: str, *, stages: list[str], options: dict | None = None,
                   file_hash: str | None = None, options_key: str | None = None,
                   size_bytes: int | None = None, duration_seconds: float | None = None) -> str:
        job_id = uuid.uuid4().hex
        now = time.time()
        with self.transaction() as db:
            db.execute("INSERT INTO jobs (id, path, file_hash, size_bytes, duration_seconds, options,"
                       " options_key, state, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (job_id, path, file_hash, size_bytes, duration_seconds,
                        json.dumps(options or {}), options_key, QUEUED, now, now))
            db.executemany("INSERT INTO stages (job_id, name, state) VALUES (?,?,?)",
                           [(job_id, name, PENDING) for name in stages])
        return job_id

    def job(self, job_id: str) -> dict | None:
        return self._one("SELECT * FROM jobs WHERE id=?", (job_id,))

    def jobs(self, limit: int = 50) -> list[dict]:
        rows = self._q("SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def job_rows(self, limit: int = 5000) -> list[dict]:
        """Jobs, newest first, each with its current stage (the first not done) for the job list."""
        rows = self._q(
            "SELECT j.*, s.name AS stage, s.state AS stage_state, s.progress, s.started_at,"
            " s.task_id, s.queued_at,"
            " (SELECT group_concat(t.language, ', ') FROM translation_runs t WHERE t.job_id = j.id) AS translations"
            " FROM jobs j LEFT JOIN stages s ON s.job_id = j.id AND s.rowid = ("
            "  SELECT s2.rowid FROM stages s2 WHERE s2.job_id = j.id"
            "  ORDER BY (s2.state = 'done'), s2.rowid LIMIT 1)"
            " ORDER BY j.created_at DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def delete_job(self, job_id: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM task_events WHERE job_id=?", (job_id,))
            db.execute("DELETE FROM tasks WHERE job_id=?", (job_id,))
            db.execute("DELETE FROM jobs WHERE id=?", (job_id,))

    def find_active(self, file_hash: str, options_key: str) -> dict | None:
        """A job of the same content and settings that is waiting or under way."""
        return self._one("SELECT * FROM jobs WHERE file_hash=? AND options_key=? AND state IN (?,?,?) "
                         "ORDER BY created_at LIMIT 1", (file_hash, options_key, QUEUED, RUNNING, PAUSED))

    def find_done(self, file_hash: str, options_key: str) -> dict | None:
        return self._one("SELECT * FROM jobs WHERE file_hash=? AND options_key=? AND state=? "
                         "ORDER BY finished_at DESC LIMIT 1", (file_hash, options_key, DONE))

    # --- stages ----------------------------------------------------------------
    def stage(self, job_id: str, name: str) -> dict | None:
        return self._one("SELECT * FROM stages WHERE job_id=? AND name=?", (job_id, name))

    def stages(self, job_id: str) -> list[dict]:
        return [dict(r) for r in self._q("SELECT * FROM stages WHERE job_id=? ORDER BY rowid", (job_id,))]

    def stage_by_task(self, task_id: str) -> dict | None:
        return self._one("SELECT * FROM stages WHERE task_id=?", (task_id,))

    def active_stages(self) -> list[dict]:
        rows = self._q("SELECT s.*, j.path FROM stages s JOIN jobs j ON j.id=s.job_id "
                                "WHERE s.state IN (?,?) ORDER BY s.queued_at", ACTIVE)
        return [dict(r) for r in rows]

    def update_stage(self, job_id: str, name: str, *, only_if_active: bool = False, **fields) -> bool:
        """Set fields of a stage and refresh the job's derived state; False if nothing changed.

        *only_if_active* keeps late or repeated events from undoing a final state."""
        if not fields:
            return False
        cols = ", ".join(f"{k}=?" for k in fields)
        sql = f"UPDATE stages SET {cols} WHERE job_id=? AND name=?"
        params = [*fields.values(), job_id, name]
        if only_if_active:
            sql += f" AND state NOT IN ({','.join('?' * len(FINAL))})"
            params += FINAL
        with self.transaction() as db:
            changed = db.execute(sql, params).rowcount > 0
            if changed:
                self._refresh_job(db, job_id)
        return changed

    def _refresh_job(self, db, job_id: str) -> None:
        rows = db.execute("SELECT state, error FROM stages WHERE job_id=? ORDER BY rowid", (job_id,)).fetchall()
        state = job_state([r["state"] for r in rows])
        error = next((r["error"] for r in rows if r["state"] == FAILED), None)
        now = time.time()
        db.execute("UPDATE jobs SET state=?, error=?, updated_at=?, "
                   "finished_at=CASE WHEN ? IN ('done','failed','cancelled') THEN ? ELSE NULL END "
                   "WHERE id=?", (state, error, now, state, now, job_id))

    # --- chunks of long files ---------------------------------------------------
    def save_chunk_plan(self, job_id: str, chunks: list[dict], regions: list) -> None:
        """Chunks once planned are kept: a resume reuses the plan and what is done."""
        from workers.engines.chunks import within

        with self.transaction() as db:
            if db.execute("SELECT 1 FROM chunks WHERE job_id=? LIMIT 1", (job_id,)).fetchone():
                return
            db.executemany("INSERT INTO chunks (job_id, idx, start, end, regions, state) VALUES (?,?,?,?,?,?)",
                           [(job_id, c["index"], c["start"], c["end"],
                             json.dumps(within([tuple(r) for r in regions], c["start"], c["end"])), PENDING)
                            for c in chunks])

    def chunks(self, job_id: str) -> list[dict]:
        return [dict(r) for r in self._q("SELECT * FROM chunks WHERE job_id=? ORDER BY idx", (job_id,))]

    def chunk_by_task(self, task_id: str) -> dict | None:
        return self._one("SELECT * FROM chunks WHERE task_id=?", (task_id,))

    def active_chunks(self) -> list[dict]:
        return [dict(r) for r in self._q("SELECT * FROM chunks WHERE state IN (?,?) ORDER BY job_id, idx", ACTIVE)]

    def update_chunk(self, job_id: str, idx: int, *, only_if_active: bool = False, **fields) -> bool:
        cols = ", ".join(f"{k}=?" for k in fields)
        sql = f"UPDATE chunks SET {cols} WHERE job_id=? AND idx=?"
        params = [*fields.values(), job_id, idx]
        if only_if_active:
            sql += " AND state NOT IN ('done')"
        with self.transaction() as db:
            return db.execute(sql, params).rowcount > 0

    # --- task timeline ---------------------------------------------------------
    def add_event(self, task_id: str, kind: str, at: float, *, job_id: str | None = None,
                  stage: str | None = None, detail: dict | None = None, name: str | None = None) -> None:
        """One step of a task's timeline, and its row in ``tasks`` brought up to date."""
        detail = detail or {}
        if name is None and "chunk" in detail:
            name = "earmark.transcribe_chunk"
        elif name is None and kind == "queued" and stage:
            name = f"earmark.{stage}"
        state = "queued" if kind == "sent" else kind  # 'sent' is the app's own publish event
        worker = None if kind == "sent" else detail.get("hostname")
        time_col = _TASK_TIME.get(kind)
        with self.transaction() as db:
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
                (task_id, job_id, stage, detail.get("chunk"), name, queue_of(name), state, worker,
                 detail.get("runtime"), detail.get("exception"), int(kind == "retried"), time.time(),
                 *((at,) if time_col else ())))

    # --- the queue panel's task history ---------------------------------------------
    def task_rows(self, updated_since: float = 0.0, limit: int = 100_000) -> list[dict]:
        rows = self._q("SELECT t.*, j.path FROM tasks t LEFT JOIN jobs j ON j.id = t.job_id "
                       "WHERE t.updated_at > ? ORDER BY t.updated_at LIMIT ?", (updated_since, limit))
        return [dict(r) for r in rows]

    def task_count(self) -> int:
        return self._q("SELECT COUNT(*) FROM tasks")[0][0]

    def task(self, task_id: str) -> dict | None:
        return self._one("SELECT t.*, j.path, j.options FROM tasks t LEFT JOIN jobs j ON j.id = t.job_id "
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

    # --- transcripts -----------------------------------------------------------
    def save_transcript(self, job_id: str, result: dict) -> None:
        segments = result.get("segments", [])
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO transcripts (job_id, language, duration_seconds, model, text,"
                       " result, created_at) VALUES (?,?,?,?,?,?,?)",
                       (job_id, result.get("language"), result.get("duration"), result.get("model"),
                        result.get("text", ""), json.dumps(result), time.time()))
            db.execute("DELETE FROM segments WHERE job_id=?", (job_id,))
            db.executemany("INSERT INTO segments (job_id, idx, start, end, text, words) VALUES (?,?,?,?,?,?)",
                           [(job_id, i, s["start"], s["end"], s["text"],
                             json.dumps(s["words"]) if s.get("words") else None)
                            for i, s in enumerate(segments)])
            db.execute("UPDATE jobs SET language=?, duration_seconds=COALESCE(?, duration_seconds) WHERE id=?",
                       (result.get("language"), result.get("duration"), job_id))

    def edit_segment(self, job_id: str, idx: int, text: str) -> None:
        """Save a person's edit at once; the model's words stay in original_text."""
        with self.transaction() as db:
            db.execute("UPDATE segments SET original_text=COALESCE(original_text, text), text=? "
                       "WHERE job_id=? AND idx=?", (text, job_id, idx))

    def revert_segment(self, job_id: str, idx: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE segments SET text=original_text, original_text=NULL "
                       "WHERE job_id=? AND idx=? AND original_text IS NOT NULL", (job_id, idx))

    def segments(self, job_id: str) -> list[dict]:
        return [dict(r) for r in self._q("SELECT * FROM segments WHERE job_id=? ORDER BY idx", (job_id,))]

    def save_summary(self, job_id: str, template: str, result: dict) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO summaries (job_id, template, markdown, result, created_at) "
                       "VALUES (?,?,?,?,?)", (job_id, template, result["markdown"], json.dumps(result), time.time()))

    def summaries(self, job_id: str) -> list[dict]:
        return [dict(r) for r in self._q("SELECT job_id, template, markdown, created_at FROM summaries "
                                         "WHERE job_id=? ORDER BY created_at DESC", (job_id,))]

    def save_translation(self, job_id: str, result: dict) -> None:
        language = result["language"]
        with self.transaction() as db:
            db.execute("DELETE FROM translations WHERE job_id=? AND language=?", (job_id, language))
            db.executemany("INSERT INTO translations (job_id, language, idx, start, end, text) VALUES (?,?,?,?,?,?)",
                           [(job_id, language, s["idx"], s["start"], s["end"], s["text"])
                            for s in result["segments"]])
            db.execute("INSERT OR REPLACE INTO translation_runs (job_id, language, language_name, model, created_at)"
                       " VALUES (?,?,?,?,?)", (job_id, language, result.get("language_name"), result.get("model"),
                                               time.time()))

    def translation_languages(self, job_id: str) -> list[dict]:
        return [dict(r) for r in self._q("SELECT * FROM translation_runs WHERE job_id=? ORDER BY created_at",
                                         (job_id,))]

    def translation(self, job_id: str, language: str) -> dict | None:
        """A translated transcript, shaped like ``transcript()`` so it exports the same way."""
        run = self._one("SELECT * FROM translation_runs WHERE job_id=? AND language=?", (job_id, language))
        if not run:
            return None
        rows = self._q("SELECT idx, start, end, text FROM translations WHERE job_id=? AND language=? "
                       "ORDER BY idx", (job_id, language))
        segments = [dict(r) for r in rows]
        job = self.job(job_id) or {}
        return {"language": language, "duration": job.get("duration_seconds"), "model": run["model"],
                "task": "translate", "segments": segments,
                "text": " ".join(s["text"] for s in segments).strip()}

    def add_stage(self, job_id: str, name: str) -> None:
        """A stage asked for later (a summary re-run on a finished transcript)."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO stages (job_id, name, state) VALUES (?,?,?)", (job_id, name, PENDING))

    def replace_passages(self, job_id: str, passages: list[dict]) -> None:
        """The search documents of one job, replaced as a whole (after an index task)."""
        with self.transaction() as db:
            db.execute("DELETE FROM passages WHERE job_id=?", (job_id,))
            db.executemany("INSERT INTO passages (text, job_id, idx, start, kind) VALUES (?,?,?,?,?)",
                           [(p["text"], job_id, p["idx"], p["start"], p.get("kind", "transcript"))
                            for p in passages])

    def search(self, query: str, limit: int = 50, order: str = "relevance") -> list[dict]:
        """Hits across every transcript: job, segment, time and a snippet with [marks]."""
        match = fts_query(query)
        if not match:
            return []
        order_by = "rank" if order == "relevance" else "j.created_at DESC, rank"
        rows = self._q(
            "SELECT p.job_id, p.idx, p.start, p.kind, j.path, j.created_at,"
            " snippet(passages, 0, '[', ']', '…', 12) AS snippet"
            " FROM passages p JOIN jobs j ON j.id = p.job_id"
            f" WHERE passages MATCH ? ORDER BY {order_by} LIMIT ?", (match, limit * 2))
        hits, seen = [], set()
        for row in rows:  # a phrase in two overlapping passages is one hit
            key = (row["job_id"], row["kind"], row["idx"])
            if key not in seen and (row["job_id"], row["kind"], row["idx"] - 1) not in seen:
                seen.add(key)
                hits.append(dict(row))
        return hits[:limit]

    def transcript(self, job_id: str) -> dict | None:
        row = self._one("SELECT * FROM transcripts WHERE job_id=?", (job_id,))
        if not row:
            return None
        result = json.loads(row["result"])
        segs = self._q("SELECT * FROM segments WHERE job_id=? ORDER BY idx", (job_id,))
        result["segments"] = [
            {"start": s["start"], "end": s["end"], "text": s["text"],
             **({"words": json.loads(s["words"])} if s["words"] else {})} for s in segs]
        result["text"] = " ".join(s["text"] for s in result["segments"]).strip()
        return result
