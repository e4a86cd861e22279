"""The job store: SQLite in WAL mode, the single source of truth for jobs, their
stages, task timelines and transcripts. Written only on the app side, so workers
can run on machines that never see this file."""

from __future__ import annotations

import bisect
import json
import re
import time
import uuid

from app.export import together
from app.store.speakerstore import LABEL_SQL, SpeakerStore
from app.store.taskhistory import TaskHistory
from app.store.watchledger import WatchLedger
from workers.messages import Said, notes_of, said_from, say
from workers.stages import stage as _stage

# Stage states; a job's own state is derived from its stages.
PENDING, QUEUED, RUNNING, DONE, FAILED, CANCELLED, PAUSED = (
    "pending", "queued", "running", "done", "failed", "cancelled", "paused")
ACTIVE = (QUEUED, RUNNING)
ANY_TASK = object()  # update_chunk's if_task: whatever task id the chunk has
FINAL = (DONE, FAILED, CANCELLED)
# When more passages than this hold the words of a search (a word in most of them: "the",
# "and", "we"), it ranks the newest this many of them: ranking all 348,000 that hold "the"
# in a year's library took 0.4 s of CPU (bm25 a passage), and bm25 gives a word that most
# passages hold no weight (its IDF is floored), so ranking them all told a person nothing.
RANK_ALL_UP_TO = 20_000


def stage_label(name: str) -> str:
    """A stage as people call it (the stage table's label)."""
    try:
        return _stage(name).label
    except KeyError:
        return name


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


MARK_START, MARK_END = "\x02", "\x03"  # around matched words in search hits


def query_words(query: str) -> list[str]:
    import re

    return [w.lower() for w in re.findall(r"\w+", query)]


def _stem(word: str) -> str:
    """Near enough to the index's Porter stemmer to tell a word's forms (plan, plans,
    planning; release, released) from other words (planet)."""
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[:-len(suffix)]
            break
    word = word[:-1] if word.endswith("e") and len(word) > 3 else word
    return word[:-1] if len(word) > 3 and word[-1] == word[-2] else word


def matched_words(text: str, words: list[str]) -> set[str]:
    import re

    stems = {_stem(w) for w in words}
    return {t for t in re.findall(r"\w+", text.lower()) if _stem(t) in stems}


def readable_hit(marked: str) -> str:
    """A hit in notes as a person reads it: Markdown's time links, headings, bullets and
    bold taken out ("[1:16](#t=76.1)" reads 1:16; a link the snippet cut is dropped)."""
    text = re.sub(r"\[([^\]]*)\]\(#t=[^)]*\)?", r"\1", marked)
    text = re.sub(r"\(#t=[^)\s]*\)?", "", text)
    return re.sub(r"(^|\s)(#+|\*\*|[-*])\s*|\*\*", r"\1", text).strip()


def note_line_holding(paragraph: str, words: list[str]) -> str | None:
    """Of a paragraph of notes (each line ends with its time link), the line that holds
    most of *words* (the first of those), whole: a snippet cut its links ("…0) Alice: …",
    "… links. [0…") and took the time of the line before, or none."""
    lines = re.findall(r"\S.*?(?:\(#t=[\d.]+\)|\Z)", paragraph, re.S)
    best = max(lines, key=lambda line: len(matched_words(line, words)), default=None)
    return best if best is not None and matched_words(best, words) else None


def confidence_text(segment: dict) -> str | None:
    """The segments table's ``confidence``: the recogniser's own values the segment came with."""
    from workers.engines.speech import CONFIDENCE

    values = {name: segment[name] for name in CONFIDENCE if segment.get(name) is not None}
    return json.dumps(values) if values else None


def said_by(label: str | None) -> dict:
    """A segment's ``speaker`` (its speaker's label) once speakers were found, else nothing:
    the transcript, its translations and the notes' input alike."""
    return {"speaker": label} if label else {}


def said_by_all(labels: list[str | None]) -> dict:
    """The ``speaker`` of a translated segment that holds the words of these segments
    (pieces of the segment it translates, when speakers were found after it): the one
    speaker, or every one ("Ana / Ben", and ``speakers``), never the first alone; nothing
    when a piece has no speaker (who else spoke is not known)."""
    if not labels or None in labels:
        return {}
    names = list(dict.fromkeys(labels))
    return said_by(names[0]) if len(names) == 1 else {"speaker": together(names), "speakers": names}


def recogniser_confidence(row) -> dict:
    """A stored segment's confidence fields, while its text is still the recogniser's: a
    person's edit is sure of what it says, so an edited segment carries none."""
    if row["original_text"] is not None or not row["confidence"]:
        return {}
    return json.loads(row["confidence"])


def mark_words(text: str, words: list[str]) -> str:
    """*text* with MARK_START/MARK_END around each word that matches the query's."""
    import re

    found = matched_words(text, words)
    return re.sub(r"\w+", lambda m: f"{MARK_START}{m[0]}{MARK_END}" if m[0].lower() in found else m[0], text)


