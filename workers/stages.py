"""The stage table: every queue, Celery task and job stage of Earmark, declared once.

Everything else is derived from here: Celery's queues, routes and priorities
(``workers.config``), the tasks' time limits (``workers.tasks``), the worker roles and
their CPU shares (``app.runtime.supervisor``), which stages a job gets and in what order, the
arguments each task is sent with and where its result is stored (``app.jobs.service``), the
names in the job store's task history and the queue panel's filters.

Adding a stage is: its task (``workers/tasks.py``), its engine, one ``Stage`` below,
and its storage (``JobStore.save_<stores>`` and ``describe_<stores>``). Nothing else.
See CONTRIBUTING.md.

Plain data, no Celery, no Qt: workers and the app both import it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueueSpec:
    """A queue, served by one worker role. *cpu_share* is the role's share of the cores
    when it runs beside the transcription worker (None: what is left; an int: that many
    threads). llama.cpp slows down by orders of magnitude when oversubscribed, while
    tiny.en loses little with half the cores (bench/bench_summary.py)."""

    name: str
    label: str
    cpu_share: float | int | None


TRANSCRIBE_Q = QueueSpec("transcribe", "Speech", None)
NLP_Q = QueueSpec("nlp", "Summaries and translations", 0.5)
INDEX_Q = QueueSpec("index", "Search index", 1)
QUEUES: tuple[QueueSpec, ...] = (TRANSCRIBE_Q, NLP_Q, INDEX_Q)  # in order of importance

HOUR = 3600
HARD_LIMIT_GRACE_SECONDS = 120  # between a task's soft limit (a sentence) and its kill


@dataclass(frozen=True)
class TaskSpec:
    """A Celery task. *priority*: 0 is served first (Redis priorities); each task has its
    own, so one worker consuming every queue (a helper) still runs speech first."""

    name: str
    queue: QueueSpec
    priority: int
    label: str
    soft_limit_seconds: int | None = None  # None: Celery's default from workers.config
    reads_file: bool = False  # opens the recording itself: with helpers, it runs where the file is
    engine: str = "The worker process"  # what crashed, in the sentence a crash ends with
    works_on: str = "this file"  # ... and what it crashed on (workers.delivery.crash_sentence)

    def celery_options(self) -> dict:
        """The keyword arguments of this task's ``@app.task``."""
        options = {"name": self.name}
        if self.soft_limit_seconds:
            options.update(soft_time_limit=self.soft_limit_seconds,
                           time_limit=self.soft_limit_seconds + HARD_LIMIT_GRACE_SECONDS)
        return options


PRIORITY_TOP = 0  # "move to top"
# A long file's chunks come just after whole files: a short file dropped while a lecture
# is transcribed is done between two of its chunks, not after all of them.
SPEECH_ENGINE = "The speech engine"
TRANSCRIBE_TASK = TaskSpec("earmark.transcribe", TRANSCRIBE_Q, 2, "Transcription", 6 * HOUR, reads_file=True,
                           engine=SPEECH_ENGINE)
PLAN_TASK = TaskSpec("earmark.plan_chunks", TRANSCRIBE_Q, 2, "Planning chunks", 1 * HOUR, reads_file=True,
                     engine="The audio decoder")
CHUNK_TASK = TaskSpec("earmark.transcribe_chunk", TRANSCRIBE_Q, 3, "Transcription of a chunk", 6 * HOUR,
                      engine=SPEECH_ENGINE)
# speaker turns: CPU work of the same kind as speech (a fraction of its time), right
# after it, so the notes already have the names
DIARIZE_TASK = TaskSpec("earmark.diarize", TRANSCRIBE_Q, 4, "Speakers", 3 * HOUR, reads_file=True,
                        engine="The speaker engine", works_on="this recording")
SUMMARIZE_TASK = TaskSpec("earmark.summarize", NLP_Q, 5, "Summary", 3 * HOUR, engine="The summary engine",
                          works_on="this transcript")
TRANSLATE_TASK = TaskSpec("earmark.translate", NLP_Q, 5, "Translation", 3 * HOUR, engine="The translation engine",
                          works_on="this transcript")
INDEX_TASK = TaskSpec("earmark.index", INDEX_Q, 8, "Search index", engine="The search indexer",
                      works_on="this transcript")
CLEANUP_TASK = TaskSpec("earmark.cleanup", INDEX_Q, 9, "Housekeeping")
TASKS: tuple[TaskSpec, ...] = (TRANSCRIBE_TASK, PLAN_TASK, CHUNK_TASK, DIARIZE_TASK, SUMMARIZE_TASK, TRANSLATE_TASK,
                               INDEX_TASK, CLEANUP_TASK)


