"""Long files: the transcribe stage as a plan task, then one task per chunk, each
stored as it finishes, then the join. Mixed into JobService (app.jobs).

Resume is what falls out of keeping chunks in the store: whatever stops (the app, a
worker, the machine), the next start sends only the chunks that are not done."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import Counter

from app import jobstore as js
from workers import config
from workers.errors import BROKER_ERRORS

log = logging.getLogger(__name__)

PLAN_TASK, CHUNK_TASK = "earmark.plan_chunks", "earmark.transcribe_chunk"


def chunked(job: dict, options: dict) -> bool:
    """Whether a job's file is long enough to go in chunks."""
    limit = float(options.get("chunk_from_minutes") or config.CHUNK_FROM_SECONDS / 60) * 60
    return bool(job.get("duration_seconds")) and job["duration_seconds"] >= limit


def join(chunks: list[dict]) -> dict:
    """One transcript from the chunks' results: times continuous and increasing.

    Chunks are cut in the middle of silences, so no word belongs to two of them; a
    segment the model dated a little past its chunk's end is clamped to the next."""
    results = [json.loads(c["result"]) for c in sorted(chunks, key=lambda c: c["idx"])]
    segments, last_end = [], 0.0
    for result in results:
        for seg in result["segments"]:
            seg = dict(seg)
            seg["start"] = max(seg["start"], last_end)
            seg["end"] = max(seg["end"], seg["start"])
            last_end = seg["end"]
            segments.append(seg)
    spoken = Counter()
    for result, chunk in zip(results, sorted(chunks, key=lambda c: c["idx"])):
        spoken[result.get("language")] += chunk["end"] - chunk["start"]
    first = results[0]
    return {
        "language": spoken.most_common(1)[0][0],
        "duration": round(max(c["end"] for c in chunks), 3),
        "model": first.get("model"), "device": first.get("device"), "task": first.get("task"),
        "batched": first.get("batched"),
        "text": " ".join(s["text"] for s in segments if not s.get("gap")).strip(),
        "segments": segments,
        "chunks": len(results),
        "reruns": sum(len(r.get("rerun") or []) for r in results),
        "gaps": [g for r in results for g in r.get("gaps") or []],
        "notes": list(dict.fromkeys(n for r in results for n in r.get("notes") or [])),
    }


def locked(method):
    """Run a JobService method under its lock (store reads and the sends they lead to)."""
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)
    return wrapper


