"""A task whose process dies is tried again a bounded number of times, then fails once.

``acks_late`` + ``task_reject_on_worker_lost`` keeps a task when its pool process dies
(a kill, the OOM killer, a native crash), but Celery then puts the same message back
for ever: a task that crashes its engine on every try (llama.cpp hitting an instruction
the CPU does not allow) loops hundreds of times while every counter says nothing failed.

So the worker's main process, which survives its pool process, counts the crashes
itself, in a header of the message it sends again (durable in the broker, never in the
process that dies), waits a little longer after each (backoff with jitter), and after
``MAX_CRASHES`` records the task as failed with a sentence that says what happened.
"""

from __future__ import annotations

import logging
import os
import random
import re
import signal

from celery import Task
from celery.worker.request import Request

from workers.messages import Said, say

log = logging.getLogger(__name__)

MAX_CRASHES = 3  # starts that ended with the process dying, before the task fails
CRASH_HEADER = "earmark_crashes"
CAUSE_HEADER = "earmark_crash_cause"
CRASH_BACKOFF_SECONDS = 2.0  # then 4 s: an out-of-memory kill may pass when others finish
CRASH_BACKOFF_MAX_SECONDS = 60.0
TEST_CRASH_ENV = "EARMARK_TEST_CRASH"  # test hook, see crash_if_asked()

_SIGNALS = {getattr(signal, name): words for name, words in (  # Windows lacks some of them
    ("SIGILL", "illegal instruction"), ("SIGSEGV", "segmentation fault"), ("SIGBUS", "bus error"),
    ("SIGABRT", "aborted"), ("SIGFPE", "arithmetic fault"), ("SIGKILL", "killed"), ("SIGTERM", "terminated"))
    if hasattr(signal, name)}
UNEXPECTED_END, WORKER_ENDED = "the process ended unexpectedly", "the worker process ended"
_HINTS = {
    "illegal instruction": " This build of the engine uses CPU instructions this machine does not allow;"
                           " reinstalling Earmark builds a portable engine.",
    "killed": " It was killed from outside, most often because the machine ran out of memory.",
}


def cause_of(exc: BaseException) -> str:
    """'illegal instruction', 'killed', 'exit code 1' … from Celery's WorkerLostError text
    ("Worker exited prematurely: signal 4 (SIGILL) Job: 3.")."""
    text = str(exc)
    match = re.search(r"signal (\d+)", text)
    if match:
        number = int(match[1])
        try:
            return _SIGNALS.get(signal.Signals(number), signal.Signals(number).name)
        except ValueError:
            return f"signal {number}"
    match = re.search(r"exitcode (-?\d+)", text)
    return f"exit code {match[1]}" if match else UNEXPECTED_END


def exit_words(code: int | None) -> str:
    """'killed', 'illegal instruction', 'exit code 1' for a child process's return code."""
    if code is not None and code < 0:
        return cause_of(f"signal {-code}")
    return cause_of(f"exitcode {code}")


def crash_said(task_name: str, cause: str, crashes: int) -> Said:
    """The sentence a task that crashed its process MAX_CRASHES times fails with: the
    engine and what it worked on from its ``TaskSpec``, what the failure leaves from its
    ``Stage`` (``workers.stages``). The window says these parts as ``crash_words`` declares them."""
    from workers import stages

    try:
        spec = stages.task(task_name)
    except KeyError:
        spec = stages.TaskSpec(task_name, stages.TRANSCRIBE_Q, 0, task_name)  # not ours: the defaults
    kept = next((f" {s.kept}" for s in stages.STAGES if s.task.name == task_name and s.kept), "")
    times = "once" if crashes == 1 else "twice" if crashes == 2 else f"{crashes} times"
    return say("engine-crashed", engine=spec.engine, cause=cause, times=times, count=crashes,
               works_on=spec.works_on, kept=kept, hint=_HINTS.get(cause, ""))


def crash_sentence(task_name: str, cause: str, crashes: int) -> str:
    """``crash_said`` in English."""
    return crash_said(task_name, cause, crashes).text


def crash_words() -> list[str]:
    """The parts of a crash's sentence that come from declarations (each stage's engine, what
    it works on and what its failure keeps; the causes and their hints), for the window's
    translation (context "Crash", scripts/translations.py)."""
    from workers import stages

    default = stages.TaskSpec("", stages.TRANSCRIBE_Q, 0, "")
    return list(dict.fromkeys([
        *(text for spec in (default, *stages.TASKS) for text in (spec.engine, spec.works_on)),
        *(s.kept for s in stages.STAGES if s.kept), *_SIGNALS.values(), *(h.strip() for h in _HINTS.values()),
        UNEXPECTED_END, WORKER_ENDED]))


def count_crash(payload: dict, cause: str) -> None:
    """A message taken back from a worker that died whole: one crash more, in its headers."""
    headers = payload.setdefault("headers", {})
    headers[CRASH_HEADER] = int(headers.get(CRASH_HEADER) or 0) + 1
    headers[CAUSE_HEADER] = cause