@dataclass(frozen=True)
class Again:
    """How a person runs a stage again on a finished transcript: the menu's words, the
    one job option it asks for (``workers.options`` key, checked by that setting's
    check) and the question that asks it; *fallback* is offered when that setting is
    off or empty. ``JobService.run_stage`` runs it; the window builds one dialog shape
    from it for every stage that has one."""

    action: str
    asks: str
    prompt: str
    fallback: str = ""


@dataclass(frozen=True)
class Stage:
    """One step of a job.

    *needs*: the task's arguments after the job id, each made by the app from the job
    (``app.jobs.service.ARGUMENTS``: path, options, segments, template, language, summaries,
    translations). *stores*: the kind of result, kept by ``JobStore.save_<stores>``.
    *wanted_if*: the job option that asks for the stage (None: every job has it).
    *reindex_after*: it may finish after the search index was made, which is then made
    again. *optional*: when it fails, the stages after it run all the same (speakers
    that could not be found, notes or a translation that failed never hold back the
    search index: the transcript is what a person came for), unless it found
    no speech (``NoSpeechError``: the speaker stage on a transcript with no words, which a
    recording gets only with speakers asked): then the job fails as the transcription would
    have, and the stages after it do not run (``JobService._no_speech``). Stages run
    in the order of ``STAGES``; each waits for the ones before it. *kept*: what a failure
    of the stage leaves, said after the sentence a crash ends with. *again*: how a person
    runs it again (None: it only runs as part of a job)."""

    name: str
    task: TaskSpec
    needs: tuple[str, ...]
    stores: str
    wanted_if: str | None = None
    reindex_after: bool = False
    optional: bool = False
    kept: str = ""
    again: Again | None = None

    @property
    def label(self) -> str:
        return self.task.label


TRANSCRIBE = Stage("transcribe", TRANSCRIBE_TASK, ("path", "options"), "transcript")
DIARIZE = Stage("diarize", DIARIZE_TASK, ("path", "timed_segments", "options"), "speakers",
                wanted_if="speakers", reindex_after=True, optional=True,
                kept="The transcript is kept without speakers.",
                again=Again("Find speakers…", "speakers",
                            "How many speakers: auto, a number (e.g. 3) or a range (e.g. 2-4):", fallback="auto"))
SUMMARIZE = Stage("summarize", SUMMARIZE_TASK, ("segments", "template", "options"), "summary",
                  wanted_if="summarize", reindex_after=True, optional=True,
                  kept="The transcript is kept without notes.",
                  again=Again("Summarize…", "summary_template", "Summarize with the template:",
                              fallback="meeting_minutes"))
TRANSLATE = Stage("translate", TRANSLATE_TASK, ("segments", "language", "options"), "translation",
                  wanted_if="translate_to", reindex_after=True, optional=True,
                  kept="The transcript is kept without the translation.",
                  again=Again("Translate…", "translate_to", "Translate into:", fallback="fr"))
INDEX = Stage("index", INDEX_TASK, ("segments", "summaries", "translations"), "passages")
STAGES: tuple[Stage, ...] = (TRANSCRIBE, DIARIZE, SUMMARIZE, TRANSLATE, INDEX)  # the order they run in

# A long file's transcribe stage runs as these tasks instead of TRANSCRIBE_TASK
# (app.jobs.chunkflow): one plan, then one task per chunk.
CHUNKED_TASKS = (PLAN_TASK, CHUNK_TASK)


def stage(name: str) -> Stage:
    for candidate in STAGES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no stage named {name!r}")


def task(name: str) -> TaskSpec:
    for candidate in TASKS:
        if candidate.name == name:
            return candidate
    raise KeyError(f"no task named {name!r}")


def stage_names() -> tuple[str, ...]:
    return tuple(s.name for s in STAGES)


def run_again() -> tuple[Stage, ...]:
    """The stages a person can run again on a finished transcript, in table order."""
    return tuple(s for s in STAGES if s.again is not None)


def queue_names() -> tuple[str, ...]:
    return tuple(q.name for q in QUEUES)


OFF = (None, "", False, 0, "off", "no", "none")


def wanted(stage_: Stage, options: dict) -> bool:
    return stage_.wanted_if is None or options.get(stage_.wanted_if) not in OFF


def stages_for(options: dict) -> list[str]:
    """The stages a job with these options gets, in order."""
    return [s.name for s in STAGES if wanted(s, options)]


def order(name: str) -> int:
    return stage_names().index(name)


def task_of(stage_name: str, chunk: bool = False) -> str:
    """The Celery task a stage's event was about (a chunk's, for a long file)."""
    return CHUNK_TASK.name if chunk else stage(stage_name).task.name


def queue_of(task_name: str | None) -> str | None:
    try:
        return task(task_name or "").queue.name
    except KeyError:
        return None