def with_said(fields: dict) -> dict:
    """A stage's fields as stored: an ``error`` given as a ``Said`` (``workers.messages``) is
    kept as its English and, in ``error_said``, its key and values; one given as text has none."""
    if "error" not in fields:
        return fields
    error = fields["error"]
    said = json.dumps(error.plain()) if isinstance(error, Said) else None
    return {**fields, "error": None if error is None else str(error), "error_said": said}


def said_error(row: dict) -> Said | str | None:
    """A job's or stage's error as the window words it: its ``Said`` when the row keeps one
    (its key and values), else its English (a row from before, a sentence not in the catalogue)."""
    if not row.get("error"):
        return row.get("error")
    return (said_from(json.loads(row["error_said"])) if row.get("error_said") else None) or row["error"]


def job_state(stage_states: list[str], optional: list[bool] | None = None) -> str:
    """A job is as far as its least finished stage, and failed if any stage failed. What
    a person cares about is the transcript (the first stage): when it is done and a later
    stage was cancelled (the notes, a translation), the job is done, not cancelled. An
    optional stage that failed (speakers) fails the job only once the rest has ended."""
    if optional and any(o and s == FAILED for s, o in zip(stage_states, optional)):
        rest = job_state([s for s, o in zip(stage_states, optional) if not (o and s == FAILED)])
        return FAILED if rest in FINAL else rest
    if not stage_states:
        return QUEUED
    if FAILED in stage_states:
        return FAILED
    if stage_states[0] == DONE and all(s in (DONE, CANCELLED) for s in stage_states):
        return DONE
    if CANCELLED in stage_states:
        return CANCELLED
    if PAUSED in stage_states:
        return PAUSED
    if all(s == DONE for s in stage_states):
        return DONE
    if RUNNING in stage_states or DONE in stage_states:
        return RUNNING
    return QUEUED


def without_segments(result: dict) -> dict:
    """A transcript's result as kept beside its segments: the segments live in their own
    table, the text in its column (``transcript`` rebuilds both); the copy in the JSON was
    76 MB of a 395 MB store of 543 hours (bench_library.py)."""
    return {k: v for k, v in result.items() if k not in ("segments", "text")}


def _drop_passages(db, job_id: str) -> None:
    """A job's search documents out of the index, found by their rowid spans."""
    for first, last in db.execute("SELECT first, last FROM passage_spans WHERE job_id=?", (job_id,)).fetchall():
        db.execute("DELETE FROM passages WHERE rowid BETWEEN ? AND ?", (first, last))
    db.execute("DELETE FROM passage_spans WHERE job_id=?", (job_id,))


