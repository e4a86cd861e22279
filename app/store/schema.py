"""The job store's SQLite file: the connection (WAL, one writer at a time), the schema
and its migrations. A migration is history: it is appended, never edited."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

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
    # version 7: the priority a stage's task was sent with, so the job list can say the
    # order queued jobs will run in (the broker serves by priority, then first come)
    """
    ALTER TABLE stages ADD COLUMN priority INTEGER;
    """,
    # version 8: who spoke when. A segment's speaker is a key of its job's speakers; a
    # speaker named by the person is linked to a person, whose voice print is kept to
    # recognise them in the next recording. speaker_edits: what each edit replaced
    # (for undo, across restarts).
    """
    ALTER TABLE segments ADD COLUMN speaker TEXT;
    CREATE TABLE people (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        print BLOB,
        recordings INTEGER NOT NULL DEFAULT 0,
        updated_at REAL NOT NULL
    );
    CREATE TABLE speakers (
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        name TEXT,
        person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,
        confidence REAL,
        seconds REAL,
        print BLOB,
        PRIMARY KEY (job_id, key)
    );
    CREATE TABLE speaker_edits (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        what TEXT NOT NULL,
        before TEXT NOT NULL,
        at REAL NOT NULL
    );
    """,
    # version 9: where a job came from, in plain words: "window", "command line", "api",
    # "watch folder /path", "link https://…" (NULL for the jobs made before)
    """
    ALTER TABLE jobs ADD COLUMN source TEXT;
    """,
    # version 10: a job's callback (the local API's callback_url), kept with the job so a
    # callback whose job ends after the API was restarted is still sent. state: waiting,
    # sent, refused (a 4xx answer) or failed (every try spent); next_at: when it may be
    # tried (a sender leases it by moving next_at, so two servers never both send it)
    """
    CREATE TABLE callbacks (
        job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'waiting',
        tries INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL DEFAULT 0,
        error TEXT
    );
    """,
    # version 11: what a watched folder's files were when they were taken (so a restart
    # takes only what is new: a file is known by its size and time, then by its content),
    # the job each became and which of its parts were written where
    """
    CREATE TABLE watched_files (
        folder TEXT NOT NULL,
        path TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        file_hash TEXT NOT NULL,
        job_id TEXT,
        out TEXT NOT NULL,
        exported TEXT NOT NULL DEFAULT '',
        finished INTEGER NOT NULL DEFAULT 0,
        taken_at REAL NOT NULL,
        PRIMARY KEY (folder, path)
    );
    CREATE INDEX watched_unfinished ON watched_files(finished);
    """,
    # version 12: what a job holds is found without reading every row. The search index
    # keeps its job id unindexed, so replacing one job's passages read all of them (0.3 s
    # a job at 356,000 passages, growing with the library): each job's passages now have
    # their rowid spans, one a job as written, found back for those written before. The
    # task history is looked up by job too (a job's timeline, deleting a job), and the job
    # list reads the newest jobs first (its whole read: 75 -> 43 ms of CPU at 10,000 jobs).
    """
    CREATE TABLE passage_spans (
        job_id TEXT NOT NULL,
        first INTEGER NOT NULL,
        last INTEGER NOT NULL
    );
    CREATE INDEX passage_spans_job ON passage_spans(job_id);
    INSERT INTO passage_spans (job_id, first, last)
    SELECT job_id, MIN(rowid), MAX(rowid) FROM (
        SELECT job_id, rowid, rowid - ROW_NUMBER() OVER (PARTITION BY job_id ORDER BY rowid) AS run FROM passages)
    GROUP BY job_id, run;
    CREATE INDEX task_events_job ON task_events(job_id);
    CREATE INDEX tasks_job ON tasks(job_id);
    CREATE INDEX jobs_created ON jobs(created_at);
    """,
    # version 13: when each speaker talks, as the audio says (the speaker stage's turns, a
    # JSON list of [start, end]): speech the transcript has no words for has a speaker too,
    # and two at once overlap. NULL for speakers found before, and for one a person added.
    """
    ALTER TABLE speakers ADD COLUMN turns TEXT;
    """,
    # version 14: how sure the recogniser was of each segment (a JSON object of Whisper's
    # avg_logprob, no_speech_prob, compression_ratio and temperature); NULL for segments
    # transcribed before. Kept through an edit (a revert brings it back) but not given out
    # while the segment's text is a person's.
    """
    ALTER TABLE segments ADD COLUMN confidence TEXT;
    """,
    # version 15: a failure's sentence as the catalogue has it (workers.messages: a JSON object of its
    # key and values), beside its English in ``error``, so the window says it in its own language.
    # NULL for the failures before, and for a sentence not in the catalogue: their English is shown.
    """
    ALTER TABLE stages ADD COLUMN error_said TEXT;
    ALTER TABLE jobs ADD COLUMN error_said TEXT;
    """,
]


class Database:
    """Thread-safe: one connection, one writer at a time (the monitor thread and the
    caller's thread both write). Other processes may open the same file."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        self._lock = threading.RLock()
        self._writing = False  # a transaction is open (read and set only with the lock held)
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
        """One write transaction; one opened inside it (by this thread: the lock is held) is part
        of it, so several store calls commit or roll back together (``JobService.collect``)."""
        with self._lock:
            if self._writing:  # not in_transaction: a failed COMMIT left that set, and every write after joined it
                yield self._db
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._writing = True
            try:
                yield self._db
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # a failed COMMIT (a full disk) leaves it open; some errors end it
                    self._db.execute("ROLLBACK")
                raise
            finally:
                self._writing = False

    def _q(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _one(self, sql: str, params=()) -> dict | None:
        rows = self._q(sql, params)
        return dict(rows[0]) if rows else None

    def close(self) -> None:
        with self._lock:
            self._db.close()
