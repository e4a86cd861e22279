"""Long files: the transcribe stage as a plan task, then one task per chunk, each
stored as it finishes, then the join. A collaborator of JobService (app.jobs.service), which
calls it under its lock; it calls back only through ``on_transcribed``.

Resume is what falls out of keeping chunks in the store: whatever stops (the app, a
worker, the machine), the next start sends only the chunks that are not done."""

from __future__ import annotations

import functools
import json
import logging
import time
from collections import Counter
from typing import Callable

from app.jobs.dispatch import Dispatcher, failure_said, settle, with_file_hash
from app.jobs.result_checks import check_transcript
from app.store import jobstore as js
from app.store.jobstore import JobStore
from workers.errors import RefusedResult
from workers.messages import Said, say
from workers.options import value
from workers.stages import CHUNK_TASK, PLAN_TASK, PRIORITY_TOP, TRANSCRIBE

log = logging.getLogger(__name__)
STAGE = TRANSCRIBE.name  # the stage a long file's chunks make up


def chunked(job: dict, options: dict) -> bool:
    """Whether a job's file is long enough to go in chunks."""
    limit = value(options, "chunk_from_minutes") * 60
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
        "noted": {text: said for r in results for text, said in (r.get("noted") or {}).items()},
    }


class ChunkFlow:
    """The transcribe stage of a long file, planned once and sent chunk by chunk."""

    def __init__(self, store: JobStore, dispatch: Dispatcher, data_root=None, sharing: bool = False,
                 on_transcribed: Callable[[str], None] = lambda job_id: None):
        self.store, self.dispatch, self.data_root = store, dispatch, data_root
        self.sharing = sharing  # helpers may take chunks: their audio goes through the broker
        self.on_transcribed = on_transcribed  # (job id) the joined transcript is stored

    def planned_already(self, job_id: str) -> bool:
        return bool(self.store.chunks(job_id))

    def send(self, job: dict, options: dict, priority: int | None = None, replaces=js.ANY_TASK) -> str | None:
        """The transcribe stage of a long file: plan it, or (planned before) send what
        is not done yet (*replaces*: ``Dispatcher.publish``'s, for the plan)."""
        job_id = job["id"]
        if self.planned_already(job_id):
            self.store.update_stage(job_id, STAGE, state=js.RUNNING, error=None, finished_at=None)
            self.send_chunks(job_id, options)
            return self.store.stage(job_id, STAGE)["task_id"]
        return self.dispatch.publish(PLAN_TASK, job_id, STAGE, [job_id, job["path"], with_file_hash(options, job)],
                                     replaces=replaces, priority=priority)

    def send_chunks(self, job_id: str, options: dict | None = None, priority: int | None = None,
                    only=(js.PENDING, js.FAILED, js.CANCELLED)) -> int:
        """Send the chunks not done (by default also failed and cancelled ones: a retry)."""
        job = self.store.job(job_id)
        options = options if options is not None else json.loads(job["options"])
        sent = 0
        for chunk in self.store.chunks(job_id):
            if chunk["state"] in only:
                if not self.send_chunk(job, chunk, options, priority):
                    break  # the broker holds as much audio as it may: the rest go as chunks finish
                sent += 1
        return sent

    def send_chunk(self, job: dict, chunk: dict, options: dict | None = None, priority: int | None = None) -> bool:
        """Queue one chunk; False when its audio must wait for room in the broker (it
        stays pending and ``JobService.poll`` sends it when a chunk before it is done)."""
        options = options if options is not None else json.loads(job["options"])
        if self.sharing:
            key = self._stage_audio(job, chunk)
            if key is None:
                if chunk["state"] != js.PENDING:
                    self.store.update_chunk(job["id"], chunk["idx"], state=js.PENDING, task_id=None)
                return False
            options = dict(options, audio_key=key)
        self.dispatch.publish(CHUNK_TASK, job["id"], STAGE,
                              [job["id"], job["path"], chunk["idx"], chunk["start"], chunk["end"],
                               json.loads(chunk["regions"]), options],
                              chunk=chunk["idx"], replaces=chunk["task_id"], priority=priority)
        return True

    # --- audio through the broker (helpers) --------------------------------------------
    def _broker_client(self):
        return self.dispatch.celery.connection_for_write()

    def _stage_audio(self, job: dict, chunk: dict) -> str | None:
        """The chunk's audio in the broker (``workers.transfer``), from the decoded copy the
        plan task kept here; its key, or None when it does not fit yet."""
        from pathlib import Path

        from workers import transfer
        from workers.engines.chunks import load_audio, store_audio
        from workers.media import decode, probe

        scratch = Path(self.data_root) / "scratch"
        samples = load_audio(scratch, job["id"], chunk["start"], chunk["end"])
        if samples is None:  # the decoded copy is gone (cleaned up): decode the file again
            store_audio(scratch, job["id"], decode(job["path"], probe(job["path"])))
            samples = load_audio(scratch, job["id"], chunk["start"], chunk["end"])
        with self._broker_client() as conn:
            size = transfer.stage(conn.default_channel.client, job["id"], chunk["idx"], samples, salt=self._salt)
        return None if size is None else transfer.key_for(job["id"], chunk["idx"], self._salt)

    @functools.cached_property
    def _salt(self) -> str:
        """Makes audio keys no helper can work out (``workers.transfer.key_for``)."""
        from pathlib import Path

        from app.paths import DataDir
        from app.remote.access import HelperAccess

        return HelperAccess.of(DataDir(Path(self.data_root))).ensure().gate_password if self.data_root else ""

    def _unstage(self, job_id: str, indexes) -> None:
        if not self.sharing:
            return
        from workers import transfer
        from workers.errors import BROKER_ERRORS

        try:
            with self._broker_client() as conn:
                transfer.unstage(conn.default_channel.client, job_id, list(indexes), self._salt)
        except BROKER_ERRORS as exc:  # its time to live removes it
            log.info("could not remove staged audio of job %s: %r", job_id, exc)

    def is_plan(self, result: dict) -> bool:
        return "chunks" in result and "segments" not in result

    def planned(self, job_id: str, plan: dict) -> None:
        """The plan task is done: keep the chunks, send them all."""
        from workers.engines.chunks import within

        if self.planned_already(job_id):
            return
        if not plan["chunks"]:  # no speech for the transcription (speakers asked: their stage listens next)
            self._transcribed(job_id, {"duration": plan.get("duration"), "text": "", "segments": []})
            return
        regions = [tuple(r) for r in plan["speech_regions"]]
        if not self.store.save_chunk_plan(job_id, [dict(c, regions=within(regions, c["start"], c["end"]))
                                                   for c in plan["chunks"]]):
            return  # every process joined to the stack collects the plan: the one that saved it sends the chunks
        self.store.update_stage(job_id, STAGE, only_if_active=True, state=js.RUNNING, progress=0.0)
        if self.store.stage(job_id, STAGE)["state"] == js.RUNNING:  # not paused meanwhile
            self.send_chunks(job_id)

    def apply_event(self, chunk: dict, short: str, event: dict, at: float, detail: dict) -> None:
        job_id, idx = chunk["job_id"], chunk["idx"]
        if short != "progress":
            self.store.add_event(chunk["task_id"], short, at, job_id=job_id, stage=STAGE,
                                 detail={"chunk": idx, **detail})
        if short == "started":
            self.store.update_chunk(job_id, idx, only_if_active=True, state=js.RUNNING, started_at=at,
                                    worker=event.get("hostname"), attempts=chunk["attempts"] + 1)
            self.store.update_stage(job_id, STAGE, only_if_active=True, started_at=at, worker=event.get("hostname"))
        elif short == "progress":
            self.store.update_chunk(job_id, idx, only_if_active=True, state=js.RUNNING,
                                    progress=float(event.get("progress", 0.0)))
            self._progress(job_id)
        elif short in ("succeeded", "failed"):
            self.collect(chunk)
        elif short == "revoked":
            self.store.update_chunk(job_id, idx, only_if_active=True, state=js.PENDING, task_id=None)

    def _progress(self, job_id: str) -> None:
        """The audio covered by finished chunks and the running ones' share of theirs."""
        chunks = self.store.chunks(job_id)
        total = sum(c["end"] - c["start"] for c in chunks) or 1.0
        covered = sum((c["end"] - c["start"]) * (1.0 if c["state"] == js.DONE else
                                                 c["progress"] if c["state"] == js.RUNNING else 0.0)
                      for c in chunks)
        self.store.update_stage(job_id, STAGE, only_if_active=True, progress=round(covered / total, 4))

    def collect(self, chunk: dict) -> str | None:
        """A chunk's outcome from the result backend; the join when it was the last."""
        meta = self.dispatch.celery.backend.get_task_meta(chunk["task_id"])
        status = meta.get("status")
        job_id, idx = chunk["job_id"], chunk["idx"]
        current = next((c for c in self.store.chunks(job_id) if c["idx"] == idx), None)
        if current is None or current["task_id"] != chunk["task_id"]:
            return None  # replaced since (retried, or the job removed)
        if status in ("SUCCESS", "FAILURE"):
            self._unstage(job_id, [idx])
        if status == "SUCCESS":
            try:
                check_transcript(meta["result"], chunk["start"], chunk["end"], job_id=job_id, index=idx)
            except RefusedResult as exc:
                log.warning("job %s chunk %d: result refused: %s", job_id, idx, exc)
                return self.failed(chunk, failure_said(exc), None)
            if current["state"] != js.DONE:
                self.store.update_chunk(job_id, idx, state=js.DONE, progress=1.0, finished_at=time.time(),
                                        result=json.dumps(meta["result"]), error=None)
                self._progress(job_id)
                self.maybe_join(job_id)
            return js.DONE
        if status == "FAILURE":
            return self.failed(chunk, failure_said(meta.get("result")), meta.get("traceback"))
        if status in ("STARTED", "PROGRESS"):
            self.store.update_chunk(job_id, idx, only_if_active=True, state=js.RUNNING)
            return js.RUNNING
        return None

    def failed(self, chunk: dict, message: Said | str, traceback: str | None) -> str:
        from workers.timefmt import clock

        job_id, idx = chunk["job_id"], chunk["idx"]
        self.store.update_chunk(job_id, idx, only_if_active=True, state=js.FAILED, error=message,
                                finished_at=time.time())
        where = f"{clock(chunk['start'])}–{clock(chunk['end'])}"
        self.store.update_stage(job_id, STAGE, only_if_active=True, state=js.FAILED,
                                error=say("part-failed", why=message, where=where),
                                traceback=traceback, finished_at=time.time())
        self.drop_scratch(job_id)
        return js.FAILED

    def maybe_join(self, job_id: str) -> None:
        chunks = self.store.chunks(job_id)
        if not chunks or any(c["state"] != js.DONE for c in chunks):
            return
        if self.store.stage(job_id, STAGE)["state"] not in js.FINAL:
            self._transcribed(job_id, join(chunks))

    def _transcribed(self, job_id: str, transcript: dict) -> None:
        """The stage's transcript and its DONE, once (``JobStore.finish_stage``: every process
        joined to the stack collects the last chunk); the one that finished it goes on."""
        if self.store.finish_stage(job_id, STAGE, "transcript", transcript, time.time()):
            self.drop_scratch(job_id)
            self.on_transcribed(job_id)

    def drop_scratch(self, job_id: str) -> None:
        """The decoded audio (and Silero's probabilities) the plan task kept for the chunk tasks here."""
        from pathlib import Path

        from workers.engines.chunks import cache_path
        from workers.engines.voice_activity import probs_path

        if self.data_root:
            cache_path(Path(self.data_root) / "scratch", job_id).unlink(missing_ok=True)
            probs_path(Path(self.data_root) / "scratch", job_id).unlink(missing_ok=True)
        self._unstage(job_id, [c["idx"] for c in self.store.chunks(job_id)])

    # --- actions -------------------------------------------------------------------
    def cancel(self, job_id: str) -> None:
        """The unfinished chunks never run; the finished ones are kept."""
        for chunk in self.store.chunks(job_id):
            if chunk["state"] in js.ACTIVE:
                self.store.update_chunk(job_id, chunk["idx"], state=js.CANCELLED)
                self.store.add_event(chunk["task_id"], "cancelled", time.time(), job_id=job_id, stage=STAGE,
                                     detail={"chunk": chunk["idx"]})
                self.dispatch.withdraw(chunk["task_id"], running=chunk["state"] == js.RUNNING)
        self._unstage(job_id, [c["idx"] for c in self.store.chunks(job_id)])

    def move_to_top(self, job: dict) -> bool:
        moved = False
        for chunk in self.store.chunks(job["id"]):
            if chunk["state"] == js.QUEUED and self.dispatch.withdraw(chunk["task_id"], only_queued=True):
                self.store.add_event(chunk["task_id"], "moved", time.time(), job_id=job["id"], stage=STAGE,
                                     detail={"chunk": chunk["idx"]})
                self.send_chunk(job, chunk, priority=PRIORITY_TOP)
                moved = True
        return moved

    def pause(self, job_id: str) -> None:
        """Queued chunks leave the queue (kept in the store); a running one finishes."""
        for chunk in self.store.chunks(job_id):
            if chunk["state"] == js.QUEUED and self.dispatch.withdraw(chunk["task_id"], only_queued=True):
                self.store.update_chunk(job_id, chunk["idx"], state=js.PENDING, task_id=None)
        self.store.update_stage(job_id, STAGE, state=js.PAUSED)

    def resume(self, job_id: str) -> None:
        self.store.update_stage(job_id, STAGE, state=js.RUNNING)
        self.send_chunks(job_id)
        self.maybe_join(job_id)  # every chunk may have finished while paused

    # --- the safety nets -----------------------------------------------------------
    def reconcile(self, in_broker: set[str], counts: dict) -> None:
        """After the app was away: each unfinished chunk collected, left waiting, or sent again."""
        for chunk in self.store.active_chunks():
            job = self.store.job(chunk["job_id"])
            settle(self.store, chunk["task_id"], in_broker, counts, collect=lambda c=chunk: self.collect(c),
                   resend=lambda c=chunk, j=job: self.send_chunk(j, c),
                   job_id=chunk["job_id"], stage=STAGE, detail={"chunk": chunk["idx"]})

    def in_flight(self) -> dict:
        """Task id → (job id, stage, detail, how to send it again), for the lost-task check."""
        return {chunk["task_id"]: (chunk["job_id"], STAGE, {"chunk": chunk["idx"]},
                                   lambda c=chunk: self.send_chunk(self.store.job(c["job_id"]),
                                                                   self.store.chunk(c["job_id"], c["idx"])))
                for chunk in self.store.active_chunks() if chunk["task_id"]}