class JobStore(SpeakerStore, TaskHistory, WatchLedger):
    """Jobs, their stages and chunks, and what they produced (transcripts, summaries,
    translations, search passages). The task history is ``app.store.taskhistory``, the
    watched folders' files ``app.store.watchledger``; the file,
    its schema and migrations ``app.store.schema``."""

    # --- jobs ------------------------------------------------------------------
    def create_job(self, path: str, *, stages: list[str], options: dict | None = None,
                   file_hash: str | None = None, options_key: str | None = None,
                   size_bytes: int | None = None, duration_seconds: float | None = None,
                   source: str | None = None, state: str = QUEUED) -> str:
        """*source*: where the job came from, in plain words ("window", "watch folder /in").
        A job with no *stages* yet (a link being downloaded) is in *state* until ``fill_job``."""
        job_id = uuid.uuid4().hex
        now = time.time()
        with self.transaction() as db:
            db.execute("INSERT INTO jobs (id, path, file_hash, size_bytes, duration_seconds, options,"
                       " options_key, state, created_at, updated_at, source) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       (job_id, path, file_hash, size_bytes, duration_seconds,
                        json.dumps(options or {}), options_key, state, now, now, source))
            db.executemany("INSERT INTO stages (job_id, name, state) VALUES (?,?,?)",
                           [(job_id, name, PENDING) for name in stages])
        return job_id

    def fill_job(self, job_id: str, path: str, *, stages: list[str], file_hash: str | None = None,
                 options_key: str | None = None, size_bytes: int | None = None,
                 duration_seconds: float | None = None) -> None:
        """A job made before its recording was here (a link) gets it, and its stages."""
        with self.transaction() as db:
            db.execute("UPDATE jobs SET path=?, file_hash=?, options_key=?, size_bytes=?, duration_seconds=?,"
                       " updated_at=? WHERE id=?",
                       (path, file_hash, options_key, size_bytes, duration_seconds, time.time(), job_id))
            db.executemany("INSERT INTO stages (job_id, name, state) VALUES (?,?,?)",
                           [(job_id, name, PENDING) for name in stages])
            self._refresh_job(db, job_id)

    def unfilled_jobs(self) -> list[dict]:
        """Jobs still waiting for their recording (a link whose download an exit cut off)."""
        return [dict(r) for r in self._q("SELECT * FROM jobs j WHERE j.state NOT IN (?,?,?) AND NOT EXISTS"
                                         " (SELECT 1 FROM stages s WHERE s.job_id = j.id)", FINAL)]

    def job(self, job_id: str) -> dict | None:
        return self._one("SELECT * FROM jobs WHERE id=?", (job_id,))

    def count_waiting(self) -> int:
        """Jobs not yet started (pending or queued): the API's measure of a full queue."""
        return self._one("SELECT COUNT(*) AS n FROM jobs WHERE state IN (?,?)", (PENDING, QUEUED))["n"]

    def job_status(self, job_id: str) -> tuple[dict, list[dict], int | None] | None:
        """A job, its stages and its place in line, read in one snapshot (the workers write
        between two separate reads: a status must not say "queued" beside a running stage's
        place). None when there is no such job."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                job = self._db.execute("SELECT * FROM jobs WHERE id=?", (job_id,)).fetchone()
                if job is None:
                    return None
                stages = [dict(r) for r in self._db.execute(
                    "SELECT * FROM stages WHERE job_id=? ORDER BY rowid", (job_id,))]
                return dict(job), stages, self._place(job["state"], stages, job_id)
            finally:
                self._db.execute("COMMIT")

    def place_in_line(self, job_id: str) -> int | None:
        """Where a job waits: 0 while a stage of it runs, N when N - 1 stages are queued on the
        same stage before its own (priority first, 0 the highest; then who was queued first),
        None when it has finished or is paused."""
        found = self.job_status(job_id)
        return None if found is None else found[2]

    def _place(self, job_state_now: str, stages: list[dict], job_id: str) -> int | None:
        if job_state_now in FINAL or job_state_now == PAUSED:
            return None
        if any(s["state"] == RUNNING for s in stages):
            return 0
        mine = next((s for s in stages if s["state"] in (QUEUED, PENDING)), None)
        if mine is None:
            return None
        if mine["state"] == PENDING:  # not sent yet (just taken in, or between two stages): last in line
            ahead = self._db.execute("SELECT COUNT(*) AS n FROM stages WHERE name=? AND state=?",
                                     (mine["name"], QUEUED)).fetchone()
        else:
            ahead = self._db.execute(
                "SELECT COUNT(*) AS n FROM stages WHERE name=? AND state=? AND job_id<>? AND "
                "(priority < ? OR (priority = ? AND queued_at < ?))",
                (mine["name"], QUEUED, job_id, mine["priority"], mine["priority"], mine["queued_at"])).fetchone()
        return ahead["n"] + 1

    def paths_under(self, folder: str) -> set[str]:
        """The files under *folder* some job still names (the API's uploads that must stay)."""
        prefix = folder.rstrip("/") + "/"
        return {r["path"] for r in self._q("SELECT path FROM jobs WHERE substr(path, 1, ?) = ?",
                                              (len(prefix), prefix))}

    def jobs(self, limit: int = 50) -> list[dict]:
        rows = self._q("SELECT * FROM jobs ORDER BY created_at DESC LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def job_rows(self, limit: int = 5000, changed_since: float | None = None) -> list[dict]:
        """Jobs, newest first, each with its current stage (the first not done) for the job
        list; with *changed_since*, only the jobs whose state or a stage changed after it."""
        since = () if changed_since is None else (changed_since,)
        rows = self._q(
            "SELECT j.*, s.name AS stage, s.state AS stage_state, s.progress, s.started_at,"
            " s.task_id, s.queued_at, s.priority,"
            " (SELECT group_concat(t.language, ', ') FROM translation_runs t WHERE t.job_id = j.id) AS translations,"
            " (SELECT COUNT(*) FROM speakers sp WHERE sp.job_id = j.id) AS speakers"
            " FROM jobs j LEFT JOIN stages s ON s.job_id = j.id AND s.rowid = ("
            "  SELECT s2.rowid FROM stages s2 WHERE s2.job_id = j.id"
            "  ORDER BY (s2.state = 'done'), s2.rowid LIMIT 1)"
            f"{' WHERE j.updated_at > ?' if since else ''}"
            " ORDER BY j.created_at DESC LIMIT ?", (*since, limit))
        return [dict(r) for r in rows]

    def job_count(self) -> int:
        return self._q("SELECT COUNT(*) FROM jobs")[0][0]

    def transcript_notes(self, job_ids: list[str]) -> dict[str, list[Said | str]]:
        """{job id: what its transcription noted} ("12 s of speech sounds like German…"), each
        note as its ``Said`` where the catalogue has it, for the jobs that noted something; the
        transcripts' JSON is read only where it has notes."""
        found = {}
        for start in range(0, len(job_ids), 500):
            part = job_ids[start:start + 500]
            rows = self._q("SELECT job_id, json_extract(result, '$.notes') AS notes, json_extract(result, '$.noted')"
                           f" AS noted FROM transcripts WHERE job_id IN ({','.join('?' * len(part))})"
                           " AND instr(result, '\"notes\"') > 0", part)
            found.update({r["job_id"]: notes_of({"notes": json.loads(r["notes"]),
                                                 "noted": json.loads(r["noted"] or "{}")})
                          for r in rows if r["notes"]})
        return found

    def delete_job(self, job_id: str) -> None:
        with self.transaction() as db:
            _drop_passages(db, job_id)
            db.execute("DELETE FROM task_events WHERE job_id=?", (job_id,))
            db.execute("DELETE FROM tasks WHERE job_id=?", (job_id,))
            db.execute("DELETE FROM jobs WHERE id=?", (job_id,))

    # --- callbacks (the local API's callback_url) ------------------------------------
    def add_callback(self, job_id: str, url: str) -> None:
        """Call *url* back when the job ends (a new URL for the job replaces the old)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO callbacks (job_id, url, state, tries, next_at) "
                       "VALUES (?,?,'waiting',0,0)", (job_id, url))

    def callback(self, job_id: str) -> dict | None:
        return self._one("SELECT * FROM callbacks WHERE job_id=?", (job_id,))

    def due_callbacks(self, now: float) -> list[dict]:
        """Callbacks waiting whose job has ended and whose time has come."""
        return [dict(r) for r in self._q(
            "SELECT c.* FROM callbacks c JOIN jobs j ON j.id = c.job_id WHERE c.state='waiting' "
            f"AND c.next_at <= ? AND j.state IN ({','.join('?' * len(FINAL))})", (now, *FINAL))]

    def lease_callback(self, job_id: str, seen_next_at: float, until: float) -> bool:
        """Take a due callback to send it until *until* (then it is due again, should the
        sender die mid-way); False when another sender took it first."""
        with self.transaction() as db:
            return db.execute("UPDATE callbacks SET next_at=? WHERE job_id=? AND state='waiting' AND next_at=?",
                              (until, job_id, seen_next_at)).rowcount == 1

    def callback_tried(self, job_id: str, *, state: str, tries: int, next_at: float = 0,
                       error: str | None = None) -> None:
        with self.transaction() as db:
            db.execute("UPDATE callbacks SET state=?, tries=?, next_at=?, error=? WHERE job_id=?",
                       (state, tries, next_at, error, job_id))

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

    def update_stage(self, job_id: str, name: str, *, only_if_active: bool = False, if_task=ANY_TASK,
                     **fields) -> bool:
        """Set fields of a stage and refresh the job's derived state; False if nothing changed.

        *only_if_active* keeps late or repeated events from undoing a final state; *if_task*
        as ``update_chunk``'s."""
        if not fields:
            return False
        fields = with_said(fields)
        cols = ", ".join(f"{k}=?" for k in fields)
        sql = f"UPDATE stages SET {cols} WHERE job_id=? AND name=?"
        params = [*fields.values(), job_id, name]
        if only_if_active:
            sql += f" AND state NOT IN ({','.join('?' * len(FINAL))})"
            params += FINAL
        if if_task is not ANY_TASK:
            sql += " AND task_id IS ?"
            params.append(if_task)
        with self.transaction() as db:
            changed = db.execute(sql, params).rowcount > 0
            if changed:
                self._refresh_job(db, job_id)
        return changed

    def update_stages(self, job_id: str, names: list[str], **fields) -> None:
        """Set the same fields on several stages at once: the job's state changes once (a
        cancel never shows the job cancelled on its way to done)."""
        if not names or not fields:
            return
        fields = with_said(fields)
        cols = ", ".join(f"{k}=?" for k in fields)
        with self.transaction() as db:
            db.executemany(f"UPDATE stages SET {cols} WHERE job_id=? AND name=?",
                           [(*fields.values(), job_id, name) for name in names])
            self._refresh_job(db, job_id)

    def _refresh_job(self, db, job_id: str) -> None:
        rows = db.execute("SELECT name, state, error, error_said FROM stages WHERE job_id=? ORDER BY rowid",
                          (job_id,)).fetchall()
        state = job_state([r["state"] for r in rows], [_stage(r["name"]).optional for r in rows])
        failed = next((r for r in rows if r["state"] == FAILED), None)
        error, said = (failed["error"], failed["error_said"]) if failed else (None, None)
        cancelled = [r["name"] for r in rows if r["state"] == CANCELLED]
        if state == DONE and cancelled:  # said on the job's row: the transcript is there
            labels = [stage_label(name) for name in cancelled]
            stages = " and ".join([labels[0], *(label.lower() for label in labels[1:])])
            cancel = say("stages-cancelled", stages=stages, names=",".join(cancelled))
            error, said = cancel.text, json.dumps(cancel.plain())
        now = time.time()
        db.execute("UPDATE jobs SET state=?, error=?, error_said=?, updated_at=?, "
                   "finished_at=CASE WHEN ? IN ('done','failed','cancelled') THEN ? ELSE NULL END "
                   "WHERE id=?", (state, error, said, now, state, now, job_id))

    # --- chunks of long files ---------------------------------------------------
    def save_chunk_plan(self, job_id: str, chunks: list[dict]) -> bool:
        """Chunks once planned are kept: a resume reuses the plan and what is done.
        Each chunk: index, start, end and the speech regions within it. False when the job
        had a plan already (another process joined to the stack saved it first)."""
        with self.transaction() as db:
            if db.execute("SELECT 1 FROM chunks WHERE job_id=? LIMIT 1", (job_id,)).fetchone():
                return False
            db.executemany("INSERT INTO chunks (job_id, idx, start, end, regions, state) VALUES (?,?,?,?,?,?)",
                           [(job_id, c["index"], c["start"], c["end"], json.dumps(c["regions"]), PENDING)
                            for c in chunks])
        return True

    def chunks(self, job_id: str) -> list[dict]:
        return [dict(r) for r in self._q("SELECT * FROM chunks WHERE job_id=? ORDER BY idx", (job_id,))]

    def chunk(self, job_id: str, idx: int) -> dict | None:
        return self._one("SELECT * FROM chunks WHERE job_id=? AND idx=?", (job_id, idx))

    def describe_chunk(self, job_id: str, idx: int) -> str:
        chunk = self.chunk(job_id, idx)
        if not chunk or not chunk["result"]:
            return "-"
        result = json.loads(chunk["result"])
        return (f"{len(result['segments'])} segments, {len(result.get('rerun') or [])} passages re-run, "
                f"{len(result.get('gaps') or [])} left untranscribed, {result.get('elapsed_seconds')} s")

    def chunk_by_task(self, task_id: str) -> dict | None:
        return self._one("SELECT * FROM chunks WHERE task_id=?", (task_id,))

    def active_chunks(self) -> list[dict]:
        return [dict(r) for r in self._q("SELECT * FROM chunks WHERE state IN (?,?) ORDER BY job_id, idx", ACTIVE)]

    def update_chunk(self, job_id: str, idx: int, *, only_if_active: bool = False, if_task=ANY_TASK,
                     **fields) -> bool:
        """False if nothing changed. *if_task*: only while the chunk still has that task id
        (None: none), as it was read: of two processes joined to the stack that send it at
        once, one records it (``Dispatcher.publish``)."""
        if isinstance(fields.get("error"), Said):  # a part's failure: its stage keeps the catalogue's words
            fields["error"] = str(fields["error"])
        cols = ", ".join(f"{k}=?" for k in fields)
        sql = f"UPDATE chunks SET {cols} WHERE job_id=? AND idx=?"
        params = [*fields.values(), job_id, idx]
        if only_if_active:
            sql += " AND state NOT IN ('done')"
        if if_task is not ANY_TASK:
            sql += " AND task_id IS ?"
            params.append(if_task)
        with self.transaction() as db:
            return db.execute(sql, params).rowcount > 0

    def take_lost(self, task_id: str, job_id: str, stage: str, chunk: int | None = None) -> bool:
        """Record a lost task (``JobService._resend_lost``) once: True for the one process joined
        to the stack that is to send it again. In the same write the stage (or chunk) gets a
        new task id that no task has yet: the other process finds its lost task replaced and
        sends nothing, and should this one stop before its resend, the new id is found lost in
        its turn. False when the stage or chunk has moved on (replaced, ended, cancelled)."""
        table, key, where = ("stages", "name", stage) if chunk is None else ("chunks", "idx", chunk)
        with self.transaction() as db:
            taken = db.execute(f"UPDATE {table} SET task_id=? WHERE job_id=? AND {key}=? AND task_id=? "
                               "AND state IN (?,?)", (uuid.uuid4().hex, job_id, where, task_id, *ACTIVE)).rowcount
            if taken:
                self.add_event(task_id, "lost", time.time(), job_id=job_id, stage=stage,
                               detail=None if chunk is None else {"chunk": chunk})
        return bool(taken)
    # --- what stages produce ----------------------------------------------------
    # Each stage's result kind (``workers.stages.Stage.stores``) has save_<kind>(job_id,
    # result) and describe_<kind>(job_id) (one line for the queue panel's task detail).
    def save_result(self, kind: str, job_id: str, result: dict) -> None:
        getattr(self, f"save_{kind}")(job_id, result)

    def finish_stage(self, job_id: str, name: str, kind: str, result: dict, finished_at: float | None) -> bool:
        """A stage's result (saved as *kind*) and its DONE in one write, and only while the stage
        is active: every process joined to the stack collects the same result, and a second one
        must neither save it over what the next stage has added nor send the next stage again.
        True for the one process that finished it."""
        with self.transaction():
            done = self.update_stage(job_id, name, only_if_active=True, state=DONE, progress=1.0, error=None,
                                     finished_at=finished_at)
            if done:
                self.save_result(kind, job_id, result)
        return done

    def describe_result(self, kind: str, job_id: str) -> str:
        describe = getattr(self, f"describe_{kind}", None)
        return describe(job_id) if describe else "done"

    def describe_transcript(self, job_id: str) -> str:
        t = self._one("SELECT language, duration_seconds, (SELECT COUNT(*) FROM segments s WHERE s.job_id=t.job_id)"
                      " AS n FROM transcripts t WHERE job_id=?", (job_id,))
        return f"{t['n']} segments, language {t['language']}, {t['duration_seconds']} s" if t else "-"

    def describe_summary(self, job_id: str) -> str:
        return ", ".join(s["template"] for s in self.summaries(job_id)) or "-"

    def describe_translation(self, job_id: str) -> str:
        return ", ".join(t["language"] for t in self.translation_languages(job_id)) or "-"

    def describe_passages(self, job_id: str) -> str:
        n = self._q("SELECT COALESCE(SUM(last - first + 1), 0) FROM passage_spans WHERE job_id=?", (job_id,))[0][0]
        return f"{n} passages indexed"

    def set_options(self, job_id: str, options: dict) -> None:
        """A job's options changed for a stage asked for later (a summary's template)."""
        with self.transaction() as db:
            db.execute("UPDATE jobs SET options=? WHERE id=?", (json.dumps(options), job_id))

    # --- transcripts -----------------------------------------------------------
    def save_transcript(self, job_id: str, result: dict) -> None:
        segments = result.get("segments", [])
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO transcripts (job_id, language, duration_seconds, model, text,"
                       " result, created_at) VALUES (?,?,?,?,?,?,?)",
                       (job_id, result.get("language"), result.get("duration"), result.get("model"),
                        result.get("text", ""), json.dumps(without_segments(result)), time.time()))
            db.execute("DELETE FROM segments WHERE job_id=?", (job_id,))
            db.executemany("INSERT INTO segments (job_id, idx, start, end, text, words, confidence) "
                           "VALUES (?,?,?,?,?,?,?)",
                           [(job_id, i, s["start"], s["end"], s["text"],
                             json.dumps(s["words"]) if s.get("words") else None, confidence_text(s))
                            for i, s in enumerate(segments)])
            db.execute("UPDATE jobs SET language=?, duration_seconds=COALESCE(?, duration_seconds), updated_at=?"
                       " WHERE id=?", (result.get("language"), result.get("duration"), time.time(), job_id))

    def heard_words(self, job_id: str) -> bool:
        """Whether the recogniser wrote any words in the job's transcript (what a person has
        since emptied counts: those words were heard)."""
        return self._one("SELECT 1 FROM segments WHERE job_id=? AND TRIM(COALESCE(original_text, text)) != '' "
                         "LIMIT 1", (job_id,)) is not None

    def drop_transcript(self, job_id: str) -> None:
        """A transcript that turned out to hold no speech (``JobService._no_speech``): gone, as
        if the transcription had said so itself."""
        with self.transaction() as db:
            db.execute("DELETE FROM segments WHERE job_id=?", (job_id,))
            db.execute("DELETE FROM transcripts WHERE job_id=?", (job_id,))

    def edit_segment(self, job_id: str, idx: int, text: str) -> None:
        """Save a person's edit at once; the model's words stay in original_text. The
        grounded notes follow it."""
        with self.transaction() as db:
            db.execute("UPDATE segments SET original_text=COALESCE(original_text, text), text=? "
                       "WHERE job_id=? AND idx=?", (text, job_id, idx))
        self.refresh_notes(job_id)

    def revert_segment(self, job_id: str, idx: int) -> None:
        with self.transaction() as db:
            db.execute("UPDATE segments SET text=original_text, original_text=NULL "
                       "WHERE job_id=? AND idx=? AND original_text IS NOT NULL", (job_id, idx))
        self.refresh_notes(job_id)

    def note_segments(self, job_id: str) -> list[dict]:
        """The transcript as notes are made from it: each segment's words and its speaker's label."""
        return [{"idx": s["idx"], "start": s["start"], "end": s["end"], "text": s["text"],
                 **said_by(s["speaker_label"]), **recogniser_confidence(s)}
                for s in self.segments(job_id)]

    def refresh_notes(self, job_id: str) -> int:
        """Grounded notes follow the transcript: made again from its words and speakers as
        they are now (milliseconds of work), after an edit, a name, a merge or new speakers.
        Notes an LLM condensed are left as they were: ``outdated_notes`` says they are older."""
        from workers.engines.llm import GroundedSummarizer, Template
        from workers.engines.minutes import transcript_digest

        kept = [json.loads(r["result"]) for r in self._q("SELECT result FROM summaries WHERE job_id=?", (job_id,))]
        grounded = [r for r in kept if r.get("engine") == "grounded" and r.get("sections")]
        if not grounded:
            return 0
        segments = self.note_segments(job_id)
        for old in grounded:
            headings = old.get("headings") or [s["heading"] for s in old["sections"]]
            template = Template(old["template"], tuple((heading, "") for heading in headings))
            result = dict(GroundedSummarizer(template).summarize(segments), job_id=job_id,
                          transcript_digest=transcript_digest(segments))
            self.save_summary(job_id, result)
        return len(grounded)

    def outdated_notes(self, job_id: str) -> list[str]:
        """The templates of this job's notes that were made from an older transcript (an
        LLM's: grounded notes are made again at every change)."""
        from workers.engines.minutes import transcript_digest

        rows = [json.loads(r["result"]) for r in self._q("SELECT result FROM summaries WHERE job_id=?", (job_id,))]
        if not rows:
            return []
        now = transcript_digest(self.note_segments(job_id))
        return [r["template"] for r in rows if r.get("transcript_digest") not in (None, now)]

    def segments(self, job_id: str) -> list[dict]:
        """Each segment, with ``speaker_label`` (the speaker's name, else "Speaker N"; None
        before speakers were found)."""
        return [dict(r) for r in self._q(
            f"SELECT s.*, CASE WHEN s.speaker IS NULL THEN NULL ELSE {LABEL_SQL} END AS speaker_label "
            "FROM segments s LEFT JOIN speakers sp ON sp.job_id=s.job_id AND sp.key=s.speaker "
            "WHERE s.job_id=? ORDER BY s.idx", (job_id,))]

    def save_summary(self, job_id: str, result: dict) -> None:
        """Notes as made; grounded notes made from words a person has since edited (the stage
        was sent the transcript before the edit) are made again from the words as they are."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO summaries (job_id, template, markdown, result, created_at) "
                       "VALUES (?,?,?,?,?)",
                       (job_id, result["template"], result["markdown"], json.dumps(result), time.time()))
            if result.get("engine") == "grounded" and result["template"] in self.outdated_notes(job_id):
                self.refresh_notes(job_id)

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
        """A translated transcript, shaped like ``transcript()`` so it exports the same way:
        each segment with the speaker of the segment it translates (its label now: renames
        and merges follow), and the speakers' turns. A translation made before the speakers
        were found sits on the first piece of each segment they cut (``save_speakers``) and
        holds every piece's words: it names every piece's speaker (``said_by_all``)."""
        run = self._one("SELECT * FROM translation_runs WHERE job_id=? AND language=?", (job_id, language))
        if not run:
            return None
        rows = [dict(r) for r in self._q("SELECT idx, start, end, text FROM translations WHERE job_id=? "
                                         "AND language=? ORDER BY idx", (job_id, language))]
        firsts, labels = [r["idx"] for r in rows], [[] for _ in rows]
        for s in self.segments(job_id):  # the pieces: from a translated segment's own up to the next one's
            at = bisect.bisect_right(firsts, s["idx"]) - 1
            if at >= 0 and (s["idx"] == firsts[at] or s["start"] < rows[at]["end"]):  # within its time
                labels[at].append(s["speaker_label"])
        segments = [{**r, **said_by_all(said)} for r, said in zip(rows, labels)]
        job = self.job(job_id) or {}
        return self._with_turns(job_id, {
            "language": language, "duration": job.get("duration_seconds"), "model": run["model"],
            "task": "translate", "segments": segments, "text": " ".join(s["text"] for s in segments).strip()})

    def _with_turns(self, job_id: str, result: dict) -> dict:
        """*result* with who spoke when (``turns``), once speakers were found."""
        turns = self.speaker_turns(job_id)
        if turns:
            result["turns"] = turns
        return result

    def add_stage(self, job_id: str, name: str) -> None:
        """A stage asked for later (a summary re-run on a finished transcript)."""
        with self.transaction() as db:
            db.execute("INSERT OR IGNORE INTO stages (job_id, name, state) VALUES (?,?,?)", (job_id, name, PENDING))

    def save_passages(self, job_id: str, result: dict) -> None:
        """The search documents of one job, replaced as a whole (after an index task): one
        span of rowids after the index's last, kept in ``passage_spans``."""
        passages = result["passages"]
        with self.transaction() as db:
            _drop_passages(db, job_id)
            last = db.execute("SELECT rowid FROM passages ORDER BY rowid DESC LIMIT 1").fetchone()
            first = (last[0] if last else 0) + 1
            db.executemany("INSERT INTO passages (rowid, text, job_id, idx, start, kind) VALUES (?,?,?,?,?,?)",
                           [(first + n, p["text"], job_id, p["idx"], p["start"], p.get("kind", "transcript"))
                            for n, p in enumerate(passages)])
            if passages:
                db.execute("INSERT INTO passage_spans (job_id, first, last) VALUES (?,?,?)",
                           (job_id, first, first + len(passages) - 1))

    def search(self, query: str, limit: int = 50, order: str = "relevance", speaker: str | None = None) -> list[dict]:
        """Hits across every transcript, one per segment that holds the words: job, kind,
        the segment's index and start, its speaker, a snippet with [marks] and the same
        text with MARK_START/MARK_END around the matched words (for the window to
        highlight). *speaker*: only what that speaker said (their name or "Speaker N")."""
        match = fts_query(query)
        if not match:
            return []
        words = query_words(query)
        order_by = "rank" if order == "relevance" else "j.created_at DESC, rank"
        # every passage that holds the words is ranked, up to RANK_ALL_UP_TO of them (the
        # newest, by the index's rowid, past that); only the shown ones get a snippet
        floor = self._q("SELECT rowid FROM passages WHERE passages MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                        (match, RANK_ALL_UP_TO - 1))
        ranked = [r[0] for r in self._q(
            "SELECT p.rowid FROM passages p JOIN jobs j ON j.id = p.job_id"
            f" WHERE passages MATCH ?{' AND p.rowid >= ?' if floor else ''} ORDER BY {order_by} LIMIT ?",
            (match, *(floor[0] if floor else ()), limit * (3 if not speaker else 20)))]
        # the snippets only of those (SQLite makes every candidate's before it sorts)
        found = {r["rowid"]: r for r in self._q(
            "SELECT p.rowid, p.job_id, p.idx, p.start, p.kind, p.text AS passage, j.path, j.created_at,"
            f" snippet(passages, 0, '{MARK_START}', '{MARK_END}', '…', 12) AS marked"
            " FROM passages p JOIN jobs j ON j.id = p.job_id"
            f" WHERE passages MATCH ? AND p.rowid IN ({','.join('?' * len(ranked))})", (match, *ranked))}
        rows = [found[rowid] for rowid in ranked if rowid in found]
        hits, seen = [], set()
        for row in rows:
            if len(hits) == limit:
                break
            hit = dict(row)
            del hit["rowid"]
            passage = hit.pop("passage")
            holding = self._segment_holding(hit, words)
            if holding:  # a passage is two segments: the hit is the one that holds the words
                hit["idx"], hit["start"], text = holding
                hit["marked"] = mark_words(text, words)
            hit["speaker"] = self._speaker_of(hit)
            if speaker and (hit["speaker"] or "").casefold() != speaker.strip().casefold():
                continue
            # once: the same words found through both passages that hold the segment, or in
            # another job of the same file with the same transcript
            key = (hit["path"], hit["kind"], hit["idx"], hit["marked"])
            if key in seen:
                continue
            seen.add(key)
            hit["at"] = hit["start"]  # where playing the hit starts (None: nowhere in particular)
            if hit["kind"] == "summary":  # a paragraph of notes: the line that holds the words, and its time
                line = note_line_holding(passage, words)
                if line:
                    hit["marked"] = mark_words(line, words)
                link = re.search(r"#t=([\d.]+)", hit["marked"])
                hit["at"] = float(link.group(1)) if link else None
                hit["marked"] = readable_hit(hit["marked"])
            hit["snippet"] = hit["marked"].replace(MARK_START, "[").replace(MARK_END, "]")
            hits.append(hit)
        return hits[:limit]

    def _speaker_of(self, hit: dict) -> str | None:
        if hit["kind"] != "transcript":
            return None
        row = self._one(f"SELECT CASE WHEN s.speaker IS NULL THEN NULL ELSE {LABEL_SQL} END AS label "
                        "FROM segments s LEFT JOIN speakers sp ON sp.job_id=s.job_id AND sp.key=s.speaker "
                        "WHERE s.job_id=? AND s.idx=?", (hit["job_id"], hit["idx"]))
        return row and row["label"]

    def _segment_holding(self, hit: dict, words: list[str]) -> tuple[int, float, str] | None:
        table = {"transcript": "segments", "translation": "translations"}.get(hit["kind"])
        if table is None:
            return None
        candidates = self._q(f"SELECT idx, start, text FROM {table} WHERE job_id=? AND idx IN (?, ?) ORDER BY idx",
                             (hit["job_id"], hit["idx"], hit["idx"] + 1))
        if not candidates:
            return None
        best = max(candidates, key=lambda r: (len(matched_words(r["text"], words)), -r["idx"]))
        return best["idx"], best["start"], best["text"]

    def transcript(self, job_id: str) -> dict | None:
        row = self._one("SELECT * FROM transcripts WHERE job_id=?", (job_id,))
        if not row:
            return None
        result = json.loads(row["result"])
        result["segments"] = [
            {"start": s["start"], "end": s["end"], "text": s["text"],
             **said_by(s["speaker_label"]),
             **({"words": json.loads(s["words"])} if s["words"] else {}), **recogniser_confidence(s)}
            for s in self.segments(job_id)]
        result["text"] = " ".join(s["text"] for s in result["segments"]).strip()
        return self._with_turns(job_id, result)