def crash_backoff(crashes: int) -> float:
    return min(CRASH_BACKOFF_MAX_SECONDS, CRASH_BACKOFF_SECONDS * 2 ** (crashes - 1)) * random.uniform(0.8, 1.2)


class CrashBoundRequest(Request):
    """Celery's request, except when the pool process died under the task."""

    def on_failure(self, exc_info, send_failed_event=True, return_ok=False):
        from billiard.exceptions import WorkerLostError

        exc = getattr(exc_info.exception, "exc", exc_info.exception)
        if (not isinstance(exc, WorkerLostError) or self._already_revoked or self._already_cancelled
                or not self.task.acks_late):
            return super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)
        if self._success_was_stored():  # it finished; the process died after (Celery's own case)
            return super().on_failure(exc_info, send_failed_event=send_failed_event, return_ok=return_ok)
        crashes = int((self._request_dict.get(CRASH_HEADER) or 0)) + 1
        cause = cause_of(exc)
        if crashes >= MAX_CRASHES:
            self._fail(crashes, cause, exc_info)
        else:
            self._send_again(crashes, cause, exc)

    def _send_again(self, crashes: int, cause: str, exc) -> None:
        """The same task again, later, carrying the count; then this message is done."""
        delay = crash_backoff(crashes)
        try:
            from workers.trust import HEADER

            headers = {CRASH_HEADER: crashes, CAUSE_HEADER: cause, HEADER: self._request_dict.get(HEADER)}
            self.task.signature_from_request(self._context, countdown=delay, headers=headers).apply_async()
        except Exception as send_exc:  # the broker is away: keep the message (Celery's way)
            log.error("could not send %s[%s] again after a crash: %r", self.task_name, self.id, send_exc)
            self.reject(requeue=True)
            return
        self.acknowledge()
        self.send_event("task-retried", exception=f"crashed ({cause}), {crashes} of {MAX_CRASHES}",
                        traceback=str(exc))
        log.warning("%s[%s] crashed (%s), %d of %d; again in %.1f s", self.task_name, self.id, cause,
                    crashes, MAX_CRASHES, delay)

    def _fail(self, crashes: int, cause: str, exc_info) -> None:
        from workers.errors import EngineCrashed

        error = EngineCrashed(crash_said(self.task_name, cause, crashes))
        log.error("%s[%s] failed: %s", self.task_name, self.id, error)
        self.task.backend.mark_as_failure(self.id, error, request=self._context, store_result=True)
        self.acknowledge()
        self.send_event("task-failed", exception=repr(error), traceback=str(exc_info.exception))


class EarmarkTask(Task):
    Request = CrashBoundRequest

    def __call__(self, *args, **kwargs):
        if self.request.id and not self.request.called_directly:
            refuse_unless_sent_by_app(self, args, kwargs)
        if self.request.id:  # run by a worker, not called directly
            # First sign of life from the process doing the work (its pid is in the
            # event): the app's stall watch knows whom to look at from here on.
            try:
                self.send_event("task-progress", retry=False, progress=0.0)
            except Exception as exc:  # best-effort, like all progress
                log.warning("start event not sent: %r", exc)
        crashes = int(getattr(self.request, CRASH_HEADER, None) or 0)
        if crashes >= MAX_CRASHES:  # its whole worker died under it each time (counted at restore)
            from workers.errors import EngineCrashed

            raise EngineCrashed(crash_said(self.name, getattr(self.request, CAUSE_HEADER, None)
                                           or WORKER_ENDED, crashes))
        crash_if_asked(self.name)
        return super().__call__(*args, **kwargs)


def refuse_unless_sent_by_app(task, args, kwargs) -> None:
    """Nothing runs that the app did not sign (``workers.trust``): a message a helper put
    in a queue fails here, before it opens a file or loads a model."""
    from workers import trust
    from workers.errors import UntrustedTask

    try:
        trust.verify(task.name, task.request.id, args, kwargs, getattr(task.request, trust.HEADER, None))
    except trust.NotSentByApp as exc:
        log.warning("refused %s[%s]: %s (not sent by this worker's Earmark)", task.name, task.request.id, exc)
        raise UntrustedTask(say("untrusted-task")) from None


def crash_if_asked(what: str) -> None:
    """Test hook: ``EARMARK_TEST_CRASH=earmark.summarize:SIGILL`` (in the worker's
    environment) makes that task's process die by that signal when the task starts, as
    a native crash of its engine would; ``llama-cpu:haswell:SIGILL`` does the same to the
    probe of that llama.cpp CPU variant (workers.engines.llama_cpu). Never set outside tests."""
    wanted = os.environ.get(TEST_CRASH_ENV, "")
    name, sep, sig = wanted.rpartition(":")
    if not sep:
        name, sig = wanted, "SIGSEGV"
    if wanted and name == what:
        os.kill(os.getpid(), getattr(signal, sig))
