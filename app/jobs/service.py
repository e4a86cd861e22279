"""From a dropped file to a stored transcript: intake, sending tasks, applying
what Celery reports (events live, the result backend as the durable record) and
reconciling with the broker after the app was away."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.jobs.chunkflow import ChunkFlow, chunked
from app.jobs.dispatch import (
    Dispatcher,
    failure_said,
    locked,
    no_speech,
    settle,
    with_file_hash,
)
from app.store import jobstore as js
from app.store.jobstore import JobStore
from workers import stages
from workers.errors import BROKER_ERRORS, BadMediaError, EarmarkError, RefusedResult
from workers.media import hash_file
from workers.messages import Said, say

log = logging.getLogger(__name__)

# The two stages the service treats apart, looked up by name: a long file's transcription
# runs in chunks, and the index is made again after an edit. Every other stage is the table's.
TRANSCRIBE = stages.stage("transcribe").name
INDEX = stages.stage("index").name

LOST_AFTER_SECONDS = 10.0
PENDING_SETTLED_SECONDS = 5.0  # the safety net sends a pending stage only once it stayed pending this long


def options_key(options: dict) -> str:
    return hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Intake:
    job_id: str
    path: str
    state: str
    reused_from: str | None = None  # the job this file joined: the same content, with the same options

    @property
    def already_done(self) -> bool:
        return bool(self.reused_from) and self.state == js.DONE

    @property
    def already_active(self) -> bool:
        return bool(self.reused_from) and self.state != js.DONE


def _template(service, job, options):
    from app.templates import text_of

    try:
        return text_of(service.data_root, options.get("summary_template") or "meeting_minutes")
    except KeyError as exc:
        raise EarmarkError(exc.args[0]) from None


# What a stage's task is sent with, by the names in ``workers.stages.Stage.needs``: later
# stages get the text, never the app's database. (service, job, options) → value.
ARGUMENTS = {
    "path": lambda service, job, options: job["path"],
    "options": lambda service, job, options: with_file_hash(options, job),
    "segments": lambda service, job, options: service.store.note_segments(job["id"]),
    "timed_segments": lambda service, job, options: [
        {"idx": s["idx"], "start": s["start"], "end": s["end"], "text": s["text"],
         **({"words": json.loads(s["words"])} if s["words"] else {})}
        for s in service.store.segments(job["id"])],
    "template": _template,
    "language": lambda service, job, options: options["translate_to"],
    "summaries": lambda service, job, options: [{"markdown": s["markdown"]}
                                                for s in service.store.summaries(job["id"])],
    "translations": lambda service, job, options: [
        {"language": t["language"], "segments": service.store.translation(job["id"], t["language"])["segments"]}
        for t in service.store.translation_languages(job["id"])],
}


class JobService:
    """The app-side workflow. Safe to call from the caller's thread and the event thread:
    what reads the store and then sends runs under one lock, so a stage is never sent twice.

    Which stages a job has, in what order, what each task is sent with and where its
    result goes all come from the stage table (``workers.stages``) and ``ARGUMENTS``."""

    def __init__(self, store: JobStore, celery_app, data_root=None, stall_seconds: float | None = None,
                 on_summary_text=None, sharing: bool = False):
        """*sharing*: tasks may run on helpers (``app.runtime.supervisor.shares_work``): every
        recording goes in chunks whose audio travels through the broker."""
        from app.jobs.watchdog import StallWatch

        self.store = store
        self.celery = celery_app
        self.data_root = data_root  # for the person's own summary templates
        self.on_summary_text = on_summary_text or (lambda job_id, text: None)  # as a summary is generated
        self.changed = threading.Condition()  # notified after each applied event
        self.lock = threading.RLock()
        self.stalls = StallWatch(store, stall_seconds)
        self.dispatch = Dispatcher(store, celery_app, sharing=sharing)
        self.chunks = ChunkFlow(store, self.dispatch, data_root, sharing=sharing,
                                on_transcribed=lambda job_id: self._next_stage(job_id, TRANSCRIBE))
        self._missing: dict[str, float] = {}  # task id → since when it is nowhere (see _resend_lost)

    def wait_for_change(self, timeout_seconds: float) -> None:
        with self.changed:
            self.changed.wait(timeout_seconds)

    def _notify(self) -> None:
        with self.changed:
            self.changed.notify_all()

    # --- intake ----------------------------------------------------------------
    def placeholder(self, path: str, options: dict, source: str | None = None) -> str:
        """A job for a recording still to come (a link being downloaded): running, with no
        stages yet, so nothing is sent for it until ``intake(..., into=job_id)``."""
        return self.store.create_job(path, stages=[], options=options, options_key=options_key(options),
                                     source=source, state=js.RUNNING)

    def fail(self, job_id: str, why: Said | str, state: str = js.FAILED) -> None:
        """A job made with ``placeholder`` whose recording never came: failed (or
        cancelled), with *why*. Nothing for a job removed meanwhile."""
        job = self.store.job(job_id)
        if job is None:
            return
        if not self.store.stages(job_id):
            options = json.loads(job["options"])
            self.store.fill_job(job_id, job["path"], stages=stages.stages_for(options),
                                options_key=job["options_key"])
        self.store.update_stage(job_id, TRANSCRIBE, state=state, error=why, finished_at=time.time())

    def intake(self, path: str, options: dict, *, force: bool = False, send: bool = True,
               keep_bad: bool = True, source: str | None = None, into: str | None = None,
               file_hash: str | None = None) -> Intake:
        """Validate, hash and queue one file. A bad file becomes a failed job with its reason
        (the window shows it on its row); with *keep_bad* False it raises BadMediaError
        instead (the command line says why at once and keeps no row of it).

        With *send* False the job waits as pending (the workers are not up yet);
        ``send_pending()`` queues it later. *source*: where the job came from (kept on a
        new job; a file that joins another job keeps that job's). *into*: a job made by
        ``placeholder`` takes the file (it is its own job: the person asked for it).
        *file_hash*: its content hash, when the caller made it already (not read again)."""
        from workers.media import probe

        key = options_key(options)
        hashing = _Hashing(path, file_hash)  # read and hashed while the file is probed (both wait on the disk)
        try:
            info = probe(path)
        except BadMediaError as exc:
            hashing.wait()  # its own trouble (a missing file) is the probe's sentence already
            if not keep_bad:
                raise
            job_id = self._new_job(into, path, options, key, source)
            self.store.update_stage(job_id, TRANSCRIBE, state=js.FAILED, error=failure_said(exc),
                                    finished_at=time.time())
            return Intake(job_id, path, js.FAILED)
        digest = hashing.result()
        # The same content with the same settings queued or running already (named twice,
        # or dropped again after a crash): that job is the one, never a second run.
        same = self.store.find_active(digest, key) if into is None else None
        if same:
            return Intake(same["id"], path, same["state"], reused_from=same["id"])
        if not force and into is None:
            done = self.store.find_done(digest, key)
            if done:
                return Intake(done["id"], path, js.DONE, reused_from=done["id"])
        job_id = self._new_job(into, path, options, key, source, file_hash=digest, size_bytes=info.size_bytes,
                               duration_seconds=info.duration_seconds)
        if not send:
            return Intake(job_id, path, js.PENDING)
        self.send(job_id, TRANSCRIBE)
        return Intake(job_id, path, js.QUEUED)

    def _new_job(self, into: str | None, path: str, options: dict, key: str, source: str | None,
                 **facts) -> str:
        """A new job for *path*, or the placeholder *into* filled with it."""
        if into is None:
            return self.store.create_job(path, stages=stages.stages_for(options), options=options, options_key=key,
                                         source=source, **facts)
        self.store.fill_job(into, path, stages=stages.stages_for(options), options_key=key, **facts)
        return into

    def send_pending(self, settled_seconds: float = 0.0) -> int:
        """Queue what waits with nothing in the broker: jobs accepted while the workers
        were starting, and a next stage the app did not get to send before it stopped.
        *settled_seconds*: only jobs unchanged that long (see ``poll``)."""
        settled = time.time() - settled_seconds
        with self.lock:
            pending = [j for j in self.store.job_rows() if j["stage_state"] == js.PENDING
                       and j["state"] in js.ACTIVE and j["stage"] in stages.stage_names()
                       and j["updated_at"] <= settled]
            for job in reversed(pending):  # oldest first; once, though every process joined to the stack sends
                self.send(job["id"], job["stage"], replaces=job["task_id"])
            chunks = sum(self.chunks.send_chunks(s["job_id"], only=(js.PENDING,)) for s in self.store.active_stages()
                         if s["name"] == TRANSCRIBE and s["state"] == js.RUNNING)
            return len(pending) + chunks

    def _is_chunked(self, job_id: str, stage: str) -> bool:
        return stage == TRANSCRIBE and self.chunks.planned_already(job_id)

    # --- actions on jobs ---------------------------------------------------------
    @locked
    def cancel(self, job_id: str) -> None:
        """A queued job never starts; a running one is stopped. Not an error: state cancelled."""
        self.chunks.cancel(job_id)
        live = [s for s in self.store.stages(job_id) if s["state"] in (js.PENDING, js.PAUSED, *js.ACTIVE)]
        self.store.update_stages(job_id, [s["name"] for s in live], state=js.CANCELLED, finished_at=time.time())
        for stage in live:
            if stage["task_id"]:
                self.store.add_event(stage["task_id"], "cancelled", time.time(), job_id=job_id, stage=stage["name"])
                self.dispatch.withdraw(stage["task_id"], running=stage["state"] == js.RUNNING)
        self.chunks.drop_scratch(job_id)

    @locked
    def retry(self, job_id: str) -> bool:
        """Run a failed or cancelled job's unfinished stages again."""
        again = [s for s in self.store.stages(job_id) if s["state"] in (js.FAILED, js.CANCELLED)]
        for stage in again:
            self.store.update_stage(job_id, stage["name"], state=js.PENDING, error=None, traceback=None)
        if again:
            self.send(job_id, again[0]["name"])  # later stages follow when this one is done
        return bool(again)

    @locked
    def move_to_top(self, job_id: str) -> bool:
        """Make a queued job the next one its worker takes."""
        if self.chunks.move_to_top(self.store.job(job_id)):
            return True
        for stage in self.store.stages(job_id):
            if stage["state"] == js.QUEUED and stage["task_id"]:
                if self.dispatch.withdraw(stage["task_id"], only_queued=True):
                    # the old message is gone; a new one goes to the head of the queue
                    self.store.add_event(stage["task_id"], "moved", time.time(), job_id=job_id, stage=stage["name"])
                    self.send(job_id, stage["name"], priority=stages.PRIORITY_TOP)
                    return True
        return False

    @locked
    def pause(self, job_id: str) -> bool:
        """Stop sending a job's work: queued tasks leave the queue (kept in the store);
        a running chunk finishes and is kept. Whole short files run to the end."""
        paused = False
        for stage in self.store.stages(job_id):
            if self._is_chunked(job_id, stage["name"]) and stage["state"] in js.ACTIVE:
                self.chunks.pause(job_id)
            elif stage["state"] == js.PENDING or (stage["state"] == js.QUEUED and stage["task_id"] and
                                                  self.dispatch.withdraw(stage["task_id"], only_queued=True)):
                self.store.update_stage(job_id, stage["name"], state=js.PAUSED)
            else:
                continue
            paused = True
        return paused

    @locked
    def resume(self, job_id: str) -> bool:
        paused = [s for s in self.store.stages(job_id) if s["state"] == js.PAUSED]
        for stage in paused:
            self.store.update_stage(job_id, stage["name"], state=js.PENDING)
        if not paused:
            return False
        first = paused[0]["name"]
        if self._is_chunked(job_id, first):
            self.chunks.resume(job_id)
        else:
            self.send(job_id, first)
        return True

    @locked
    def remove(self, job_id: str) -> None:
        """Forget a job (its file is not touched); a live one is cancelled first."""
        if self.store.job(job_id)["state"] not in js.FINAL:
            self.cancel(job_id)  # which also drops its scratch audio
        self.store.delete_job(job_id)

    def send(self, job_id: str, stage: str, priority: int | None = None, replaces=js.ANY_TASK) -> str | None:
        """Queue one stage of a job (``app.jobs.dispatch``: recorded, then published; with
        *replaces*, only while the stage still has that task id, as ``Dispatcher.publish``).

        A stage whose arguments cannot be made (a summary template that is not there)
        fails at once with its sentence."""
        with self.lock:
            job = self.store.job(job_id)
            options = json.loads(job["options"])
            if stage == TRANSCRIBE and (self.chunks.sharing or chunked(job, options)):
                return self.chunks.send(job, options, priority, replaces)
            spec = stages.stage(stage)
            try:
                args = [job_id, *(ARGUMENTS[need](self, job, options) for need in spec.needs)]
            except EarmarkError as exc:
                self.store.update_stage(job_id, stage, state=js.FAILED, error=failure_said(exc),
                                        finished_at=time.time())
                return None
            return self.dispatch.publish(spec.task, job_id, stage, args, replaces=replaces, priority=priority)

    @locked
    def run_stage(self, job_id: str, name: str, **options) -> None:
        """Run one stage of a finished transcript (again), with the job options its
        ``Again`` asks for (``workers.stages``): speakers found, a summary with another
        template, a translation into another language. The options are kept on the job."""
        again = stages.stage(name).again
        if again is None:
            raise ValueError(f"the {name} stage is not one a person runs again")
        unknown = set(options) - {again.asks}
        if unknown:
            raise ValueError(f"the {name} stage asks for {again.asks}, not {', '.join(sorted(unknown))}")
        options = dict(json.loads(self.store.job(job_id)["options"]), **options)
        self.store.set_options(job_id, options)
        self.store.add_stage(job_id, name)
        self.store.update_stage(job_id, name, state=js.PENDING, error=None)
        self.send(job_id, name)

    @locked
    def reindex(self, job_id: str) -> None:
        """After an edit: index the job again, so search finds the new words, not the old."""
        stage = self.store.stage(job_id, INDEX)
        if stage and stage["state"] not in (js.PENDING, *js.ACTIVE):
            self.store.update_stage(job_id, INDEX, state=js.PENDING)
            self.send(job_id, INDEX)

    # --- what Celery reports ---------------------------------------------------
    def handle_event(self, event: dict) -> None:
        """Apply one Celery event (called on the monitor's thread)."""
        try:
            with self.lock:
                self.stalls.seen(event)
                self._apply_event(event)
        finally:
            self._notify()

    def _apply_event(self, event: dict) -> None:
        kind = event.get("type", "")
        task_id = event.get("uuid")
        if not task_id or not kind.startswith("task-"):
            return
        at = event.get("timestamp") or time.time()
        short = kind[len("task-"):]
        detail = {k: event[k] for k in ("hostname", "pid", "exception", "retries", "runtime")
                  if event.get(k) is not None}
        stage = self.store.stage_by_task(task_id)
        if stage is None:
            chunk = self.store.chunk_by_task(task_id)
            if chunk is not None:
                self.chunks.apply_event(chunk, short, event, at, detail)
            return  # else not one of ours (another app on an external broker)
        job_id, name = stage["job_id"], stage["name"]
        if short == "summary-text":
            self.on_summary_text(job_id, event.get("text", ""))
            return
        if short != "progress":
            self.store.add_event(task_id, short, at, job_id=job_id, stage=name, detail=detail or None)
        if short == "started":
            self.store.update_stage(job_id, name, only_if_active=True, state=js.RUNNING, started_at=at,
                                    worker=event.get("hostname"), attempts=stage["attempts"] + 1)
        elif short == "progress":
            # sent from inside the task, so its pid is the process doing the work
            self.store.update_stage(job_id, name, only_if_active=True, state=js.RUNNING,
                                    progress=float(event.get("progress", 0.0)), worker_pid=event.get("pid"))
        elif short == "retried":
            self.store.update_stage(job_id, name, only_if_active=True, state=js.QUEUED,
                                    error=f"retrying: {event.get('exception', '')}")
        elif short in ("succeeded", "failed"):
            self.collect(stage)
        elif short == "revoked":
            self.store.update_stage(job_id, name, only_if_active=True, state=js.CANCELLED, finished_at=at)

    def collect(self, stage: dict) -> str | None:
        """Take a finished task's outcome from the result backend; return the stage's new state."""
        meta = self.celery.backend.get_task_meta(stage["task_id"])
        status = meta.get("status")
        job_id, name = stage["job_id"], stage["name"]
        if status == "SUCCESS":
            current = self.store.stage(job_id, name)
            if current is None or current["task_id"] != stage["task_id"] or current["state"] in js.FINAL:
                return current and current["state"]  # a late duplicate, or a task since replaced
            if name == TRANSCRIBE and self.chunks.is_plan(meta["result"]):
                self.chunks.planned(job_id, meta["result"])  # a long file's plan: its chunks go out now
                return self.store.stage(job_id, name)["state"]
            try:
                self._check_result(job_id, name, meta["result"])
            except RefusedResult as exc:
                log.warning("job %s: the %s result was refused: %s", job_id, name, exc)
                self.store.update_stage(job_id, name, only_if_active=True, state=js.FAILED, error=failure_said(exc),
                                        finished_at=time.time())
                return js.FAILED
            done = self.store.finish_stage(job_id, name, stages.stage(name).stores, meta["result"], _finished_at(meta))
            if done:  # every process joined to the stack collects the same result; one sends what is next
                self._ended(stage, "succeeded", meta)
                self._next_stage(job_id, name)
            return js.DONE
        if status == "FAILURE":
            why = failure_said(meta.get("result"))
            with self.store.transaction():  # a crash between these writes would leave the later stages to run on nothing
                failed = self.store.update_stage(job_id, name, only_if_active=True, state=js.FAILED, error=why,
                                                 traceback=meta.get("traceback"), finished_at=_finished_at(meta))
                nothing_heard = (failed and name != TRANSCRIBE and no_speech(meta.get("result"))
                                 and not self.store.heard_words(job_id) and self._first_pass(job_id, name))
                if nothing_heard:
                    # (a transcript whose every line a person emptied is kept, and so are a finished
                    # job's results when a stage run again hears no one: that stage failed, no more)
                    self._no_speech(job_id, why)
            if failed:
                self._ended(stage, "failed", meta, {"exception": str(why)})
            if failed and not nothing_heard and stages.stage(name).optional:
                self._next_stage(job_id, name)  # e.g. no speakers: the notes and the index all the same
            return js.FAILED
        if status in ("STARTED", "PROGRESS"):
            fields = {"state": js.RUNNING}
            if status == "PROGRESS" and isinstance(meta.get("result"), dict):
                fields["progress"] = meta["result"].get("progress", 0.0)
            self.store.update_stage(job_id, name, only_if_active=True, **fields)
            return js.RUNNING
        if status == "REVOKED":
            self.store.update_stage(job_id, name, only_if_active=True, state=js.CANCELLED)
            return js.CANCELLED
        return None

    def _first_pass(self, job_id: str, name: str) -> bool:
        """Whether *name* runs in the job's first pass, its results not yet made: no speakers
        saved and every stage after it still waiting. (A stage run again on a finished job
        finds the later ones ended, and the speakers of its first run.)"""
        later = [s for s in self.store.stages(job_id)
                 if s["name"] in stages.stage_names() and stages.order(s["name"]) > stages.order(name)]
        return not self.store.speakers(job_id) and all(s["state"] in (js.PENDING, js.PAUSED) for s in later)

    def _no_speech(self, job_id: str, why: Said | str) -> None:
        """A later stage found no speech in a transcript with no words (the speaker stage, asked
        for, hears no one either): the job fails as the transcription would have without
        speakers, with its sentence, and the stages after do not run."""
        self.store.update_stage(job_id, TRANSCRIBE, state=js.FAILED, error=why, finished_at=time.time())
        self.store.drop_transcript(job_id)
        later = [s["name"] for s in self.store.stages(job_id) if s["state"] in (js.PENDING, js.PAUSED)]
        self.store.update_stages(job_id, later, state=js.CANCELLED, finished_at=time.time())

    def _ended(self, stage: dict, kind: str, meta: dict, detail: dict | None = None) -> None:
        """The task's end in its timeline, from its result: the worker's own event may come
        later (the store keeps the first), or never, when the app stops at once after (a
        command's own stack ends with its job)."""
        self.store.add_event(stage["task_id"], kind, _finished_at(meta) or time.time(), job_id=stage["job_id"],
                             stage=stage["name"], detail=detail)

    def _check_result(self, job_id: str, name: str, result) -> None:
        """What a worker (perhaps a helper) sent fits its task (``app.jobs.result_checks``)."""
        from app.jobs.result_checks import (
            check_speakers,
            check_stage_result,
            check_transcript,
        )

        job = self.store.job(job_id)
        if name == TRANSCRIBE:
            duration = (job or {}).get("duration_seconds") or (result or {}).get("duration") or 0.0
            check_transcript(result, 0.0, float(duration), job_id=job_id)
        else:
            transcript = self.store.transcript(job_id) or {}
            check_stage_result(result, len(json.dumps(transcript.get("segments") or [])), job_id=job_id)
            if name == stages.DIARIZE.name:
                check_speakers(result, float((job or {}).get("duration_seconds") or 0.0))

    def _next_stage(self, job_id: str, done: str) -> None:
        """The next pending stage in table order; a stage made after indexing is indexed too.
        Sent only while it still has the task id it was read with: the other process joined
        to the stack may have sent it meanwhile from ``send_pending`` (this one stalled past
        its settling time), and sent again it ran twice."""
        later = [s for s in self.store.stages(job_id)
                 if s["name"] in stages.stage_names() and stages.order(s["name"]) > stages.order(done)]
        for stage in sorted(later, key=lambda s: stages.order(s["name"])):
            if stage["state"] == js.PENDING:
                self.send(job_id, stage["name"], replaces=stage["task_id"])
                return
        if stages.stage(done).reindex_after:
            self.reindex(job_id)

    def poll(self, job_ids=None) -> bool:
        """A safety net, every few seconds: results whose events were missed (the event
        stream is not durable), stages whose send the broker did not take, and tasks
        stuck in a hung process. False when the broker did not answer (it may be
        restarting; the next poll tries again)."""
        try:
            with self.lock:
                for stage in self.store.active_stages():
                    if job_ids is None or stage["job_id"] in job_ids:
                        self._unreadable(stage, lambda s=stage: self.collect(s))
                for chunk in self.store.active_chunks():
                    if job_ids is None or chunk["job_id"] in job_ids:
                        self._unreadable(chunk, lambda c=chunk: self.chunks.collect(c))
                # a stage made pending a moment ago is being sent by the process that made
                # it (the window joined to 'earmark serve'): sent from here too, it ran twice
                self.send_pending(settled_seconds=PENDING_SETTLED_SECONDS)
                self._resend_lost()
            self.stalls.check()
            return True
        except BROKER_ERRORS as exc:
            log.warning("the broker did not answer the poll (%r); trying again", exc)
            return False
        finally:
            self._notify()

    def _unreadable(self, item: dict, collect) -> None:
        """*collect* one stage or chunk for the poll. An outcome that cannot be read or kept
        (a helper's result nested past what JSON decodes) fails it, once, with a sentence:
        raised out of the poll, it stopped the safety net for every job at every poll. A
        broker away, or the store busy, still ends this poll (the next one tries again)."""
        try:
            collect()
        except (*BROKER_ERRORS, sqlite3.OperationalError):
            raise
        except Exception as exc:
            log.exception("job %s: the outcome of task %s cannot be read or kept", item["job_id"], item["task_id"])
            why = say("unexpected", kind=type(exc).__name__, why=str(exc)[:300])
            if "idx" in item:  # a chunk of a long file
                self.chunks.failed(item, why, None)
            elif self.store.update_stage(item["job_id"], item["name"], only_if_active=True, if_task=item["task_id"],
                                         state=js.FAILED, error=why, finished_at=time.time()) \
                    and stages.stage(item["name"]).optional:
                self._next_stage(item["job_id"], item["name"])  # as a failed task of that stage would

    def _resend_lost(self) -> int:
        """A task the store has as queued or running that the broker does not hold and
        that has no result, for LOST_AFTER_SECONDS in a row, was lost (a broker killed
        before its append-only file had it): it is recorded as lost and sent again, so no
        one waits for it for ever; by one process only of those joined to the stack
        (``JobStore.take_lost``: both see it lost, and it ran twice). (A message on its way
        from a queue to a worker is in neither place for a moment: hence the grace time.)"""
        from app.runtime.queues import task_ids_in_broker

        in_broker = task_ids_in_broker(self.celery)
        now = time.monotonic()
        candidates = {stage["task_id"]: (stage["job_id"], stage["name"], None,
                                         lambda s=stage: self.send(s["job_id"], s["name"]))
                      for stage in self.store.active_stages()
                      if stage["task_id"] and not self._is_chunked(stage["job_id"], stage["name"])}
        candidates.update(self.chunks.in_flight())
        missing = {t for t in candidates if t not in in_broker
                   and self.celery.backend.get_task_meta(t).get("status") == "PENDING"}
        self._missing = {t: self._missing.get(t, now) for t in missing}
        resent = 0
        for task_id, since in list(self._missing.items()):
            if now - since < LOST_AFTER_SECONDS:
                continue
            job_id, stage, detail, resend = candidates[task_id]
            del self._missing[task_id]
            if not self.store.take_lost(task_id, job_id, stage, (detail or {}).get("chunk")):
                continue  # another process joined to the stack sends it again (or it has moved on)
            log.warning("task %s of job %s (%s) is neither in the broker nor done; sending it again",
                        task_id, job_id, stage)
            resend()
            resent += 1
        return resent

    @locked
    def reconcile(self) -> dict:
        """After the app was away: take results of tasks that finished meanwhile, and
        queue again what the broker no longer holds. Call before workers start."""
        from app.runtime.queues import task_ids_in_broker

        in_broker = task_ids_in_broker(self.celery)
        counts = {"collected": 0, "requeued": 0, "waiting": 0}
        self.chunks.reconcile(in_broker, counts)
        for stage in self.store.active_stages():
            if self._is_chunked(stage["job_id"], stage["name"]):
                # its chunks were reconciled one by one; any the app planned but had not
                # sent when it stopped go now
                counts["requeued"] += self.chunks.send_chunks(stage["job_id"], only=(js.PENDING,))
                self.chunks.maybe_join(stage["job_id"])
                continue
            settle(self.store, stage["task_id"], in_broker, counts, collect=lambda s=stage: self.collect(s),
                   resend=lambda s=stage: self.send(s["job_id"], s["name"]),
                   job_id=stage["job_id"], stage=stage["name"])
        return counts


def _finished_at(meta: dict) -> float:
    done = meta.get("date_done")
    if done is None:
        return time.time()
    if isinstance(done, str):
        from datetime import datetime, timezone

        try:
            parsed = datetime.fromisoformat(done)
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=timezone.utc)
            return parsed.timestamp()
        except ValueError:
            return time.time()
    return done.timestamp()


def _not_a_pipe(path: str) -> bool:
    """False for a named pipe, device or socket: opening one to hash it can wait for ever
    (the intake hung on a FIFO called talk.mp3); the probe refuses it with its sentence."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # missing or unreadable: the probe says so
        return True
    return stat.S_ISREG(mode) or stat.S_ISDIR(mode)


class _Hashing:
    """A file's content hash made on a thread of its own (hashlib lets go of the GIL)."""

    def __init__(self, path: str, known: str | None = None):
        self._digest: str | None = known
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path,), name="hash", daemon=True)
        if known is None and _not_a_pipe(path):
            self._thread.start()

    def _run(self, path: str) -> None:
        try:
            self._digest = hash_file(path)
        except BaseException as exc:  # said where the hash is asked for
            self._error = exc

    def wait(self) -> None:
        if self._digest is None and self._thread.ident is not None:
            self._thread.join()

    def result(self) -> str:
        self.wait()
        if self._error is not None:
            raise self._error
        return self._digest
