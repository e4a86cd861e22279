"""Sending a task, said once: record it in the store, add its 'queued' event, publish.

Whole stages and a long file's chunks go out through ``Dispatcher.publish``. The task
id is recorded before the message is published, so a crash in between is found by
``JobService.reconcile()``; a publish the broker did not take (it stayed away longer
than the retries) puts the stage or chunk back to pending, and ``JobService.poll()``
sends it again: nothing is marked queued that is not in the broker.
"""

from __future__ import annotations

import functools
import logging
import time
import uuid

from app.store import jobstore as js
from app.store.jobstore import JobStore
from workers.errors import BROKER_ERRORS, EarmarkError, NoSpeechError
from workers.messages import Said, said_from, say
from workers.stages import TaskSpec

log = logging.getLogger(__name__)


def locked(method):
    """Run a method under its object's ``lock`` (store reads and the sends they lead to)."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self.lock:
            return method(self, *args, **kwargs)
    return wrapper


def with_file_hash(options: dict, job: dict) -> dict:
    """A task's options carry the hash taken at intake: a speech worker checks that the
    file it reads is the one that was added (``workers.media.check_unchanged``)."""
    return dict(options, file_hash=job["file_hash"]) if job.get("file_hash") else options


def _earmark_error_names() -> set[str]:
    import workers.errors as errors

    return {name for name, value in vars(errors).items()
            if isinstance(value, type) and issubclass(value, errors.EarmarkError)}


def failure_said(exc) -> Said | str:
    """The sentence for a person from a failed task's exception, as the catalogue has it
    (``workers.messages``) where it does, else in English.

    Celery rebuilds exceptions from JSON (ours as themselves when ``workers.errors`` is
    loaded, else as look-alike classes of the same name), so ours are recognised by name:
    their arguments are the sentence, then its key and values; anything else is an
    unexpected error and says what it was."""
    if not isinstance(exc, BaseException):
        return str(exc)
    if isinstance(exc, EarmarkError) or type(exc).__name__ in _earmark_error_names():
        args = exc.args
        said = said_from({"key": args[1], "values": args[2]}) if len(args) == 3 else None
        return said or (str(args[0]) if args else str(exc))
    return say("unexpected", kind=type(exc).__name__, why=str(exc))


def failure_message(exc) -> str:
    """``failure_said`` in English."""
    return str(failure_said(exc))


def no_speech(exc) -> bool:
    """Whether a failed task found no speech in the recording (``NoSpeechError``, by name as above)."""
    return isinstance(exc, NoSpeechError) or type(exc).__name__ == NoSpeechError.__name__


class Dispatcher:
    """Publishes tasks for a job's stages and chunks; the one place that does."""

    def __init__(self, store: JobStore, celery_app, sharing: bool = False):
        self.store, self.celery = store, celery_app
        self.sharing = sharing  # helpers may take tasks: the file-reading ones stay here

    def queue_for(self, task: TaskSpec) -> str:
        """A task's queue; with helpers, the tasks that read the person's file go to the
        queue only this machine takes (helpers get the audio through the broker)."""
        from workers.config import FILES

        return FILES if self.sharing and task.reads_file else task.queue.name

    def publish(self, task: TaskSpec, job_id: str, stage: str, args: list, *, chunk: int | None = None,
                replaces=js.ANY_TASK, priority: int | None = None) -> str | None:
        """Queue *task* for a stage (or one chunk of it); its task id, or None when the
        broker did not take it (the stage or chunk is pending again). With *replaces*, it
        is sent only while the stage or chunk still has the task id it was read with (None:
        none): every process joined to the stack sends what waits (chunks, stages left
        pending), and the one whose record took sends it (None returned to the other)."""
        task_id = uuid.uuid4().hex
        now = time.time()
        fields = dict(state=js.QUEUED, task_id=task_id, progress=0.0, error=None, started_at=None, finished_at=None)
        if chunk is None:
            recorded = self.store.update_stage(job_id, stage, if_task=replaces, queued_at=now,
                                               priority=task.priority if priority is None else priority, **fields)
        else:
            recorded = self.store.update_chunk(job_id, chunk, if_task=replaces, **fields)
        if not recorded:
            return None
        self.store.add_event(task_id, "queued", now, job_id=job_id, stage=stage, name=task.name,
                             detail={"chunk": chunk} if chunk is not None else None)
        try:
            queue = self.queue_for(task)
            self.celery.send_task(task.name, args=args, task_id=task_id, queue=queue, routing_key=queue,
                                  priority=task.priority if priority is None else priority)
        except BROKER_ERRORS as exc:
            where = f"chunk {chunk} of {stage}" if chunk is not None else stage
            log.warning("could not send %s of job %s (%r); it waits to be sent again", where, job_id, exc)
            if chunk is None:
                self.store.update_stage(job_id, stage, state=js.PENDING, task_id=None)
            else:
                self.store.update_chunk(job_id, chunk, state=js.PENDING, task_id=None)
            return None
        return task_id

    def withdraw(self, task_id: str, *, running: bool = False, only_queued: bool = False) -> bool:
        """Take a task out of its queue, and make every worker drop it should it still
        arrive; a running one is ended (SIGKILL to its pool process only). With
        *only_queued*, a task no longer in a queue is left alone. True if it was still
        in a queue."""
        from app.runtime.queues import remove_from_queue

        removed = remove_from_queue(self.celery, task_id)
        if removed or not only_queued:
            # SIGKILL: a SIGTERM that lands as the pool process takes the task up (between
            # Celery's accept and the task's body) was seen to be swallowed, and the task ran on
            self.celery.control.revoke(task_id, terminate=running, signal="SIGKILL" if running else "SIGTERM")
        return removed


def settle(store: JobStore, task_id: str | None, in_broker: set[str], counts: dict, *, collect, resend,
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
        store.add_event(task_id or "-", "lost", time.time(), job_id=job_id, stage=stage, detail=detail)
        resend()
        counts["requeued"] += 1
