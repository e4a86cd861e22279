"""Celery tasks: thin wrappers that unpack ids and paths, call an engine,
report progress and map errors. Task names are the contract with the app."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from billiard.exceptions import SoftTimeLimitExceeded
from celery.utils.log import get_task_logger
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from workers import config, stages
from workers.celery_app import app
from workers.errors import EarmarkError, NoSpeechError, TransientError
from workers.messages import Said, note, say
from workers.options import value

log = get_task_logger(__name__)

# Only faults that can pass by themselves are retried; a bad file fails once.
TRANSIENT = (TransientError, RedisConnectionError, RedisTimeoutError, OperationalError)
RETRY = dict(autoretry_for=TRANSIENT, retry_backoff=2, retry_backoff_max=config.RETRY_BACKOFF_MAX_SECONDS,
             retry_jitter=True, max_retries=5)
PROGRESS_INTERVAL_SECONDS = 0.5
PROGRESS_EVENT = "task-progress"


class ProgressReporter:
    """Sends progress as a Celery event (live) and task state (durable), throttled. Safe
    to call from another thread (the speech engine's timer between batches): the task's
    id and worker are taken here, where Celery's thread-local request has them."""

    def __init__(self, task, interval: float = PROGRESS_INTERVAL_SECONDS, model: str | None = None):
        self.task, self.interval, self.last, self.model = task, interval, 0.0, model
        self.task_id, self.hostname = task.request.id, task.request.hostname
        self.lock = threading.Lock()

    def __call__(self, done: float, total: float) -> None:
        with self.lock:
            now = time.monotonic()
            if done < total and now - self.last < self.interval:
                return
            self.last = now
        fraction = done / total if total else 0.0
        publish_progress(self.task, {"done_seconds": round(done, 2), "total_seconds": round(total, 2),
                                     "progress": round(fraction, 4), "model": self.model},
                         task_id=self.task_id, hostname=self.hostname)


def publish_progress(task, meta: dict, task_id: str | None = None, hostname: str | None = None) -> None:
    """Progress as task state (durable) and as an event (live); best-effort: a broker
    restarting under the task never fails the work for a progress report. *task_id* and
    *hostname*: the task's, when called from a thread other than the task's."""
    task_id = task_id or task.request.id
    try:
        task.update_state(task_id=task_id, state="PROGRESS", meta=meta)
        with task.app.events.default_dispatcher(hostname=hostname or task.request.hostname) as dispatcher:
            # with this process's memory: the queue panel shows it for helpers, whose
            # processes the app cannot see
            dispatcher.send(PROGRESS_EVENT, uuid=task_id, retry=False, rss_mb=rss_mb(), **meta)
    except (RedisConnectionError, RedisTimeoutError, OperationalError) as exc:
        log.warning("progress not sent: %r", exc)


def rss_mb() -> float:
    import psutil

    return round(psutil.Process().memory_info().rss / 1024 ** 2, 1)


def peak_rss_mb() -> float:
    """This process's peak memory so far (benchmarks read it from task results)."""
    try:
        import resource
    except ImportError:  # Windows
        import psutil

        info = psutil.Process().memory_info()
        return round(getattr(info, "peak_wset", info.rss) / 1024 ** 2, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


@app.task(bind=True, **stages.TRANSCRIBE_TASK.celery_options(), **RETRY)
def transcribe(self, job_id: str, path: str, options: dict) -> dict:
    """Transcribe the audio at *path*; the result is the transcript as JSON."""
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.media import check_unchanged, probe

    opts = TranscribeOptions.from_dict(options)
    log.info("job %s: transcribing %s (%s)", job_id, path, opts)
    started = time.monotonic()
    try:
        check_unchanged(path, options.get("file_hash"))
        info = probe(path)
        engine = SpeechEngine.get(opts)
        report = ProgressReporter(self, model=engine.model_name)
        report(0.0, info.duration_seconds or 0.0)  # the model it works with, from the start (the queue panel)
        result = engine.transcribe(info, opts, on_progress=report)
        if not result["text"] and not result.get("gaps") and not stages.wanted(stages.DIARIZE, options):
            raise NoSpeechError()  # with speakers asked, the speaker stage hears whether anyone spoke
    except SoftTimeLimitExceeded:
        raise EarmarkError(say("transcribe-time-limit")) from None
    result.update(job_id=job_id, elapsed_seconds=round(time.monotonic() - started, 3), worker_pid=os.getpid(),
                  peak_rss_mb=peak_rss_mb())
    log.info("job %s: %d segments in %.2f s", job_id, len(result["segments"]), result["elapsed_seconds"])
    return result


@app.task(bind=True, **stages.PLAN_TASK.celery_options(), **RETRY)
def plan_chunks(self, job_id: str, path: str, options: dict) -> dict:
    """A long file: decode it once (kept for the chunk tasks on this machine), find the
    speech, and cut it into chunks at silences. The app sends one task per chunk."""
    from workers.engines import chunks, voice_activity
    from workers.engines.speech import TranscribeOptions
    from workers.media import check_unchanged, decode, probe

    check_unchanged(path, options.get("file_hash"))
    # the chunks that follow need the model: it loads while the file is decoded and heard
    threading.Thread(target=preload, args=(TranscribeOptions.from_dict(options),), name="preload",
                     daemon=True).start()
    clock = time.monotonic()
    info = probe(path)
    audio = decode(path, info)
    duration = len(audio) / chunks.SAMPLE_RATE
    timings = {"decode": time.monotonic() - clock}
    clock = time.monotonic()
    probs = voice_activity.probabilities(audio, parts=config.thread_budget())
    regions = chunks.speech_regions(audio, probs=probs)
    timings["vad"] = time.monotonic() - clock
    if not regions:  # silence, a tone: said now, not after transcribing every chunk of nothing
        if not stages.wanted(stages.DIARIZE, options):
            raise NoSpeechError()
        # speakers asked: no chunk to transcribe, and the speaker stage hears whether anyone spoke
        return {"job_id": job_id, "duration": round(duration, 3), "speech_regions": [], "chunks": [],
                "timings": {k: round(v, 3) for k, v in timings.items()}}
    target = value(options, "chunk_minutes") * 60 or config.chunk_seconds()
    cuts = chunks.plan(regions, duration, target)
    chunks.store_audio(scratch_dir(), job_id, audio)
    voice_activity.store(scratch_dir(), job_id, probs)  # each chunk's pipeline reads them, not Silero again
    log.info("job %s: %.0f s in %d chunks of ~%.0f s (decoded in %.2f s, speech found in %.2f s)", job_id,
             duration, len(cuts), target, timings["decode"], timings["vad"])
    return {"job_id": job_id, "duration": round(duration, 3), "speech_regions": regions,
            "timings": {k: round(v, 3) for k, v in timings.items()},
            "chunks": [{"index": i, "start": s, "end": e} for i, (s, e) in enumerate(cuts)]}


def preload(options) -> None:
    """Load the speech model for the tasks to come (a courtesy: a failure is theirs to report)."""
    from workers.engines.speech import SpeechEngine

    try:
        SpeechEngine.get(options)
    except Exception as exc:
        log.info("speech model not preloaded: %r", exc)


def fetch_audio(task, key: str):
    """A chunk's audio from the broker (``workers.transfer``) and how long it travelled."""
    from workers import transfer

    with task.app.connection_for_read() as conn:
        fetched = transfer.fetch(conn.default_channel.client, key)
    if fetched is None:
        raise EarmarkError(say("part-audio-gone"))
    return fetched


@app.task(bind=True, **stages.CHUNK_TASK.celery_options(), **RETRY)
def transcribe_chunk(self, job_id: str, path: str, index: int, start: float, end: float,
                     regions: list, options: dict) -> dict:
    """One chunk of a long file, with the coverage check: speech that VAD heard but no
    words cover is transcribed again with safer settings, and what still has no words
    is returned as a marked gap, never hidden."""
    from workers.engines import chunks, voice_activity
    from workers.engines.speech import SpeechEngine, TranscribeOptions
    from workers.media import decode, probe

    opts = TranscribeOptions.from_dict(options)
    started = time.monotonic()
    timings = {}
    try:
        audio, travel = chunks.load_audio(scratch_dir(), job_id, start, end), None
        if audio is None and options.get("audio_key"):  # a helper: the audio came through the broker
            audio, travel = fetch_audio(self, options["audio_key"])
        if audio is None:  # a worker elsewhere with the same folders (a shared disk): decode here
            audio = decode(path, probe(path))[int(start * chunks.SAMPLE_RATE):int(end * chunks.SAMPLE_RATE)]
        probs = voice_activity.load(scratch_dir(), job_id, int(start * chunks.SAMPLE_RATE), len(audio))
        timings["audio"] = time.monotonic() - started
        engine = SpeechEngine.get(opts)
        timings["model"] = time.monotonic() - started - sum(timings.values())
        speech = [tuple(r) for r in regions]
        report = ProgressReporter(self, model=engine.model_name)
        report(0.0, end - start)  # the model it works with, from the start (the queue panel)
        result = engine.transcribe_samples(audio, opts, offset=start, regions=speech, speech_probs=probs,
                                           on_progress=report)
        timings["transcribe"] = time.monotonic() - started - sum(timings.values())
        engine.check_coverage(audio, result, opts, regions=speech, offset=start)
        timings["coverage"] = time.monotonic() - started - sum(timings.values())
    except SoftTimeLimitExceeded:
        raise EarmarkError(say("transcribe-time-limit")) from None
    result.update(job_id=job_id, index=index, start=start, end=end,
                  elapsed_seconds=round(time.monotonic() - started, 3), worker_pid=os.getpid(),
                  peak_rss_mb=peak_rss_mb(), hostname=self.request.hostname, audio_travel=travel,
                  timings={k: round(v, 3) for k, v in timings.items()})
    log.info("job %s chunk %d (%.0f-%.0f s): %d segments, %d re-run, %d gaps, %.1f s", job_id, index, start,
             end, len(result["segments"]), len(result["rerun"]), len(result["gaps"]), result["elapsed_seconds"])
    return result


@app.task(**stages.INDEX_TASK.celery_options(), **RETRY)
def index(job_id: str, segments: list[dict], summaries: list[dict] | None = None,
          translations: list[dict] | None = None) -> dict:
    """Search documents for one transcript (its summaries and translations too); the app
    writes them to its full-text index."""
    from workers.engines.search import passages

    docs = passages(segments)
    for summary in summaries or ():
        paragraphs = [{"idx": i, "start": 0.0, "text": p}
                      for i, p in enumerate(summary["markdown"].split("\n\n")) if p.strip()]
        docs += passages(paragraphs, kind="summary", window=1)
    for translation in translations or ():
        docs += passages(translation["segments"], kind="translation")
    return {"job_id": job_id, "passages": docs}


def _llm(options: dict):
    from workers.engines.llm import LLMEngine

    return LLMEngine.get(value(options, "llm_model"), value(options, "llm_context_tokens"),
                         value(options, "llm_threads") or config.thread_budget())


def no_words(segments: list[dict]) -> bool:
    """A transcript with no words: none heard (the speakers were), or a person emptied them."""
    return not any(seg["text"].strip() for seg in segments)


@app.task(bind=True, **stages.TRANSLATE_TASK.celery_options(), **RETRY)
def translate(self, job_id: str, segments: list[dict], language: str, options: dict) -> dict:
    """A transcript into *language* by the LLM, segment by segment (timestamps kept). A
    transcript with no words (none heard, or a person emptied them) translates to nothing
    without a model (none is loaded, nor needed: a missing one is no failure)."""
    from workers.engines.llm import Translator, language_name

    if no_words(segments):
        code, name = language_name(language)
        return {"language": code, "language_name": name, "model": None, "job_id": job_id,
                "segments": [{"idx": s["idx"], "start": s["start"], "end": s["end"], "text": ""} for s in segments]}
    engine = _llm(options)

    def on_progress(done: int, total: int) -> None:
        publish_progress(self, {"progress": round(done / total, 4) if total else 0.0, "done": done, "total": total,
                                "step": f"segment {min(done + 1, total)} of {total}",
                                "model": os.path.basename(engine.path)})

    try:
        result = Translator(engine, language, on_progress=on_progress).translate(segments)
    except SoftTimeLimitExceeded:
        raise EarmarkError(say("translate-time-limit")) from None
    result["job_id"] = job_id
    return result


SUMMARY_EVENT = "task-summary-text"
NOTHING_TO_NOTE = "This transcript has no words, so there is nothing to note."  # none heard, or a person emptied them


@app.task(bind=True, **stages.SUMMARIZE_TASK.celery_options(), **RETRY)
def summarize(self, job_id: str, segments: list[dict], template_text: str, options: dict) -> dict:
    """A summary of one transcript after a template; progress per piece and section,
    and the text as it is generated (events), for the window to stream."""
    from workers.engines.llm import SUMMARY_ENGINES, GroundedSummarizer, Summarizer, Template

    from workers.engines.minutes import transcript_digest

    template = Template.parse(template_text)
    mode = value(options, "summary_engine")
    if mode not in SUMMARY_ENGINES:
        raise EarmarkError(say("unknown-summary-engine", name=mode, choices=", ".join(SUMMARY_ENGINES)))
    if no_words(segments):  # no words (the speakers were heard): one sentence,
        # not "None recorded." under every heading, and no model asked to condense nothing
        return {"job_id": job_id, "template": template.title, "engine": mode, "model": None, "sections": [],
                "headings": [heading for heading, _ in template.sections], "pieces": 0, "dropped": [],
                "markdown": f"# {template.title}\n\n{NOTHING_TO_NOTE}\n",
                "transcript_digest": transcript_digest(segments)}  # lines a person emptied are lines
    engine = _llm(options) if mode != "grounded" else None
    buffer = {"text": "", "last": 0.0}

    def on_progress(done: int, total: int, what: str) -> None:
        publish_progress(self, {"progress": round(done / total, 4) if total else 0.0, "step": what, "done": done,
                                "total": total, "model": os.path.basename(engine.path) if engine else "grounded"})

    def on_text(section: str, text: str) -> None:
        buffer["text"] += text
        now = time.monotonic()
        if now - buffer["last"] >= 0.25:  # a few updates a second is smooth enough
            flush()
            buffer["last"] = now

    def flush() -> None:
        if buffer["text"]:
            try:
                self.send_event(SUMMARY_EVENT, retry=False, text=buffer["text"])
            except (RedisConnectionError, RedisTimeoutError, OperationalError):
                pass
            buffer["text"] = ""

    try:
        if mode == "llm":
            result = Summarizer(engine, template, on_progress=on_progress, on_text=on_text).summarize(segments)
        else:
            result = GroundedSummarizer(template, engine, on_progress=on_progress, on_text=on_text).summarize(
                segments)
    except SoftTimeLimitExceeded:
        raise EarmarkError(say("summary-time-limit")) from None
    flush()
    result["job_id"] = job_id
    result["transcript_digest"] = transcript_digest(segments)  # the window says when the transcript is newer
    return result


@app.task(bind=True, **stages.DIARIZE_TASK.celery_options(), **RETRY)
def diarize(self, job_id: str, path: str, segments: list[dict], options: dict) -> dict:
    """Who spoke when: the transcript's segments, each with one speaker (split where a
    turn changes inside one), and a voice print per speaker for the app to match
    against the people it knows."""
    from workers.engines.voices import SPEAKER_MODELS, SpeakerCount, diarize as find_turns, stage_result
    from workers.media import check_unchanged, probe

    try:
        count = SpeakerCount.parse(options.get("speakers"))
    except ValueError as exc:
        raise EarmarkError(str(exc)) from None
    started = time.monotonic()
    try:
        check_unchanged(path, options.get("file_hash"))
        info = probe(path)
        report = ProgressReporter(self, model=SPEAKER_MODELS)
        total = info.duration_seconds or 0.0
        report(0.0, total)  # the models it works with, from the start (the queue panel)
        found = find_turns(path, count, duration=total or None, segments=segments,
                           on_progress=lambda fraction: report(fraction * total, total))
    except SoftTimeLimitExceeded:
        raise EarmarkError(say("speakers-time-limit")) from None
    result = {"job_id": job_id, **stage_result(found, segments), "threshold": value(options, "speaker_match"),
              "elapsed_seconds": round(time.monotonic() - started, 3), "peak_rss_mb": peak_rss_mb()}
    if no_words(segments):  # the transcription heard no words: this stage says
        if not found.turns:  # whether anyone spoke (the app fails the job as the transcription would have)
            raise NoSpeechError()
        note(result, no_words_note(found.seconds, str(value(options, "model"))))
    return result


def no_words_note(seconds: dict, model: str) -> Said:
    """The job's notice when the speakers were heard but no words: how long, and what may help
    (a larger model of the kind *model* is: English-only ones for English, else multilingual)."""
    first, second = ("small.en", "distil-small.en") if model == "bundled" or model.endswith(".en") else ("small",
                                                                                                       "medium")
    return say("no-words-one" if len(seconds) == 1 else "no-words", count=len(seconds),
               seconds=f"{sum(seconds.values()):.1f}", first=first, second=second)


def scratch_dir() -> Path:
    """Where tasks keep temporary files (decoded chunks): the data folder's ``scratch/``
    (``EARMARK_SCRATCH_DIR``, set by the app and by ``earmark worker``), else this user's
    cache folder; never a shared folder such as /tmp. Private: 0700."""
    base = os.environ.get("EARMARK_SCRATCH_DIR")
    if not base:
        from platformdirs import user_cache_dir

        base = os.path.join(user_cache_dir("earmark", appauthor=False), "scratch")
    path = Path(base)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o700)
    return path


def remove_stale_files(folder: Path, older_than_seconds: float) -> int:
    """Delete files under *folder* not touched for *older_than_seconds*; return how many."""
    cutoff = time.time() - older_than_seconds
    removed = 0
    for item in folder.rglob("*"):
        try:
            if item.is_file() and item.stat().st_mtime < cutoff:
                item.unlink()
                removed += 1
        except OSError:
            continue  # another task may be using or removing it
    return removed


@app.task(**stages.CLEANUP_TASK.celery_options(), **RETRY)
def cleanup(older_than_seconds: float = 24 * 3600) -> dict:
    """Beat's hourly housekeeping: scratch files left by crashed tasks."""
    removed = remove_stale_files(scratch_dir(), older_than_seconds)
    if removed:
        log.info("cleanup removed %d stale scratch files", removed)
    return {"removed": removed}