class ChunkFlow:
    """The chunk half of JobService; expects ``self.store`` and ``self.celery``."""

    def _send_plan_or_chunks(self, job: dict, options: dict, priority: int | None) -> str:
        """The transcribe stage of a long file: plan it, or (planned before) send what
        is not done yet."""
        job_id = job["id"]
        if self.store.chunks(job_id):
            self.store.update_stage(job_id, "transcribe", state=js.RUNNING, error=None, finished_at=None)
            self._send_chunks(job_id, options)
            return self.store.stage(job_id, "transcribe")["task_id"]
        task_id = uuid.uuid4().hex
        now = time.time()
        self.store.update_stage(job_id, "transcribe", state=js.QUEUED, task_id=task_id, queued_at=now,
                                progress=0.0, error=None, started_at=None, finished_at=None)
        self.store.add_event(task_id, "queued", now, job_id=job_id, stage="transcribe", name=PLAN_TASK)
        try:
            from app.jobs import with_file_hash

            self.celery.send_task(PLAN_TASK, args=[job_id, job["path"], with_file_hash(options, job)], task_id=task_id,
                                  priority=config.PRIORITY[PLAN_TASK] if priority is None else priority)
        except BROKER_ERRORS as exc:
            log.warning("could not send the plan of job %s (%r); it waits to be sent again", job_id, exc)
            self.store.update_stage(job_id, "transcribe", state=js.PENDING, task_id=None)
            return None
        return task_id

    def _send_chunks(self, job_id: str, options: dict | None = None, priority: int | None = None,
                     only=(js.PENDING, js.FAILED, js.CANCELLED)) -> int:
        """Send the chunks not done (by default also failed and cancelled ones: a retry)."""
        job = self.store.job(job_id)
        options = options if options is not None else json.loads(job["options"])
        sent = 0
        for chunk in self.store.chunks(job_id):
            if chunk["state"] not in only:
                continue
            self._send_chunk(job, chunk, options, priority)
            sent += 1
        return sent

    def _send_chunk(self, job: dict, chunk: dict, options: dict, priority: int | None = None) -> None:
        task_id = uuid.uuid4().hex
        now = time.time()
        self.store.update_chunk(job["id"], chunk["idx"], state=js.QUEUED, task_id=task_id, progress=0.0,
                                error=None, started_at=None, finished_at=None)
        self.store.add_event(task_id, "queued", now, job_id=job["id"], stage="transcribe",
                             detail={"chunk": chunk["idx"]})
        try:
            self.celery.send_task(CHUNK_TASK, task_id=task_id,
                                  args=[job["id"], job["path"], chunk["idx"], chunk["start"], chunk["end"],
                                        json.loads(chunk["regions"]), options],
                                  priority=config.PRIORITY[CHUNK_TASK] if priority is None else priority)
        except BROKER_ERRORS as exc:  # poll() sends the pending chunks of a running stage
            log.warning("could not send chunk %d of job %s (%r)", chunk["idx"], job["id"], exc)
            self.store.update_chunk(job["id"], chunk["idx"], state=js.PENDING, task_id=None)

    def _planned(self, job_id: str, plan: dict) -> None:
        """The plan task is done: keep the chunks, send them all."""
        self.store.save_chunk_plan(job_id, plan["chunks"], plan["speech_regions"])
        self.store.update_stage(job_id, "transcribe", only_if_active=True, state=js.RUNNING, progress=0.0)
        if self.store.stage(job_id, "transcribe")["state"] == js.RUNNING:  # not paused meanwhile
            self._send_chunks(job_id)

    def _apply_chunk_event(self, chunk: dict, short: str, event: dict, at: float) -> None:
        job_id, idx = chunk["job_id"], chunk["idx"]
        if short != "progress":
            detail = {k: event[k] for k in ("hostname", "pid", "exception", "retries", "runtime")
                      if event.get(k) is not None}
            self.store.add_event(chunk["task_id"], short, at, job_id=job_id, stage="transcribe",
                                 detail={"chunk": idx, **detail})
        if short == "started":
            self.store.update_chunk(job_id, idx, only_if_active=True, state=js.RUNNING, started_at=at,
                                    worker=event.get("hostname"), attempts=chunk["attempts"] + 1)
            self.store.update_stage(job_id, "transcribe", only_if_active=True, started_at=at,
                                    worker=event.get("hostname"))
        elif short == "progress":
            self.store.update_chunk(job_id, idx, only_if_active=True, state=js.RUNNING,
                                    progress=float(event.get("progress", 0.0)))
            self._chunk_progress(job_id)
        elif short in ("succeeded", "failed"):
            self.collect_chunk(chunk)
        elif short == "revoked":
            self.store.update_chunk(job_id, idx, only_if_active=True, state=js.PENDING, task_id=None)

    def _chunk_progress(self, job_id: str) -> None:
        """The audio covered by finished chunks and the running ones' share of theirs."""
        chunks = self.store.chunks(job_id)
        total = sum(c["end"] - c["start"] for c in chunks) or 1.0
        covered = sum((c["end"] - c["start"]) * (1.0 if c["state"] == js.DONE else
                                                 c["progress"] if c["state"] == js.RUNNING else 0.0)
                      for c in chunks)
        self.store.update_stage(job_id, "transcribe", only_if_active=True, progress=round(covered / total, 4))

    def collect_chunk(self, chunk: dict) -> str | None:
        """A chunk's outcome from the result backend; the join when it was the last."""
        meta = self.celery.backend.get_task_meta(chunk["task_id"])
        status = meta.get("status")
        job_id, idx = chunk["job_id"], chunk["idx"]
        current = next((c for c in self.store.chunks(job_id) if c["idx"] == idx), None)
        if current is None or current["task_id"] != chunk["task_id"]:
            return None  # replaced since (retried, or the job removed)
        if status == "SUCCESS":
            if current["state"] != js.DONE:
                self.store.update_chunk(job_id, idx, state=js.DONE, progress=1.0, finished_at=time.time(),
                                        result=json.dumps(meta["result"]), error=None)
                self._chunk_progress(job_id)
                self._maybe_join(job_id)
            return js.DONE
        if status == "FAILURE":
            from app.jobs import failure_message

            message = failure_message(meta.get("result"))
            self.store.update_chunk(job_id, idx, only_if_active=True, state=js.FAILED, error=message,
                                    finished_at=time.time())
            from app.export import timestamp

            where = f"{timestamp(chunk['start'], '.')[:8]}–{timestamp(chunk['end'], '.')[:8]}"
            self.store.update_stage(job_id, "transcribe", only_if_active=True, state=js.FAILED,
                                    error=f"{message} (the part at {where}; the other parts are kept)",
                                    traceback=meta.get("traceback"), finished_at=time.time())
            self.drop_scratch(job_id)
            return js.FAILED
        if status in ("STARTED", "PROGRESS"):
            self.store.update_chunk(job_id, idx, only_if_active=True, state=js.RUNNING)
            return js.RUNNING
        return None

    def _maybe_join(self, job_id: str) -> None:
        chunks = self.store.chunks(job_id)
        if not chunks or any(c["state"] != js.DONE for c in chunks):
            return
        stage = self.store.stage(job_id, "transcribe")
        if stage["state"] in js.FINAL:
            return
        self.store.save_transcript(job_id, join(chunks))
        self.store.update_stage(job_id, "transcribe", state=js.DONE, progress=1.0, error=None,
                                finished_at=time.time())
        self.drop_scratch(job_id)
        self._next_stage(job_id, "transcribe")

    def drop_scratch(self, job_id: str) -> None:
        """The decoded audio the plan task kept for the chunk tasks on this machine."""
        from pathlib import Path

        from workers.engines.chunks import cache_path

        if self.data_root:
            cache_path(Path(self.data_root) / "scratch", job_id).unlink(missing_ok=True)

    # --- pause and resume --------------------------------------------------------
    @locked
    def pause(self, job_id: str) -> bool:
        """Stop sending a job's work: queued tasks leave the queue (kept in the store);
        a running chunk finishes and is kept. Whole short files run to the end."""
        from app.queues import remove_from_queue

        paused = False
        for stage in self.store.stages(job_id):
            if stage["name"] == "transcribe" and self.store.chunks(job_id) and stage["state"] in js.ACTIVE:
                for chunk in self.store.chunks(job_id):
                    if chunk["state"] == js.QUEUED and remove_from_queue(self.celery, chunk["task_id"]):
                        self.celery.control.revoke(chunk["task_id"])
                        self.store.update_chunk(job_id, chunk["idx"], state=js.PENDING, task_id=None)
                self.store.update_stage(job_id, stage["name"], state=js.PAUSED)
                paused = True
            elif stage["state"] == js.QUEUED and stage["task_id"] and remove_from_queue(self.celery,
                                                                                          stage["task_id"]):
                self.celery.control.revoke(stage["task_id"])
                self.store.update_stage(job_id, stage["name"], state=js.PAUSED)
                paused = True
            elif stage["state"] == js.PENDING:
                self.store.update_stage(job_id, stage["name"], state=js.PAUSED)
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
        if first == "transcribe" and self.store.chunks(job_id):
            self.store.update_stage(job_id, first, state=js.RUNNING)
            self._send_chunks(job_id)
            self._maybe_join(job_id)  # every chunk may have finished while paused
        else:
            self.send(job_id, first)
        return True

    # --- after the app was away ---------------------------------------------------
    def reconcile_chunks(self, in_broker: set[str], counts: dict) -> None:
        for chunk in self.store.active_chunks():
            job = self.store.job(chunk["job_id"])
            self._settle(chunk["task_id"], in_broker, counts, collect=lambda c=chunk: self.collect_chunk(c),
                         resend=lambda c=chunk, j=job: self._send_chunk(j, c, json.loads(j["options"])),
                         job_id=chunk["job_id"], stage="transcribe", detail={"chunk": chunk["idx"]})

    def _settle(self, task_id: str | None, in_broker: set[str], counts: dict, *, collect, resend,
                job_id: str, stage: str, detail: dict | None = None) -> None:
        """One task after the app was away: its result taken, left waiting in the broker,
        or (neither) recorded as lost and sent again."""
        state = collect() if task_id else None
        if state in js.FINAL:
            counts["collected"] += 1
        elif task_id in in_broker:
            counts["waiting"] += 1
        else:
            log.warning("task %s of job %s (%s %s) was lost; queueing it again", task_id, job_id, stage, detail or "")
            self.store.add_event(task_id or "-", "lost", time.time(), job_id=job_id, stage=stage, detail=detail)
            resend()
            counts["requeued"] += 1
